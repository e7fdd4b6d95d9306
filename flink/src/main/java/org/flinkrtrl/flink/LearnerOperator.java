package org.flinkrtrl.flink;

import org.flinkrtrl.record.DeadLetter;

import org.flinkrtrl.record.Prediction;

import org.flinkrtrl.record.Event;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;
import org.flinkrtrl.core.learner.ModelConfig;

/**
 * The public entry point for jobs: keys a stream of events by {@link Event#key} and runs one online forecaster per
 * key. Returns the predictions and the dead letters of events the operator refused.
 *
 * <pre>{@code
 * LearnerOperator.Streams s = LearnerOperator.apply(events, ModelOptions.toModelConfig(conf, 2), Duration.ofDays(1));
 * s.predictions().sinkTo(...);
 * s.deadLetters().sinkTo(...);
 * }</pre>
 */
public final class LearnerOperator {
    /** Operator uid: keeps the learner state addressable across savepoints. Do not change. */
    public static final String UID = "rtrl-forecaster";
    public static final String NAME = "RTRL forecaster";

    /** Side output of events refused by the operator (stage "validate"). */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
        new OutputTag<>("rtrl-dead-letters", TypeInformation.of(DeadLetter.class));

    public static final TypeInformation<Prediction> PREDICTION_TYPE = TypeInformation.of(Prediction.class);
    public static final double DEFAULT_ANOMALY_THRESHOLD = 0.5;

    private LearnerOperator() {}

    /** The operator's outputs. */
    public static final class Streams {
        private final SingleOutputStreamOperator<Prediction> predictions;

        Streams(SingleOutputStreamOperator<Prediction> predictions) {
            this.predictions = predictions;
        }

        /** One prediction per valid event. */
        public SingleOutputStreamOperator<Prediction> predictions() {
            return predictions;
        }

        /** Events the operator refused, with stage "validate" and the reason. */
        public DataStream<DeadLetter> deadLetters() {
            return predictions.getSideOutput(DEAD_LETTERS);
        }
    }

    /** @param ttl idle-key TTL, zero or null for none */
    public static Streams apply(DataStream<Event> events, ModelConfig cfg, Duration ttl) {
        return apply(events, cfg, ttl, DEFAULT_ANOMALY_THRESHOLD);
    }

    public static Streams apply(DataStream<Event> events, ModelConfig cfg, Duration ttl, double anomalyThreshold) {
        SingleOutputStreamOperator<Prediction> predictions = events
            .keyBy(new EventKeySelector(), Types.STRING)
            .process(new ForecastFunction(cfg, ttl, anomalyThreshold), PREDICTION_TYPE)
            .uid(UID)
            .name(NAME);
        return new Streams(predictions);
    }

    /** Everything from configuration ({@link ModelOptions}); {@code inputs} is the number of value fields. */
    public static Streams apply(DataStream<Event> events, ReadableConfig conf, int inputs) {
        return apply(events, ModelOptions.toModelConfig(conf, inputs), ModelOptions.stateTtl(conf),
            ModelOptions.anomalyThreshold(conf));
    }
}
