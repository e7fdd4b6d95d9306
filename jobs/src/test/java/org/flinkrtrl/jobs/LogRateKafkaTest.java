package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log mode's rate view on Kafka, exactly once, across a cancel and a restore from a retained checkpoint: every
 * source's buckets with exact counts (events and ERROR lines), a source that stops emitting gets zero buckets from
 * event-time timers and its first one is scored as an anomaly, and the rate forecasts after the restore are
 * identical to an uninterrupted run's.
 */
class LogRateKafkaTest extends KafkaTest {
    /** Buckets per source once the input ends: the watermark (last time - 5 s - 1 ms) closes seconds 0..413. */
    static final int CLOSED = 414;
    /** The silent source: seconds 0..399 and then its 10 zero buckets. */
    static final int SILENT_CLOSED = RateTraffic.SILENT_FROM + 10;

    private static JobClient submit(String in, String out, String rates, String group, Path ckpt, String restore)
        throws Exception {
        List<String> a = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrap, "--input-topic", in,
            "--output-topic", out, "--rate-topic", rates, "--group-id", group, "--format", "json",
            "--key-field", "host", "--time-field", "ts", "--message-field", "msg", "--delivery", "exactly-once",
            "--checkpoint-interval", "1s", "--parallelism", "2", "--hidden", "4", "--vocabulary", "8",
            "--rate-bucket", "1s", "--rate-levels", "ERROR", "--rate-silent-buckets", "10",
            // one input partition: the second subtask never has events and stops holding back the watermark
            "--idle-timeout", "1s"));
        if (ckpt != null) {
            a.addAll(List.of("--checkpoint-dir", ckpt.toString()));
        }
        if (restore != null) {
            a.addAll(List.of("--restore", restore));
        }
        JobOptions o = JobOptions.parse(a.toArray(new String[0]));
        StreamExecutionEnvironment env = SensorForecastJob.environment(o);
        LogJob.buildKafka(env, o);
        return env.executeAsync("log-rate-kafka");
    }

    /** key -> its buckets in order, asserting one record per (key, bucket). */
    private static Map<String, List<Prediction>> byKey(List<String> records, Map<String, String> byId) {
        Map<String, List<Prediction>> out = new TreeMap<>();
        for (String r : records) {
            Prediction p = PredictionJson.fromJson(r);
            assertNull(byId.put(p.key + "#" + p.timestamp, r), "duplicate " + r);
            out.computeIfAbsent(p.key, k -> new ArrayList<>()).add(p);
        }
        return out;
    }

    @Test
    void aSilentSourceIsScoredAndNothingIsLostAcrossARestore(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir)
        throws Exception {
        String in = "rate-in" + RUN;
        kafka.createTopics(1, in, "rate-log" + RUN, "rate-out" + RUN, "rate-ref-log" + RUN, "rate-ref" + RUN);
        Path ckpt = dir.resolve("ckpt");
        int half = 200;
        List<String[]> first = RateTraffic.events(0, half);
        List<String[]> second = RateTraffic.events(half, RateTraffic.BUCKETS);

        // Run 1: the first 200 seconds (buckets 0..193 close), a checkpoint after the last rate output, cancel.
        kafka.produce(in, first);
        JobClient run1 = submit(in, "rate-log" + RUN, "rate-out" + RUN, "g-rate" + RUN, ckpt, null);
        int closed1 = RateTraffic.SOURCES * (half - 6);
        assertEquals(closed1, kafka.readCommitted("rate-out" + RUN, closed1, TIMEOUT, Duration.ofSeconds(1)).size());
        Path jobDir = ckpt.resolve(run1.getJobID().toString());
        int chk = cancelAfterNextCheckpoint(run1, jobDir);

        // Run 2: restore and go on; source h3 stops at second 400.
        kafka.produce(in, second);
        JobClient run2 = submit(in, "rate-log" + RUN, "rate-out" + RUN, "g-rate" + RUN, ckpt,
            jobDir.resolve("chk-" + chk).toString());
        int total = 3 * CLOSED + SILENT_CLOSED;
        List<String> rates;
        List<String> logs;
        try {
            rates = kafka.readCommitted("rate-out" + RUN, total, TIMEOUT, Duration.ofSeconds(3));
            logs = kafka.readCommitted("rate-log" + RUN, first.size() + second.size(), TIMEOUT, Duration.ofSeconds(1));
        } finally {
            cancel(run2);
        }
        assertEquals(first.size() + second.size(), logs.size(), "one log output per event across the restore");
        assertEquals(total, rates.size(), "every bucket once across the restore");
        Map<String, String> got = new HashMap<>();
        Map<String, List<Prediction>> buckets = byKey(rates, got);
        RateTraffic.check(buckets, CLOSED);
        for (int k = 0; k < RateTraffic.SOURCES; k++) {
            assertEquals(k == 3 ? SILENT_CLOSED : CLOSED, buckets.get("h" + k).size(), "h" + k);
        }

        // Reference: one uninterrupted run over the same input.
        JobClient ref = submit(in, "rate-ref-log" + RUN, "rate-ref" + RUN, "g-rate-ref" + RUN, null, null);
        List<String> expected;
        try {
            expected = kafka.readCommitted("rate-ref" + RUN, total, TIMEOUT, Duration.ofSeconds(1));
        } finally {
            cancel(ref);
        }
        Map<String, String> want = new HashMap<>();
        byKey(expected, want);
        assertEquals(want, got, "rate forecasts after the restore are identical to an uninterrupted run's");
    }
}
