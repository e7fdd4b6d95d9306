package org.flinkrtrl.tools.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.ParameterTool;

/**
 * A stand-in for SensorForecastJob with the same Kafka-mode command line and output shape, used only to
 * self-test the cluster and failover scripts before the real job jar exists. Per key it keeps a step counter,
 * running mean/variance and a seeded generator in checkpointed state, so its outputs are deterministic given
 * the per-key event order, exactly like the real job's.
 */
public final class StandInJob {

    /** Per-key state (a POJO, so Flink's PojoSerializer handles it). */
    public static final class KeyState {
        public long steps;
        public double mean;
        public double m2;
        public long rng;
    }

    static final OutputTag<String> DEAD = new OutputTag<>("dead-letter") {};

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] argv) throws Exception {
        ParameterTool pt = ParameterTool.fromArgs(argv);
        String bootstrap = pt.getRequired("bootstrap-servers");
        String in = pt.getRequired("input-topic");
        String out = pt.getRequired("output-topic");
        String dead = pt.get("dead-letter-topic", out + "-dead");
        String keyField = pt.get("key-field", "key");
        String timeField = pt.get("time-field", "ts");
        String valueField = pt.get("value-fields", "value").split(",")[0];
        long seed = pt.getLong("seed", 7);

        Configuration conf = new Configuration();
        if (pt.has("checkpoint-interval")) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(
                    org.apache.flink.util.TimeUtils.parseDuration(pt.get("checkpoint-interval")).toMillis()));
        }
        if (pt.has("checkpoint-dir")) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, pt.get("checkpoint-dir"));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (pt.has("parallelism")) env.setParallelism(pt.getInt("parallelism"));

        KafkaSource<String> source = KafkaSource.<String>builder()
                .setBootstrapServers(bootstrap).setTopics(in)
                .setGroupId(pt.get("group-id", "standin-" + out))
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .setProperty("isolation.level", "read_committed")
                .build();

        SingleOutputStreamOperator<String[]> parsed = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-input").uid("kafka-input")
                .process(new ProcessFunction<String, String[]>() {
                    @Override
                    public void processElement(String s, Context ctx, Collector<String[]> o) {
                        try {
                            JsonNode record = JSON.readTree(s);
                            String k = record.get(keyField).asText();
                            String t = record.get(timeField).asText();
                            String v = record.get(valueField).asText();
                            Long.parseLong(t);
                            Double.parseDouble(v);
                            o.collect(new String[] {k, t, v});
                        } catch (IOException | RuntimeException e) {
                            ctx.output(DEAD, s);
                        }
                    }
                }).uid("parse").name("parse");

        DataStream<String> predictions = parsed
                .keyBy(e -> e[0])
                .process(new KeyedProcessFunction<String, String[], String>() {
                    private transient ValueState<KeyState> state;

                    @Override
                    public void open(OpenContext ctx) {
                        state = getRuntimeContext().getState(new ValueStateDescriptor<>("model", KeyState.class));
                    }

                    @Override
                    public void processElement(String[] e, Context ctx, Collector<String> o) throws Exception {
                        KeyState s = state.value();
                        if (s == null) {
                            s = new KeyState();
                            s.rng = seed ^ e[0].hashCode() * 0x9E3779B97F4A7C15L;
                        }
                        double x = Double.parseDouble(e[2]);
                        double forecast = s.mean + 1e-3 * gaussianish(s);
                        double err = x - forecast;
                        double sd = s.steps > 1 ? Math.sqrt(s.m2 / (s.steps - 1)) : 1.0;
                        s.steps++;
                        double d = x - s.mean;
                        s.mean += d / s.steps;
                        s.m2 += d * (x - s.mean);
                        state.update(s);
                        o.collect("{\"key\":\"" + e[0] + "\",\"ts\":" + e[1] + ",\"actual\":[" + x + "],\"forecast\":["
                                + forecast + "],\"loss\":" + (0.5 * err * err) + ",\"anomalyScore\":" + (Math.abs(err) / (sd + 1e-9))
                                + ",\"steps\":" + s.steps + ",\"label\":null}");
                    }
                }).uid("model").name("stand-in model");

        predictions.sinkTo(KafkaSink.<String>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(KafkaRecordSerializationSchema.<String>builder()
                        .setTopic(out).setValueSerializationSchema(new SimpleStringSchema()).build())
                .setDeliveryGuarantee("at-least-once".equals(pt.get("delivery")) ? DeliveryGuarantee.AT_LEAST_ONCE : DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("standin-" + out)
                .setProperty("transaction.timeout.ms", "60000")
                .build()).uid("kafka-output").name("kafka-output");

        parsed.getSideOutput(DEAD).sinkTo(KafkaSink.<String>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(KafkaRecordSerializationSchema.<String>builder()
                        .setTopic(dead).setValueSerializationSchema(new SimpleStringSchema()).build())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build()).uid("dead-letter").name("dead-letter");

        env.execute("stand-in " + in + " -> " + out);
    }

    /** Seeded generator in state: splitmix64, mapped to a rough standard-normal-ish value. */
    static double gaussianish(KeyState s) {
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            s.rng += 0x9E3779B97F4A7C15L;
            long z = s.rng;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            sum += (z >>> 11) * 0x1.0p-53;
        }
        return (sum - 1.5) * 2.0;
    }
}
