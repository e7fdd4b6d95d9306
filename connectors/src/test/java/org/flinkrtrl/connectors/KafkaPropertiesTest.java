package org.flinkrtrl.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka client properties pass through unchanged, and secrets never reach their log form or error messages. */
class KafkaPropertiesTest {
    @Test
    void pairsPassThroughAndSecretsAreMasked() {
        Properties p = new Properties();
        KafkaProperties.put(p, "security.protocol=SASL_SSL");
        KafkaProperties.put(p, "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required password=\"s3cr3t\";");
        KafkaProperties.put(p, "ssl.truststore.password=hunter2");
        KafkaProperties.put(p, " linger.ms = 5 ");
        assertEquals("SASL_SSL", p.getProperty("security.protocol"));
        assertTrue(p.getProperty("sasl.jaas.config").endsWith("password=\"s3cr3t\";"));
        assertEquals("5", p.getProperty("linger.ms"));
        String log = KafkaProperties.masked(p);
        assertEquals("{linger.ms=5, sasl.jaas.config=******, security.protocol=SASL_SSL, ssl.truststore.password=******}",
            log);
    }

    @Test
    void aPairWithoutKeyIsRefused() {
        Properties p = new Properties();
        assertEquals("Kafka property must be key=value, got 'no-equals-sign'",
            assertThrows(IllegalArgumentException.class, () -> KafkaProperties.put(p, "no-equals-sign")).getMessage());
        assertEquals("Kafka property must be key=value, got '=x'",
            assertThrows(IllegalArgumentException.class, () -> KafkaProperties.put(p, "=x")).getMessage());
        assertTrue(p.isEmpty());
    }

    @Test
    void secretKeysAreRecognised() {
        for (String k : new String[] {"ssl.key.password", "sasl.jaas.config", "sasl.oauthbearer.token.endpoint.url",
            "ssl.keystore.key", "basic.auth.credentials.source", "client.secret"}) {
            assertTrue(KafkaProperties.isSecret(k), k);
        }
        for (String k : new String[] {"security.protocol", "bootstrap.servers", "ssl.keystore.type"}) {
            assertFalse(KafkaProperties.isSecret(k), k);
        }
    }

    @Test
    void fileEntriesComeFirstSoLaterPairsOverride(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "# comment\nsecurity.protocol=SSL\nssl.truststore.location=/etc/ts.jks\n",
            StandardCharsets.UTF_8);
        Properties p = new Properties();
        KafkaProperties.load(p, file);
        KafkaProperties.put(p, "security.protocol=SASL_SSL");
        assertEquals(2, p.size());
        assertEquals("SASL_SSL", p.getProperty("security.protocol"));
        assertEquals("/etc/ts.jks", p.getProperty("ssl.truststore.location"));
    }
}
