package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;

/**
 * The Kafka job with a control topic (in-process broker): commands read from the topic apply from their time,
 * acknowledgements reach the ack topic, a bad command the dead-letter topic.
 */
class KafkaControlTest extends KafkaTest {
    private static final long T0 = 1700000000000L;

    @Test
    void commandsFromATopicApplyAndAreAcknowledged() throws Exception {
        int keys = 3;
        int perKey = 200;
        String in = "ctl-in" + RUN;
        String out = "ctl-out" + RUN;
        String dlq = "ctl-dlq" + RUN;
        String ctl = "ctl-commands" + RUN;
        String acks = "ctl-acks" + RUN;
        kafka.createTopics(1, in, out, dlq, ctl, acks);
        // the last command's time is far ahead, so the commands' watermark never holds the events back
        kafka.produce(ctl, List.of(
            new String[] {null, "{\"id\":\"freeze-k1\",\"time\":" + (T0 + 100_000) + ",\"key\":\"k1\",\"op\":\"freeze\"}"},
            new String[] {null, "{\"id\":\"oops\",\"time\":" + (T0 + 150_000) + ",\"op\":\"learning-rate\",\"value\":0}"},
            new String[] {null, "{\"id\":\"later\",\"time\":" + (T0 + 10_000_000) + ",\"op\":\"clear\"}"}));
        List<String[]> events = KafkaEndToEndTest.events(keys, 0, perKey, 4);
        // one event per key an hour ahead moves the events' watermark past every real event; it waits itself until
        // the input has been quiet for the idle timeout, then the commands' watermark (10,000 s ahead) releases it
        events.addAll(KafkaEndToEndTest.events(keys, 3600, 3601, 5));
        kafka.produce(in, events);
        JobOptions o = JobOptions.parse("--bootstrap-servers", kafka.bootstrap, "--input-topic", in,
            "--output-topic", out, "--dead-letter-topic", dlq, "--group-id", "g-ctl" + RUN, "--format", "json",
            "--key-field", "key", "--time-field", "ts", "--value-fields", "value", "--checkpoint-interval", "1s", "--idle-timeout", "5s",
            "--parallelism", "2", "--hidden", "8", "--event-order", "arrival", "--control-topic", ctl,
            "--ack-topic", acks);
        StreamExecutionEnvironment env = SensorForecastJob.environment(o);
        SensorForecastJob.buildKafka(env, o);
        JobClient job = env.executeAsync("kafka-control");
        try {
            int all = keys * (perKey + 1);
            List<String> predictions = kafka.readCommitted(out, all, TIMEOUT, Duration.ofSeconds(3));
            assertEquals(all, predictions.size(), "one output per event, the hour-ahead ones once the input is idle");
            Map<String, Long> last = new TreeMap<>();
            for (String r : predictions) {
                Prediction p = PredictionJson.fromJson(r);
                assertEquals(last.getOrDefault(p.key, 0L) + 1, p.steps, "per-key order: " + r);
                last.put(p.key, p.steps);
            }
            List<String> ackLines = kafka.readCommitted(acks, 3, TIMEOUT, Duration.ofSeconds(3));
            List<String> sorted = new ArrayList<>(ackLines);
            sorted.sort(null);
            assertEquals(List.of(
                "{\"id\":\"freeze-k1\",\"op\":\"freeze\",\"time\":1700000100000,\"status\":\"accepted\",\"effect\":\"for key k1\"}",
                "{\"id\":\"freeze-k1\",\"op\":\"freeze\",\"time\":1700000100000,\"status\":\"applied\",\"key\":\"k1\","
                    + "\"appliedAt\":1700000100000,\"steps\":100,\"effect\":\"frozen\"}",
                "{\"id\":\"later\",\"op\":\"clear\",\"time\":1700010000000,\"status\":\"accepted\",\"effect\":\"for every key\"}"),
                sorted);
            List<String> dead = kafka.readCommitted(dlq, 1, TIMEOUT, Duration.ofSeconds(2));
            assertEquals(1, dead.size(), dead.toString());
            DeadLetter d = PredictionJson.deadLetterFromJson(dead.get(0));
            assertEquals("control", d.stage);
            assertTrue(d.reason.startsWith("control command: learning-rate needs a finite value > 0"), d.reason);
        } finally {
            job.cancel().get();
        }
    }
}
