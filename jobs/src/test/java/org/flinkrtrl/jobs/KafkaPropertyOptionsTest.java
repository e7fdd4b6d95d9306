package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --kafka-property} and {@code --kafka-properties}: pass-through, precedence, and refusals. */
class KafkaPropertyOptionsTest {
    private static final String[] KAFKA = {"--bootstrap-servers", "b:9092", "--input-topic", "in", "--output-topic",
        "out", "--key-field", "key", "--value-fields", "value"};

    private static String[] kafka(String... more) {
        String[] all = java.util.Arrays.copyOf(KAFKA, KAFKA.length + more.length);
        System.arraycopy(more, 0, all, KAFKA.length, more.length);
        return all;
    }

    @Test
    void repeatedPropertiesKeepEverythingAfterTheFirstEquals() throws Exception {
        Properties p = JobOptions.parse(kafka("--kafka-property", "security.protocol=SSL", "--kafka-property",
            "ssl.key.password=x=y")).kafkaProperties();
        assertEquals(2, p.size());
        assertEquals("SSL", p.getProperty("security.protocol"));
        assertEquals("x=y", p.getProperty("ssl.key.password"));
    }

    @Test
    void commandLinePropertiesOverrideTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=PLAINTEXT\nsasl.mechanism=PLAIN\n", StandardCharsets.UTF_8);
        Properties p = JobOptions.parse(kafka("--kafka-properties", file.toString(), "--kafka-property",
            "security.protocol=SASL_SSL")).kafkaProperties();
        assertEquals("SASL_SSL", p.getProperty("security.protocol"));
        assertEquals("PLAIN", p.getProperty("sasl.mechanism"));
    }

    @Test
    void badPairsAndKafkaPropertiesOnFileRunsAreRefused() throws Exception {
        String[] r = JobOptionsTest.run(kafka("--kafka-property", "a"));
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("invalid value 'a' for --kafka-property: Kafka property must be key=value"), r[2]);
        r = JobOptionsTest.run("--kafka-property", "security.protocol=SSL");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("option --kafka-property needs --bootstrap-servers"), r[2]);
        r = JobOptionsTest.run("--kafka-properties", "client.properties");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("option --kafka-properties needs --bootstrap-servers"), r[2]);
        r = JobOptionsTest.run(kafka("--kafka-property", "=hunter2"));
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("Kafka property must be key=value"), r[2]);
        assertEquals(0, JobOptions.parse(kafka()).kafkaProperties().size());
    }
}
