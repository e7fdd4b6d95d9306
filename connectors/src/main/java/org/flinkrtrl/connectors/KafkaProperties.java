package org.flinkrtrl.connectors;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Kafka client properties passed through from the command line ({@code key=value}) or a properties file,
 * security settings included. {@link #masked(Properties)} is the only form that may be logged.
 */
public final class KafkaProperties {
    private KafkaProperties() {}

    /** Parses one {@code key=value} pair into {@code into}; the value may contain '='. */
    public static void put(Properties into, String keyValue) {
        int eq = keyValue.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("Kafka property must be key=value, got '" + mask(keyValue) + "'");
        }
        into.setProperty(keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1).trim());
    }

    /** Loads a Java properties file into {@code into} (file entries first, so command-line pairs override). */
    public static void load(Properties into, Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        for (String k : p.stringPropertyNames()) {
            into.setProperty(k, p.getProperty(k));
        }
    }

    /** True for keys whose values must never be logged. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("sasl.jaas") || k.contains("token")
            || k.endsWith(".key") || k.contains("credentials");
    }

    /** A loggable rendering, secret values replaced by {@code ******}, keys sorted. */
    public static String masked(Properties p) {
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k, isSecret(k) ? "******" : p.getProperty(k));
        }
        return m.toString();
    }

    private static String mask(String keyValue) {
        int eq = keyValue.indexOf('=');
        return eq > 0 && isSecret(keyValue.substring(0, eq)) ? keyValue.substring(0, eq) + "=******" : keyValue;
    }
}
