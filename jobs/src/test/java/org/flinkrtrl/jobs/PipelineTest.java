package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.flinkrtrl.connectors.EventParser;
import org.flinkrtrl.connectors.FileReplay;
import org.flinkrtrl.connectors.ReplayThrottle;
import org.flinkrtrl.flink.EventOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both modes build one topology: the same operators between source and outputs, with the uids savepoints and the
 * failover test map state by.
 */
class PipelineTest {
    /** "uid <- input uids" per operator with a uid, in topological order. */
    private static List<String> operators(StreamGraph g) {
        List<String> out = new ArrayList<>();
        for (StreamNode n : g.getStreamNodesSortedTopologicallyFromSources()) {
            if (n.getTransformationUID() == null) {
                continue;
            }
            List<String> in = new ArrayList<>();
            for (StreamEdge e : n.getInEdges()) {
                String uid = g.getStreamNode(e.getSourceId()).getTransformationUID();
                in.add(uid == null ? g.getStreamNode(e.getSourceId()).getOperatorName() : uid);
            }
            in.sort(null);
            out.add(n.getTransformationUID() + " <- " + in);
        }
        return out;
    }

    @Test
    void kafkaTopology() throws Exception {
        JobOptions o = JobOptions.parse("--bootstrap-servers", "127.0.0.1:1", "--input-topic", "in", "--output-topic",
            "out", "--dead-letter-topic", "dlq", "--key-field", "k", "--value-fields", "v", "--time-field", "t");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SensorForecastJob.buildKafka(env, o);
        assertEquals(List.of("kafka-source <- []", "parse <- [kafka-source]", "watermarks <- [parse]",
            "rtrl-event-order <- [watermarks]", "rtrl-forecaster <- [rtrl-event-order]",
            "progress <- [rtrl-forecaster]", "kafka-sink-predictions <- [progress]",
            "Sink Committer: kafka-sink-predictions <- [kafka-sink-predictions]",
            "kafka-sink-dead-letters <- [parse, rtrl-event-order, rtrl-event-order, rtrl-forecaster]",
            "Sink Committer: kafka-sink-dead-letters <- [kafka-sink-dead-letters]"), operators(env.getStreamGraph()));
    }

    @Test
    void kafkaTopologyInArrivalOrderHasNoOrderingStep() throws Exception {
        JobOptions o = JobOptions.parse("--bootstrap-servers", "127.0.0.1:1", "--input-topic", "in", "--output-topic",
            "out", "--dead-letter-topic", "dlq", "--key-field", "k", "--value-fields", "v", "--time-field", "t",
            "--event-order", "arrival");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SensorForecastJob.buildKafka(env, o);
        assertEquals(List.of("kafka-source <- []", "parse <- [kafka-source]", "watermarks <- [parse]",
            "rtrl-forecaster <- [watermarks]", "progress <- [rtrl-forecaster]", "kafka-sink-predictions <- [progress]",
            "Sink Committer: kafka-sink-predictions <- [kafka-sink-predictions]",
            "kafka-sink-dead-letters <- [parse, rtrl-forecaster]",
            "Sink Committer: kafka-sink-dead-letters <- [kafka-sink-dead-letters]"), operators(env.getStreamGraph()));
    }

    @Test
    void kafkaTopologyWithAControlTopic() throws Exception {
        JobOptions o = JobOptions.parse("--bootstrap-servers", "127.0.0.1:1", "--input-topic", "in", "--output-topic",
            "out", "--dead-letter-topic", "dlq", "--key-field", "k", "--value-fields", "v", "--time-field", "t",
            "--event-order", "arrival", "--control-topic", "ctl", "--ack-topic", "acks");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SensorForecastJob.buildKafka(env, o);
        StreamGraph g = env.getStreamGraph();
        List<String> ops = operators(g);
        assertTrue(ops.containsAll(List.of("kafka-control-source <- []", "control-parse <- [kafka-control-source]",
            "control-watermarks <- [control-parse]", "rtrl-forecaster <- [control-watermarks, watermarks]",
            "kafka-sink-acks <- [rtrl-forecaster]",
            "kafka-sink-dead-letters <- [control-parse, parse, rtrl-forecaster]")), ops.toString());
        for (StreamNode n : g.getStreamNodes()) {
            if (List.of("kafka-control-source", "control-parse", "control-watermarks")
                .contains(n.getTransformationUID())) {
                assertEquals(1, n.getParallelism(), n.getTransformationUID() + " keeps the commands' order");
            }
        }
    }

