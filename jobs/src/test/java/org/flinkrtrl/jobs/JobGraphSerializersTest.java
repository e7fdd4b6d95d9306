package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.flinkrtrl.connectors.EventParser;
import org.flinkrtrl.connectors.FileReplay;
import org.flinkrtrl.flink.EventSerializer;
import org.flinkrtrl.flink.LearnerOperator;
import org.flinkrtrl.flink.PredictionSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every exchange of the sensor and log jobs' graphs (file and Kafka mode) is serialised by a dedicated serializer,
 * never Kryo: the graphs are built with generic types allowed, so a Kryo serializer would show up here instead of
 * failing the build, and every serializer on every node input, output, key and side output is walked with its nested
 * serializers. The jobs' own environment refuses generic types, so one that sneaks in fails the job at start (last
 * test); state serializers created at run time fail the same way in the file-run tests, which use that environment.
 */
class JobGraphSerializersTest {
    @TempDir
    Path dir;

    private static StreamExecutionEnvironment inspectable() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, true);
        return StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    }

    private Path csv() throws Exception {
        Path p = dir.resolve("in.csv");
        Files.writeString(p, "key,time,a,b\nk,1000,1.0,2.0\n");
        return p;
    }

    private Path jsonLines() throws Exception {
        Path p = dir.resolve("logs.jsonl");
        Files.writeString(p, "{\"host\":\"web\",\"time\":1000,\"msg\":\"GET /a\",\"type\":\"get\"}\n");
        return p;
    }

    private static final String[] KAFKA = {"--bootstrap-servers", "localhost:9", "--input-topic", "in",
        "--output-topic", "out", "--dead-letter-topic", "dead"};

    @Test
    void sensorFileJobUsesNoGenericSerializer() throws Exception {
        for (String order : new String[] {"arrival", "event-time"}) {
            StreamExecutionEnvironment env = inspectable();
            Path in = csv();
            JobOptions o = JobOptions.parse("--input", in.toString(), "--key-field", "key", "--time-field", "time",
                "--value-fields", "a,b", "--event-order", order);
            EventParser parser = SensorForecastJob.parser(o, in);
            Pipeline.build(FileReplay.lines(env, in, true), SensorForecastJob.settings(o, parser), true, null)
                .toFiles(dir.resolve("p"), dir.resolve("d"), dir.resolve("a"));
            assertNoGeneric(env, "sensor file job (" + order + ")", 8);
        }
    }

    @Test
    void sensorKafkaJobUsesNoGenericSerializer() throws Exception {
        for (boolean control : new boolean[] {false, true}) {
            StreamExecutionEnvironment env = inspectable();
            List<String> a = new ArrayList<>(List.of(KAFKA));
            a.addAll(List.of("--format", "csv", "--csv-columns", "key,time,a,b", "--key-field", "key", "--time-field",
                "time", "--value-fields", "a,b"));
            if (control) {
                a.addAll(List.of("--control-topic", "ctl", "--ack-topic", "acks"));
            }
            SensorForecastJob.buildKafka(env, JobOptions.parse(a.toArray(new String[0])));
            assertNoGeneric(env, "sensor Kafka job" + (control ? " with a control topic" : ""), 6);
        }
    }

    /**
     * The records on the sensor job's keyed exchange and out of the forecaster use the hand-written serializers, not
     * Flink's reflective POJO serializer: events into the forecaster (or the event-time ordering step), predictions
     * out of it, with and without a control stream.
     */
    @Test
    void sensorJobMovesEventsAndPredictionsWithTheirOwnSerializers() throws Exception {
        for (boolean control : new boolean[] {false, true}) {
            for (String order : new String[] {"arrival", "event-time"}) {
                StreamExecutionEnvironment env = inspectable();
                List<String> a = new ArrayList<>(List.of(KAFKA));
                a.addAll(List.of("--format", "csv", "--csv-columns", "key,time,a,b", "--key-field", "key",
                    "--time-field", "time", "--value-fields", "a,b", "--event-order", order));
                if (control) {
                    a.addAll(List.of("--control-topic", "ctl", "--ack-topic", "acks"));
                }
                SensorForecastJob.buildKafka(env, JobOptions.parse(a.toArray(new String[0])));
                String first = order.equals("arrival") ? LearnerOperator.UID : LearnerOperator.ORDER_UID;
                int seen = 0;
                for (StreamNode n : env.getStreamGraph().getStreamNodes()) {
                    String what = order + (control ? ", control" : "") + ": " + n.getTransformationUID();
                    if (first.equals(n.getTransformationUID())) {
                        assertEquals(EventSerializer.class, n.getTypeSerializersIn()[0].getClass(), what);
                        seen++;
                    }
                    if (LearnerOperator.UID.equals(n.getTransformationUID())
                        || "progress".equals(n.getTransformationUID())) {
                        assertEquals(PredictionSerializer.class, n.getTypeSerializerOut().getClass(), what);
                        seen++;
                    }
                }
                assertEquals(3, seen, order + (control ? ", control" : ""));
            }
        }
    }

    @Test
    void logFileJobUsesNoGenericSerializer() throws Exception {
        StreamExecutionEnvironment env = inspectable();
        Path in = jsonLines();
        JobOptions o = JobOptions.parse("--input", in.toString(), "--key-field", "host", "--time-field", "time",
            "--category-field", "type", "--rate-bucket", "5s", "--hidden", "4");
        LogJob.Streams s = LogJob.build(FileReplay.lines(env, in, false), o, SensorForecastJob.parser(o, in), true);
        s.predictions().sinkTo(new DiscardingSink<>());
        s.deadLetters().sinkTo(new DiscardingSink<>());
        s.rates().sinkTo(new DiscardingSink<>());
        assertNoGeneric(env, "log file job", 8);
    }

    @Test
    void logKafkaJobUsesNoGenericSerializer() throws Exception {
        StreamExecutionEnvironment env = inspectable();
        List<String> a = new ArrayList<>(List.of(KAFKA));
        a.addAll(List.of("--format", "json", "--key-field", "host", "--time-field", "time", "--message-field", "msg"));
        LogJob.buildKafka(env, JobOptions.parse(a.toArray(new String[0])));
        assertNoGeneric(env, "log Kafka job", 5);
    }

    /** The inspection itself finds a Kryo serializer when there is one. */
    @Test
    void inspectionFindsKryo() {
        StreamExecutionEnvironment env = inspectable();
        env.fromData(new NotAPojo(1), new NotAPojo(2)).sinkTo(new DiscardingSink<>());
        List<String> found = generic(env.getStreamGraph(), env.getConfig().getSerializerConfig());
        assertFalse(found.isEmpty());
        assertTrue(found.get(0).contains("KryoSerializer"), found.toString());
    }

    /** The jobs' environment refuses generic types: a graph with one fails when it is built, before it runs. */
    @Test
    void jobEnvironmentFailsOnAGenericType() throws Exception {
        JobOptions o = JobOptions.parse("--input", csv().toString(), "--key-field", "key", "--value-fields", "a,b");
        StreamExecutionEnvironment env = SensorForecastJob.environment(o);
        env.fromData("a", "bb").map(NotAPojo::of).returns(NotAPojo.class).sinkTo(new DiscardingSink<>());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, env::getStreamGraph);
        assertTrue(e.getMessage().contains("Generic types have been disabled"), e.getMessage());
    }

    /** No public no-argument constructor: Flink can only treat it as a generic type. */
    static final class NotAPojo {
        final int x;

        NotAPojo(int x) {
            this.x = x;
        }

        static NotAPojo of(String s) {
            return new NotAPojo(s.length());
        }
    }

    private static void assertNoGeneric(StreamExecutionEnvironment env, String what, int minNodes) {
        StreamGraph g = env.getStreamGraph();
        assertTrue(g.getStreamNodes().size() >= minNodes, what + ": " + g.getStreamNodes().size() + " nodes");
        List<String> found = generic(g, env.getConfig().getSerializerConfig());
        assertEquals(List.of(), found, what + " has generic (Kryo) serializers");
    }

    /** Every generic serializer on the graph: node inputs and output, state keys, side outputs. */
    static List<String> generic(StreamGraph g, SerializerConfig config) {
        List<String> found = new ArrayList<>();
        int checked = 0;
        for (StreamNode n : g.getStreamNodes()) {
            List<TypeSerializer<?>> sers = new ArrayList<>();
            for (TypeSerializer<?> s : n.getTypeSerializersIn()) {
                sers.add(s);
            }
            sers.add(n.getTypeSerializerOut());
            sers.add(n.getStateKeySerializer());
            for (StreamEdge e : n.getOutEdges()) {
                if (e.getOutputTag() != null) {
                    sers.add(e.getOutputTag().getTypeInfo().createSerializer(config));
                }
            }
            for (TypeSerializer<?> s : sers) {
                if (s != null) {
                    checked++;
                    walk(s, n.getOperatorName(), found, new IdentityHashMap<>());
                }
            }
        }
        assertTrue(checked > 0, "no serializers found on the graph");
        return found;
    }

    /** The serializer and every serializer it holds in its fields (POJO fields, list elements, ...). */
    private static void walk(Object s, String where, List<String> found, Map<Object, Boolean> seen) {
        if (s == null || seen.put(s, Boolean.TRUE) != null) {
            return;
        }
        if (s instanceof KryoSerializer || s.getClass().getName().contains("Kryo")) {
            found.add(where + ": " + s.getClass().getName() + " for " + describe(s));
            return;
        }
        for (Class<?> c = s.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                boolean single = TypeSerializer.class.isAssignableFrom(f.getType());
                boolean array = f.getType().isArray()
                    && TypeSerializer.class.isAssignableFrom(f.getType().getComponentType());
                if (!single && !array) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    Object v = f.get(s);
                    if (single) {
                        walk(v, where, found, seen);
                    } else if (v != null) {
                        for (int i = 0; i < Array.getLength(v); i++) {
                            walk(Array.get(v, i), where, found, seen);
                        }
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new AssertionError("cannot inspect " + f + " of " + s.getClass().getName(), e);
                }
            }
        }
    }

    private static String describe(Object kryo) {
        return kryo.toString();
    }
}
