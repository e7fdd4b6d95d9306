package org.flinkrtrl.flink;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.core.lifecycle.MonitorConfig;
import org.flinkrtrl.core.logs.MinerSettings;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.LogPrediction;

/** Entry point of the log mode: keys events by {@link Event#key} and runs one {@link LogFunction} model per key. */
public final class LogOperator {
    /** Operator uid: keeps the log models addressable across savepoints. Do not change. */
    public static final String UID = "rtrl-log-model";
    public static final String NAME = "RTRL log model";
    public static final TypeInformation<LogPrediction> PREDICTION_TYPE = TypeInformation.of(LogPrediction.class);

    private LogOperator() {}

    /** The operator's outputs: one prediction per valid event, and the refused events. */
    public record Streams(SingleOutputStreamOperator<LogPrediction> predictions) {
        public DataStream<DeadLetter> deadLetters() {
            return predictions.getSideOutput(LearnerOperator.DEAD_LETTERS);
        }
    }

    /** With the default decoded-model cache ({@link ModelOptions#STATE_CACHE}). */
    public static Streams apply(DataStream<Event> events, ModelConfig cfg, MinerSettings minerSettings, int topK,
                                int maxMessageChars, Duration ttl) {
        return apply(events, cfg, minerSettings, topK, maxMessageChars, ttl, MonitorSettings.DEFAULTS,
            LearnerOperator.DEFAULT_STATE_CACHE);
    }

    /**
     * @param monitor    the rolling log-loss's and the drift test's settings
     * @param cache      bound of each subtask's cache of decoded models ({@link ModelCache}); 0 bytes for none
     */
    public static Streams apply(DataStream<Event> events, ModelConfig cfg, MinerSettings minerSettings, int topK,
                                int maxMessageChars, Duration ttl, MonitorConfig monitor, StateCacheSize cache) {
        return new Streams(events.keyBy(new EventKeySelector(), Types.STRING)
            .transform(NAME, PREDICTION_TYPE, new ModelCacheOperator<>(
                new LogFunction(cfg, minerSettings, topK, maxMessageChars, ttl, monitor), cache))
            .uid(UID).name(NAME));
    }
}
