package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka client properties with unknown or malformed names stop the job at the command line, named. */
class KafkaOptionsCheckTest {
    private static String[] run(String... extra) throws Exception {
        String[] base = {"--bootstrap-servers", "localhost:1", "--input-topic", "in", "--output-topic", "out",
            "--key-field", "k", "--time-field", "t", "--value-fields", "v", "--format", "json"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = SensorForecastJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(rc), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void malformedAndUnknownPropertyNamesAreRefused(@TempDir Path dir) throws Exception {
        String[] r = run("--kafka-property", "security.protocol:SSL");
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("Kafka property must be key=value, got 'security.protocol:SSL'"), r[1]);
        r = run("--kafka-property", "security.protocol:SSL=x");
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("unknown Kafka client property 'security.protocol:SSL'"), r[1]);
        r = run("--kafka-property", "fetch.max.byte=5");
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("unknown Kafka client property 'fetch.max.byte'"), r[1]);
        Path props = dir.resolve("client.properties");
        Files.writeString(props, "security.protocol=SSL\nsasl.mechanism:PLAIN\nssl.truststore.locaton=/x\n");
        r = run("--kafka-properties", props.toString());
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("unknown Kafka client property 'ssl.truststore.locaton'"), r[1]);
    }
}
