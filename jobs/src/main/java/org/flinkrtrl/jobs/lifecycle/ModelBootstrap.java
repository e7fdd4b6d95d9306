package org.flinkrtrl.jobs.lifecycle;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.flinkrtrl.connectors.ModelJson;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.flink.ForecastFunction;
import org.flinkrtrl.flink.LogFunction;

/**
 * Import: writes a new savepoint holding the models of a {@link ModelJson} file (an export, or models trained
 * elsewhere), under the operators' uids, state names and serializers, so a job started from it ({@code --restore})
 * continues every model exactly where it was. A line's lifecycle state (control overrides and error monitor) goes to
 * {@code rtrl-lifecycle} / {@code rtrl-log-lifecycle} beside its model; a line without one leaves the key's
 * lifecycle to start fresh. Forecaster lines go to uid {@code rtrl-forecaster}, log lines to
 * {@code rtrl-log-model}; no other operator has state in the savepoint, so the job's sources and other operators
 * start fresh.
 *
 * <p>The file is checked on the client first, line by line: every line must be a model line whose state decodes,
 * and no key may appear twice per kind; the first bad line stops the import with its number and the reason, before
 * anything is written.
 */
public final class ModelBootstrap {
    /**
     * Max parallelism of the written savepoint: Flink's default for a job of parallelism up to 85. A job restored
     * from the savepoint without its own max parallelism takes this one.
     */
    public static final int MAX_PARALLELISM = 128;

    /** (key, model state, lifecycle state or an empty array). */
    private static final TypeInformation<Tuple3<String, byte[], byte[]>> KEYED_BYTES =
        Types.TUPLE(Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO,
            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private ModelBootstrap() {}

    /**
     * Checks {@code models}, then writes the savepoint to {@code savepointDir} with {@code env} (a fresh
     * environment). The states carry no idle-expiry time and the savepoint no timers: the restored job arms every
     * imported key's expiry timer when it starts, so a key's idle time starts at the restore.
     *
     * @return models per kind written
     * @throws IllegalArgumentException naming the first bad line
     */
    public static Map<String, Long> run(StreamExecutionEnvironment env, Path models, String savepointDir)
        throws Exception {
        Map<String, Long> counts = check(models);
        if (counts.isEmpty()) {
            throw new IllegalArgumentException(models + " holds no model line");
        }
        // The writer's chained steps hand Flink's own snapshot objects to each other; without object reuse Flink
        // copies them with Kryo, which cannot instantiate some of their package-private parts on Java 17+.
        env.getConfig().enableObjectReuse();
        DataStream<String> lines = env.fromSource(FileSource.forRecordStreamFormat(new TextLineInputFormat(),
                new org.apache.flink.core.fs.Path(models.toAbsolutePath().toUri())).build(),
            WatermarkStrategy.noWatermarks(), "models:" + models.getFileName());
        SavepointWriter writer = SavepointWriter.newSavepoint(env, new HashMapStateBackend(), MAX_PARALLELISM);
        for (String kind : counts.keySet()) {
            DataStream<Tuple3<String, byte[], byte[]>> ofKind = lines.flatMap(new OfKind(kind), KEYED_BYTES)
                .name("models of kind " + kind);
            writer = writer.withOperator(OperatorIdentifier.forUid(ModelOperators.uid(kind)),
                OperatorTransformation.bootstrapWith(ofKind)
                    .keyBy(t -> t.f0, Types.STRING)
                    .transform(ModelJson.LOG.equals(kind) ? new LogWriter() : new ForecasterWriter()));
        }
        writer.write(savepointDir);
        env.execute("flink-rtrl model import");
        return counts;
    }

    /** Models per kind in the file, after checking every line (see the class comment). */
    static Map<String, Long> check(Path models) throws IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, Set<String>> keys = new LinkedHashMap<>();
        ModelLines.forEach(models, m -> {
            if (ModelJson.LOG.equals(m.kind())) {
                ModelJson.log(m);
            } else {
                ModelJson.forecaster(m);
            }
            ModelJson.lifecycle(m);
            if (!keys.computeIfAbsent(m.kind(), k -> new HashSet<>()).add(m.key())) {
                throw new IllegalArgumentException("key " + m.key() + " appears twice");
            }
            counts.merge(m.kind(), 1L, Long::sum);
        });
        return counts;
    }

    /** The (key, state) of the lines of one kind. */
    static final class OfKind implements FlatMapFunction<String, Tuple3<String, byte[], byte[]>> {
        private static final long serialVersionUID = 1L;
        private final String kind;

        OfKind(String kind) {
            this.kind = kind;
        }

        @Override
        public void flatMap(String line, Collector<Tuple3<String, byte[], byte[]>> out) {
            if (line.isBlank()) {
                return;
            }
            ModelJson.Line m = ModelJson.read(line);
            if (kind.equals(m.kind())) {
                out.collect(Tuple3.of(m.key(), m.state(), m.lifecycle() == null ? new byte[0] : m.lifecycle()));
            }
        }
    }

    /**
     * A line's lifecycle as the job's state: the exporting job's last-event time and expiry timer are dropped (that
     * job's clock and timers do not come along), so the key's idle time starts at its first event in the new job.
     */
    static KeyLifecycle imported(byte[] bytes) throws IOException {
        KeyLifecycle k = KeyLifecycle.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
        k.setLastSeen(KeyLifecycle.NONE);
        k.setExpiryTimer(KeyLifecycle.NONE);
        return k;
    }

    /** Stores a forecaster line's model under the job's state descriptor. */
    static final class ForecasterWriter extends KeyedStateBootstrapFunction<String, Tuple3<String, byte[], byte[]>> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<ForecastingLearner> state;
        private transient ValueState<KeyLifecycle> lifecycle;

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(ForecastFunction.stateDescriptor());
            lifecycle = getRuntimeContext().getState(ForecastFunction.lifecycleDescriptor());
        }

        @Override
        public void processElement(Tuple3<String, byte[], byte[]> model, Context ctx) throws Exception {
            state.update(LearnerCodec.forecastingFromBytes(model.f1));
            if (model.f2.length > 0) {
                lifecycle.update(imported(model.f2));
            }
        }
    }

    /** Stores a log line's model bytes under the log mode's state descriptor. */
    static final class LogWriter extends KeyedStateBootstrapFunction<String, Tuple3<String, byte[], byte[]>> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<byte[]> state;
        private transient ValueState<KeyLifecycle> lifecycle;

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(LogFunction.stateDescriptor());
            lifecycle = getRuntimeContext().getState(LogFunction.lifecycleDescriptor());
        }

        @Override
        public void processElement(Tuple3<String, byte[], byte[]> model, Context ctx) throws Exception {
            state.update(model.f1);
            if (model.f2.length > 0) {
                lifecycle.update(imported(model.f2));
            }
        }
    }
}
