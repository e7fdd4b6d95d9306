package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.flinkrtrl.connectors.LogPredictionJson;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.LogPrediction;
import org.junit.jupiter.api.Test;

/** The log mode, Kafka in and Kafka out with exactly-once delivery: one output per valid line, per-key order. */
class LogKafkaEndToEndTest extends KafkaTest {
    @Test
    void exactlyOneOutputPerValidLineInKeyOrderAndBadLinesAsDeadLetters() throws Exception {
        int keys = 4;
        int perKey = 100;
        kafka.createTopics(3, "log-in" + RUN, "log-out" + RUN, "log-dlq" + RUN);
        String[] shapes = {"Accepted password for u%d from 10.0.0.%d port 22", "session closed for uid=%d code %d",
            "GET /api/items/%d returned %d"};
        List<String[]> records = new ArrayList<>();
        for (int i = 0; i < perKey; i++) {
            for (int k = 0; k < keys; k++) {
                String msg = String.format(shapes[(i + k) % shapes.length], i, k);
                records.add(new String[] {"h" + k, "{\"host\":\"h" + k + "\",\"ts\":" + (1700000000000L + 1000L * i)
                    + ",\"msg\":\"" + msg + "\"}"});
            }
            if (i == perKey / 2) {
                records.add(new String[] {"h0", "{\"host\":\"h0\",\"ts\":1,\"msg\":\"" + "y".repeat(500) + "\"}"});
                records.add(new String[] {"h1", "{\"host\":\"h1\",\"ts\":1}"});
                records.add(new String[] {"h2", "{\"host\":\"h2\",\"ts\":1,\"msg\":"});
            }
        }
        kafka.produce("log-in" + RUN, records);
        JobOptions o = JobOptions.parse("--bootstrap-servers", kafka.bootstrap, "--input-topic", "log-in" + RUN,
            "--output-topic", "log-out" + RUN, "--dead-letter-topic", "log-dlq" + RUN, "--group-id", "g-log" + RUN,
            "--format", "json", "--key-field", "host", "--time-field", "ts", "--message-field", "msg",
            "--max-message-chars", "400", "--delivery", "exactly-once", "--checkpoint-interval", "1s",
            "--parallelism", "2", "--hidden", "4", "--vocabulary", "8");
        StreamExecutionEnvironment env = SensorForecastJob.environment(o);
        LogJob.buildKafka(env, o);
        JobClient job = env.executeAsync("log-kafka-e2e");
        try {
            List<String> out = kafka.readCommitted("log-out" + RUN, keys * perKey, TIMEOUT, Duration.ofSeconds(3));
            if (out.size() != keys * perKey) {
                List<String> d = kafka.readCommitted("log-dlq" + RUN, 1000, Duration.ofSeconds(5), Duration.ofSeconds(1));
                assertEquals(keys * perKey, out.size(), "exactly one output per valid line; " + d.size()
                    + " dead letters, first: " + (d.isEmpty() ? "none" : d.get(0)));
            }
            Map<String, Long> last = new TreeMap<>();
            Map<String, String> seen = new HashMap<>();
            for (String r : out) {
                LogPrediction p = LogPredictionJson.fromJson(r);
                assertTrue(p.timestamp > last.getOrDefault(p.key, 0L), "key " + p.key + " out of order: " + r);
                last.put(p.key, p.timestamp);
                assertNull(seen.put(p.key + "#" + p.timestamp, r), "duplicate " + r);
            }
            assertEquals(keys, last.size());
            List<String> dlq = kafka.readCommitted("log-dlq" + RUN, 3, TIMEOUT, Duration.ofSeconds(2));
            assertEquals(3, dlq.size(), dlq.toString());
            List<String> reasons = new ArrayList<>();
            for (String d : dlq) {
                DeadLetter l = PredictionJson.deadLetterFromJson(d);
                reasons.add(l.stage + ": " + l.reason);
            }
            assertTrue(reasons.stream().anyMatch(r -> r.startsWith("parse: category field 'msg' has 500 characters, more "
                + "than the maximum 400")), reasons.toString());
            assertTrue(reasons.contains("validate: message is missing"), reasons.toString());
            assertTrue(reasons.stream().anyMatch(r -> r.startsWith("parse: malformed JSON")), reasons.toString());
        } finally {
            job.cancel().get();
        }
    }
}
