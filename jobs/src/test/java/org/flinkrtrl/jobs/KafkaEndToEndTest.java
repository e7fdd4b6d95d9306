package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.flinkrtrl.connectors.KafkaTopics;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** Kafka in, Kafka out through the real job: exactly once, per-key order, dead letters, cancel and restore. */
class KafkaEndToEndTest extends KafkaTest {
    /** n events per key for keys k0..k(keys-1), interleaved, each key a noisy sine; ts in epoch millis. */
    static List<String[]> events(int keys, int from, int to, long seed) {
        Random rnd = new Random(seed);
        List<String[]> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            for (int k = 0; k < keys; k++) {
                double v = 20 + 5 * Math.sin(i / (6.0 + k)) + 0.1 * rnd.nextGaussian();
                String key = "k" + k;
                out.add(new String[] {key, String.format(Locale.ROOT, "{\"key\":\"%s\",\"ts\":%d,\"value\":%s}", key,
                    1700000000000L + i * 1000L, Double.toString(v))});
            }
        }
        return out;
    }

    private static String[] args(String in, String outTopic, String dlq, String group, Path ckpt, String restore) {
        List<String> a = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrap, "--input-topic", in,
            "--output-topic", outTopic, "--group-id", group, "--format", "json", "--key-field", "key",
            "--time-field", "ts", "--value-fields", "value", "--delivery", "exactly-once",
            "--checkpoint-interval", "1s", "--parallelism", "2", "--hidden", "8",
            // these runs count exactly one output per input once the producer stops; in event-time order the last
            // --max-out-of-orderness of event time waits in the buffer for later events (EventTimeMiniClusterTest
            // and FileRunTest cover that order)
            "--event-order", "arrival"));
        if (dlq != null) {
            a.addAll(List.of("--dead-letter-topic", dlq));
        }
        if (ckpt != null) {
            a.addAll(List.of("--checkpoint-dir", ckpt.toString()));
        }
        if (restore != null) {
            a.addAll(List.of("--restore", restore));
        }
        return a.toArray(new String[0]);
    }

    private static JobClient submit(String... args) throws Exception {
        JobOptions o = JobOptions.parse(args);
        StreamExecutionEnvironment env = SensorForecastJob.environment(o);
        SensorForecastJob.buildKafka(env, o);
        return env.executeAsync("kafka-e2e");
    }

    /** (key, steps) -> JSON, asserting one record per (key, steps) and steps 1, 2, ... in each key's order. */
    private static Map<String, String> checkOncePerInputInOrder(List<String> records, int keys, int perKey) {
        Map<String, String> byId = new HashMap<>();
        Map<String, Long> lastStep = new TreeMap<>();
        for (String r : records) {
            Prediction p = PredictionJson.fromJson(r);
            long prev = lastStep.getOrDefault(p.key, 0L);
            assertEquals(prev + 1, p.steps, "key " + p.key + " out of order or duplicated: " + r);
            lastStep.put(p.key, p.steps);
            assertNull(byId.put(p.key + "#" + p.steps, r), "duplicate " + r);
        }
        assertEquals(keys, lastStep.size());
        lastStep.values().forEach(n -> assertEquals(perKey, n.longValue()));
        return byId;
    }

    @Test
    void exactlyOneOutputPerValidInputInKeyOrderAndMalformedRecordsAsDeadLetters() throws Exception {
        int keys = 8;
        int perKey = 250;
        kafka.createTopics(4, "e2e-in" + RUN, "e2e-out" + RUN, "e2e-dlq" + RUN);
        List<String[]> input = events(keys, 0, perKey, 1);
        List<String[]> bad = List.of(
            new String[] {"k1", "{\"key\":\"k1\",\"ts\":1700000000000,\"value\":"},
            new String[] {"k2", "{\"key\":\"k2\",\"value\":1.5}"},
            new String[] {null, "{\"ts\":1700000000000,\"value\":1.5}"},
            new String[] {"k3", "{\"key\":\"k3\",\"ts\":1700000000000,\"value\":\"NaN\"}"},
            new String[] {"k4", "{\"key\":\"k4\",\"ts\":1700000000000,\"value\":[1.0,2.0]}"},
            new String[] {"k5", "not json at all"},
            new String[] {"k6", null});
        List<String[]> all = new ArrayList<>(input.subList(0, input.size() / 2));
        all.addAll(bad);
        all.addAll(input.subList(input.size() / 2, input.size()));
        long t0 = System.nanoTime();
        kafka.produce("e2e-in" + RUN, all);
        long submitted = System.currentTimeMillis();
        JobClient job = submit(args("e2e-in" + RUN, "e2e-out" + RUN, "e2e-dlq" + RUN, "g-e2e" + RUN, null, null));
        try {
            List<ConsumerRecord<byte[], byte[]>> records =
                kafka.readCommittedRecords("e2e-out" + RUN, keys * perKey, TIMEOUT, Duration.ofSeconds(3));
            // stamped when written, not with the events' 2023 times: a topic's retention must not delete a replay's outputs
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertTrue(r.timestamp() >= submitted, "record time " + r.timestamp() + " before the job started");
            }
            List<String> out = records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "RESULT kafka e2e: %d outputs in %.1f s incl. start-up%n", out.size(), secs);
            assertEquals(keys * perKey, out.size(), "exactly one output per valid input");
            checkOncePerInputInOrder(out, keys, perKey);

            List<ConsumerRecord<byte[], byte[]>> dlqRecords =
                kafka.readCommittedRecords("e2e-dlq" + RUN, bad.size(), TIMEOUT, Duration.ofSeconds(2));
            dlqRecords.forEach(r -> assertTrue(r.timestamp() >= submitted, "dead letter time " + r.timestamp()));
            List<String> dlq = dlqRecords.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
            assertEquals(bad.size(), dlq.size(), "every malformed record is a dead letter: " + dlq);
            Map<String, String> reasons = new TreeMap<>();
            for (String d : dlq) {
                DeadLetter l = PredictionJson.deadLetterFromJson(d);
                assertEquals("parse", l.stage);
                assertNotNull(l.payload);
                reasons.put(l.payload, l.reason);
            }
            assertTrue(reasons.get(bad.get(0)[1]).startsWith("malformed JSON"), reasons.toString());
            assertEquals("missing time field 'ts'", reasons.get(bad.get(1)[1]));
            assertEquals("missing key field 'key'", reasons.get(bad.get(2)[1]));
            assertEquals("value field 'value' is not finite: NaN", reasons.get(bad.get(3)[1]));
            assertEquals("value field 'value' has 2 values, expected 1", reasons.get(bad.get(4)[1]));
            assertTrue(reasons.get(bad.get(5)[1]).startsWith("malformed JSON"), reasons.toString());
            assertEquals("empty record", reasons.get(""));
        } finally {
            cancel(job);
        }
    }

    /**
     * A 900 KB non-numeric record and a key with an unpaired surrogate ahead of 39 valid records: both are dead
     * letters (the large one cut to its prefix, length and hash, so it fits the producer), and all 39 predictions
     * behind them are committed.
     */
    @Test
    void oversizedAndSurrogateRecordsBecomeDeadLettersAndTheRecordsBehindThemAreCommitted() throws Exception {
        kafka.createTopics(1, "h-in" + RUN, "h-out" + RUN, "h-dlq" + RUN);
        String huge = "{\"key\":\"k0\",\"ts\":1700000000500,\"value\":\"" + "x".repeat(900 * 1024) + "\"}";
        String surrogate = "{\"key\":\"k\\ud800\",\"ts\":1700000000500,\"value\":1.5}";
        List<String[]> all = new ArrayList<>();
        all.add(new String[] {"k0", huge});
        all.add(new String[] {"k1", surrogate});
        all.addAll(events(1, 0, 39, 4));
        kafka.produce("h-in" + RUN, all);
        JobClient job = submit(args("h-in" + RUN, "h-out" + RUN, "h-dlq" + RUN, "g-hostile" + RUN, null, null));
        try {
            List<String> out = kafka.readCommitted("h-out" + RUN, 39, TIMEOUT, Duration.ofSeconds(2));
            assertEquals(39, out.size(), "every valid record behind the bad ones");
            checkOncePerInputInOrder(out, 1, 39);
            List<String> dlq = kafka.readCommitted("h-dlq" + RUN, 2, TIMEOUT, Duration.ofSeconds(1));
            assertEquals(2, dlq.size());
            DeadLetter big = PredictionJson.deadLetterFromJson(dlq.get(0));
            DeadLetter sur = PredictionJson.deadLetterFromJson(dlq.get(1));
            if (!big.payloadTruncated()) {
                DeadLetter t = big;
                big = sur;
                sur = t;
            }
            assertTrue(big.payloadTruncated());
            assertEquals(huge.length(), big.payloadBytes);
            assertTrue(huge.startsWith(big.payload));
            assertEquals(DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES, big.payload.length());
            assertTrue(big.reason.startsWith("value field 'value' is not a decimal number: 'xxx"), big.reason);
            assertEquals(surrogate, sur.payload);
            assertTrue(sur.reason.startsWith("key field 'key' has an unpaired UTF-16 surrogate U+D800"), sur.reason);
        } finally {
            cancel(job);
        }
    }

    @Test
    void aMissingInputTopicIsAClearErrorAtStart() throws Exception {
        long t0 = System.nanoTime();
        String[] r = JobOptionsTest.run(args("missing-in" + RUN, "missing-out" + RUN, null, "g-missing" + RUN, null, null));
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].startsWith("error: input topic 'missing-in" + RUN + "' does not exist on " + kafka.bootstrap),
            r[2]);
        assertTrue(r[2].contains("--input-topic-wait"), r[2]);
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "reported at start");
    }

    @Test
    void theStartUpCheckWaitsForATopicThatAppears() throws Exception {
        String topic = "late-in" + RUN;
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread creator = new Thread(() -> {
            try {
                Thread.sleep(1500);
                kafka.createTopics(1, topic);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        creator.start();
        KafkaTopics.requireTopic(kafka.bootstrap, topic, new java.util.Properties(), Duration.ofSeconds(120), log::add);
        creator.join();
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("input topic '" + topic + "' does not exist on " + kafka.bootstrap
            + " yet; waiting up to PT2M"), log.get(0));
        assertEquals("input topic '" + topic + "' exists now", log.get(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KafkaTopics.requireTopic(
            kafka.bootstrap, "never" + RUN, new java.util.Properties(), Duration.ofSeconds(1), s -> { }));
        assertTrue(e.getMessage().contains("(waited PT1S)"), e.getMessage());
    }

    @Test
    void cancelAndRestoreFromRetainedCheckpointIsExactlyOnceAndBitIdentical(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
        int keys = 6;
        int half = 150;
        kafka.createTopics(4, "r-in" + RUN, "r-out" + RUN, "r-ref" + RUN);
        Path ckpt = dir.resolve("ckpt");

        // Run 1: first half, then a checkpoint newer than its last output, then cancel.
        kafka.produce("r-in" + RUN, events(keys, 0, half, 2));
        JobClient run1 = submit(args("r-in" + RUN, "r-out" + RUN, null, "g-restore" + RUN, ckpt, null));
        List<String> first = kafka.readCommitted("r-out" + RUN, keys * half, TIMEOUT, Duration.ofMillis(500));
        assertEquals(keys * half, first.size());
        Path jobDir = ckpt.resolve(run1.getJobID().toString());
        int chk = cancelAfterNextCheckpoint(run1, jobDir);

        // Run 2: restore from the retained checkpoint and process the second half.
        kafka.produce("r-in" + RUN, events(keys, half, 2 * half, 3));
        JobClient run2 = submit(args("r-in" + RUN, "r-out" + RUN, null, "g-restore" + RUN, ckpt,
            jobDir.resolve("chk-" + chk).toString()));
        List<String> restored;
        try {
            restored = kafka.readCommitted("r-out" + RUN, 2 * keys * half, TIMEOUT, Duration.ofSeconds(3));
        } finally {
            cancel(run2);
        }
        assertEquals(2 * keys * half, restored.size(), "exactly N outputs across cancel and restore");
        Map<String, String> got = checkOncePerInputInOrder(restored, keys, 2 * half);

        // Reference: one uninterrupted run over the same input.
        JobClient ref = submit(args("r-in" + RUN, "r-ref" + RUN, null, "g-reference" + RUN, null, null));
        List<String> expected;
        try {
            expected = kafka.readCommitted("r-ref" + RUN, 2 * keys * half, TIMEOUT, Duration.ofSeconds(1));
        } finally {
            cancel(ref);
        }
        Map<String, String> want = checkOncePerInputInOrder(expected, keys, 2 * half);
        assertEquals(want, got, "outputs after restore are identical to an uninterrupted run");
    }
}