    @Test
    void orderingOptionsReachTheTopologySettings() {
        JobOptions o = JobOptions.parse("--bootstrap-servers", "127.0.0.1:1", "--input-topic", "in", "--output-topic",
            "out", "--key-field", "k", "--value-fields", "v", "--time-field", "t", "--allowed-lateness", "2s",
            "--max-buffered-per-key", "50", "--idle-timeout", "0");
        assertEquals(EventOrder.eventTime(Duration.ofSeconds(2), 50), o.eventOrder());
        assertEquals(Duration.ZERO, o.get(o.idleTimeout));
        JobOptions d = JobOptions.parse("--bootstrap-servers", "127.0.0.1:1", "--input-topic", "in", "--output-topic",
            "out", "--key-field", "k", "--value-fields", "v", "--time-field", "t");
        assertEquals(EventOrder.EVENT_TIME, d.eventOrder()); // Kafka's default
        assertEquals(Duration.ofMinutes(1), d.get(d.idleTimeout));
        JobOptions f = JobOptions.parse("--input", "x.csv", "--key-field", "k", "--value-fields", "v");
        assertEquals(EventOrder.ARRIVAL, f.eventOrder()); // a file's default: its own order
        JobOptions e = JobOptions.parse("--input", "x.csv", "--key-field", "k", "--value-fields", "v", "--event-order",
            "event-time", "--allowed-lateness", "1s");
        assertEquals(EventOrder.eventTime(Duration.ofSeconds(1), EventOrder.DEFAULT_MAX_BUFFERED_PER_KEY),
            e.eventOrder());
    }

    @Test
    void kafkaTopologyWithoutDeadLetterTopicLogsThem() throws Exception {
        JobOptions o = JobOptions.parse("--bootstrap-servers", "127.0.0.1:1", "--input-topic", "in", "--output-topic",
            "out", "--key-field", "k", "--value-fields", "v", "--time-field", "t");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SensorForecastJob.buildKafka(env, o);
        List<String> ops = operators(env.getStreamGraph());
        assertEquals(List.of("dead-letter-log <- [parse, rtrl-event-order, rtrl-event-order, rtrl-forecaster]",
                "dead-letter-discard <- [dead-letter-log]"),
            ops.subList(ops.size() - 2, ops.size()));
    }

    @Test
    void fileTopology(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{}\n");
        JobOptions o = JobOptions.parse("--input", in.toString(), "--key-field", "k", "--value-fields", "v",
            "--time-field", "t", "--replay-rate", "100", "--event-order", "event-time");
        EventParser parser = SensorForecastJob.parser(o, in);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Pipeline.build(FileReplay.lines(env, in, false), SensorForecastJob.settings(o, parser), true,
            ReplayThrottle.rate(100)).toFiles(dir.resolve("p"), dir.resolve("d"), dir.resolve("a"));
        StreamGraph g = env.getStreamGraph();
        assertEquals(List.of("file-source <- []", "parse <- [file-source]", "replay-throttle <- [parse]",
            "watermarks <- [replay-throttle]", "rtrl-event-order <- [watermarks]",
            "rtrl-forecaster <- [rtrl-event-order]", "progress <- [rtrl-forecaster]",
            "file-sink-predictions <- [progress]", "Sink Committer: file-sink-predictions <- [file-sink-predictions]",
            "file-sink-dead-letters <- [parse, rtrl-event-order, rtrl-event-order, rtrl-forecaster]",
            "Sink Committer: file-sink-dead-letters <- [file-sink-dead-letters]"), operators(g));
        for (StreamNode n : g.getStreamNodes()) {
            if (List.of("file-source", "parse", "replay-throttle", "watermarks").contains(n.getTransformationUID())) {
                assertEquals(1, n.getParallelism(), n.getTransformationUID() + " keeps the file's order");
            }
        }
    }
}
