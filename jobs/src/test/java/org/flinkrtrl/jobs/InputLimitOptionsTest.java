package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.flinkrtrl.connectors.FieldMapping;
import org.flinkrtrl.record.DeadLetter;
import org.junit.jupiter.api.Test;

/** The input limits and the Kafka start-up wait on the command line: defaults, values, refusals. */
class InputLimitOptionsTest {
    private static final String[] FILE = {"--input", "in.jsonl", "--key-field", "k", "--time-field", "t",
        "--value-fields", "v"};
    private static final String[] KAFKA = {"--bootstrap-servers", "b:9092", "--input-topic", "in", "--output-topic",
        "out", "--key-field", "k", "--time-field", "t", "--value-fields", "v", "--format", "json"};

    private static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void defaultsAreTheMappingsDefaults() {
        FieldMapping m = JobOptions.parse(FILE).mapping();
        assertEquals(FieldMapping.DEFAULT_MAX_KEY_LENGTH, m.maxKeyLength);
        assertEquals(FieldMapping.DEFAULT_MIN_TIME_MILLIS, m.minTimeMillis);
        assertEquals(FieldMapping.DEFAULT_MAX_TIME_MILLIS, m.maxTimeMillis);
        assertEquals(DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES, m.maxDeadLetterPayloadBytes);
        assertEquals(Duration.ZERO, JobOptions.parse(KAFKA).inputTopicWait());
        FieldMapping embedded = JobOptions.parse("--max-key-length", "8").mapping();
        assertEquals(8, embedded.maxKeyLength);
        assertEquals("mote_id", embedded.keyField);
    }

    @Test
    void valuesReachTheMapping() {
        FieldMapping m = JobOptions.parse(with(FILE, "--max-key-length", "32", "--min-event-time", "2000-01-01T00:00:00Z",
            "--max-event-time", "4102444800000", "--dead-letter-payload-max", "1024")).mapping();
        assertEquals(32, m.maxKeyLength);
        assertEquals(946_684_800_000L, m.minTimeMillis);
        assertEquals(4_102_444_800_000L, m.maxTimeMillis);
        assertEquals(1024, m.maxDeadLetterPayloadBytes);
        assertEquals(Duration.ofMinutes(5), JobOptions.parse(with(KAFKA, "--input-topic-wait", "5m")).inputTopicWait());
    }

    @Test
    void badValuesAreRefusedWithTheReason() throws Exception {
        String[][] cases = {
            {"invalid value '0' for --max-key-length", "--max-key-length", "0"},
            {"the accepted event-time range is empty", "--min-event-time", "2300-01-01T00:00:00Z"},
            {"invalid value 'soon' for --max-event-time", "--max-event-time", "soon"},
            {"the dead-letter payload limit must be in [0, 131072] bytes, got 200000", "--dead-letter-payload-max", "200000"},
        };
        for (String[] c : cases) {
            String[] r = JobOptionsTest.run(with(FILE, java.util.Arrays.copyOfRange(c, 1, c.length)));
            assertEquals("2", r[0], String.join(" ", c));
            assertTrue(r[2].contains(c[0]), "for " + String.join(" ", c) + " got: " + r[2]);
        }
        String[] r = JobOptionsTest.run(with(FILE, "--input-topic-wait", "1m"));
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("option --input-topic-wait needs --bootstrap-servers"), r[2]);
    }
}
