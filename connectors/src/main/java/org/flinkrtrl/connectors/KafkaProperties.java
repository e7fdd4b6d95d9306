package org.flinkrtrl.connectors;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Kafka client properties passed through from the command line ({@code key=value}) or a properties file,
 * security settings included. {@link #masked(Properties)} is the only form that may be logged. Every name must be
 * a Kafka consumer, producer or admin client setting, or one of the Flink Kafka source's own
 * ({@link #KNOWN_NAMES}); anything else is refused with the names listed, so a typo or a {@code key:value} pair
 * cannot pass silently.
 */
public final class KafkaProperties {
    /** The property names the job's Kafka clients understand. */
    public static final Set<String> KNOWN_NAMES = knownNames();

    private KafkaProperties() {}

    private static Set<String> knownNames() {
        Set<String> s = new TreeSet<>(ConsumerConfig.configNames());
        s.addAll(ProducerConfig.configNames());
        s.addAll(AdminClientConfig.configNames());
        s.add(KafkaSourceOptions.CLIENT_ID_PREFIX.key());
        s.add(KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key());
        s.add(KafkaSourceOptions.REGISTER_KAFKA_CONSUMER_METRICS.key());
        s.add(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key());
        return java.util.Collections.unmodifiableSet(s);
    }

    /** Parses one {@code key=value} pair into {@code into}; the value may contain '='; the name must be known. */
    public static void put(Properties into, String keyValue) {
        int eq = keyValue.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("Kafka property must be key=value, got '" + mask(keyValue) + "'");
        }
        String name = keyValue.substring(0, eq).trim();
        if (!KNOWN_NAMES.contains(name)) {
            throw new IllegalArgumentException(unknown(Set.of(name)));
        }
        into.setProperty(name, keyValue.substring(eq + 1).trim());
    }

    /** Refuses properties whose names no Kafka client of the job knows, naming them all. */
    public static void validate(Properties p) {
        Set<String> bad = new TreeSet<>();
        for (String k : p.stringPropertyNames()) {
            if (!KNOWN_NAMES.contains(k)) {
                bad.add(k);
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(unknown(bad));
        }
    }

    private static String unknown(Set<String> names) {
        StringBuilder b = new StringBuilder("unknown Kafka client propert").append(names.size() == 1 ? "y" : "ies");
        String sep = " ";
        for (String n : names) {
            b.append(sep).append('\'').append(n).append('\'');
            sep = ", ";
        }
        return b.append(" (not a consumer, producer or admin client setting; expected name=value)").toString();
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
