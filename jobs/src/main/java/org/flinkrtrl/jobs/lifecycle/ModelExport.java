package org.flinkrtrl.jobs.lifecycle;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.flinkrtrl.connectors.ModelJson;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.logs.LogSourceModel;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.flink.ForecastFunction;
import org.flinkrtrl.flink.KeyLifecycleSerializer;
import org.flinkrtrl.flink.LearnerSerializer;
import org.flinkrtrl.flink.LogFunction;

/**
 * Export: reads every key's model out of a savepoint or retained checkpoint with the State Processor API and writes
 * one {@link ModelJson} line per key (docs/model-lifecycle.md). The model operators are found by their uids
 * ({@code rtrl-forecaster}, {@code rtrl-log-model}); a savepoint of the log mode exports log lines.
 *
 * <p>Each line carries the key's model and, when it has one, its lifecycle state (control overrides and error
 * monitor, {@code rtrl-lifecycle} / {@code rtrl-log-lifecycle}). The state is read with the job's state names and
 * serializers, without Flink state TTL: the job expires idle keys itself, and a savepoint of an earlier build that
 * stored its states with Flink's TTL reads the same way (Flink 2.2 drops the TTL wrapper on restore). Every model
 * still in the savepoint is exported, however long ago it was last used.
 */
public final class ModelExport {
    private ModelExport() {}

    /**
     * Exports the models in {@code savepoint} to {@code out} (one line per key, in the order the reader's subtasks
     * deliver them). {@code env} is a fresh environment whose state backend reads the savepoint (hashmap for a
     * savepoint in the canonical format or a hashmap checkpoint, rocksdb for a RocksDB checkpoint).
     *
     * @return the number of models written
     * @throws IllegalArgumentException when the savepoint holds no model operator
     */
    public static long run(StreamExecutionEnvironment env, String savepoint, Path out, boolean weights)
        throws Exception {
        Set<String> kinds = ModelOperators.kindsIn(savepoint);
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("no model state in " + savepoint + ": no operator with uid "
                + ModelOperators.uid(ModelJson.FORECASTER) + " or " + ModelOperators.uid(ModelJson.LOG)
                + " has keyed state there");
        }
        SavepointReader reader = SavepointReader.read(env, savepoint);
        DataStream<String> lines = null;
        for (String kind : kinds) {
            DataStream<String> k = reader.readKeyedState(OperatorIdentifier.forUid(ModelOperators.uid(kind)),
                ModelJson.LOG.equals(kind) ? new LogReader(weights) : new ForecasterReader(weights),
                Types.STRING, Types.STRING);
            lines = lines == null ? k : lines.union(k);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        long n = 0;
        try (CloseableIterator<String> it = lines.executeAndCollect("flink-rtrl model export");
             BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            while (it.hasNext()) {
                w.write(it.next());
                w.newLine();
                n++;
            }
        }
        return n;
    }

    /** Reads the forecaster's state (uid rtrl-forecaster, state rtrl-learner). */
    static final class ForecasterReader extends KeyedStateReaderFunction<String, String> {
        private static final long serialVersionUID = 1L;
        private final boolean weights;
        private transient ValueState<ForecastingLearner> state;
        private transient ValueState<KeyLifecycle> lifecycle;

        ForecasterReader(boolean weights) {
            this.weights = weights;
        }

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(
                new ValueStateDescriptor<>(ForecastFunction.STATE_NAME, LearnerSerializer.INSTANCE));
            lifecycle = getRuntimeContext().getState(new ValueStateDescriptor<>(ForecastFunction.LIFECYCLE_STATE_NAME,
                KeyLifecycleSerializer.INSTANCE));
        }

        @Override
        public void readKey(String key, Context ctx, Collector<String> out) throws Exception {
            ForecastingLearner l = state.value();
            if (l != null) {
                out.collect(ModelJson.forecaster(key, l, lifecycle.value(), weights));
            }
        }
    }

    /** Reads the log mode's state (uid rtrl-log-model, state rtrl-log-model). */
    static final class LogReader extends KeyedStateReaderFunction<String, String> {
        private static final long serialVersionUID = 1L;
        private final boolean weights;
        private transient ValueState<byte[]> state;
        private transient ValueState<KeyLifecycle> lifecycle;

        LogReader(boolean weights) {
            this.weights = weights;
        }

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(new ValueStateDescriptor<>(LogFunction.STATE_NAME,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
            lifecycle = getRuntimeContext().getState(new ValueStateDescriptor<>(LogFunction.LIFECYCLE_STATE_NAME,
                KeyLifecycleSerializer.INSTANCE));
        }

        @Override
        public void readKey(String key, Context ctx, Collector<String> out) throws Exception {
            byte[] bytes = state.value();
            if (bytes != null) {
                out.collect(ModelJson.log(key, LogSourceModel.fromBytes(bytes), lifecycle.value(), weights));
            }
        }
    }
}
