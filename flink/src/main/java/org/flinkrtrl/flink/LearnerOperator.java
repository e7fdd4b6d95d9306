package org.flinkrtrl.flink;

import org.flinkrtrl.record.DeadLetter;

import org.flinkrtrl.record.Prediction;

import org.flinkrtrl.record.Event;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;
import org.flinkrtrl.core.learner.ModelConfig;

/**
 * The public entry point for jobs: keys a stream of events by {@link Event#key} and runs one online forecaster per
 * key. Returns the predictions, the dead letters of events the operator refused, and (event-time mode) the events
 * that came too late to be put in order and the duplicates it did not learn.
 *
 * <p>With {@link EventOrder.Mode#EVENT_TIME} the keyed stream first passes the ordering step {@link
 * EventOrderFunction} (uid {@value #ORDER_UID}), chained to the forecaster on the same key partitioning; with
 * {@link EventOrder.Mode#ARRIVAL} the forecaster reads the keyed stream directly.
 *
 * <pre>{@code
 * LearnerOperator.Streams s = LearnerOperator.apply(events, ModelOptions.toModelConfig(conf, 2), Duration.ofDays(1),
 *     LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, EventOrder.eventTime(Duration.ofSeconds(2), 10_000));
 * s.predictions().sinkTo(...);
 * s.deadLetters().union(s.lateEvents(), s.duplicates()).sinkTo(...);
 * }</pre>
 */
public final class LearnerOperator {
    /** Operator uid: keeps the learner state addressable across savepoints. Do not change. */
    public static final String UID = "rtrl-forecaster";
    public static final String NAME = "RTRL forecaster";
    /** Uid of the event-time ordering step (event-time mode only). Do not change. */
    public static final String ORDER_UID = "rtrl-event-order";
    public static final String ORDER_NAME = "event-time order";

    /** Side output of events refused by the operator (stage "validate"). */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
        new OutputTag<>("rtrl-dead-letters", TypeInformation.of(DeadLetter.class));

    public static final TypeInformation<Prediction> PREDICTION_TYPE = TypeInformation.of(Prediction.class);
    public static final double DEFAULT_ANOMALY_THRESHOLD = 0.5;
    public static final long DEFAULT_STATE_CACHE_BYTES = ModelOptions.STATE_CACHE.defaultValue().getBytes();

    private LearnerOperator() {}

    /** The operator's outputs. */
    public static final class Streams {
        private final SingleOutputStreamOperator<Prediction> predictions;
        private final SingleOutputStreamOperator<Event> ordered;

        Streams(SingleOutputStreamOperator<Prediction> predictions, SingleOutputStreamOperator<Event> ordered) {
            this.predictions = predictions;
            this.ordered = ordered;
        }

        /** One prediction per valid event. */
        public SingleOutputStreamOperator<Prediction> predictions() {
            return predictions;
        }

        /** Events the operator refused, with stage "validate" and the reason. */
        public DataStream<DeadLetter> deadLetters() {
            return predictions.getSideOutput(DEAD_LETTERS);
        }

        /**
         * Events that arrived after the watermark passed their timestamp plus the allowed lateness, with stage
         * "late" and the reason; an empty stream in arrival mode.
         */
        public DataStream<DeadLetter> lateEvents() {
            if (ordered == null) {
                return predictions.getSideOutput(EventOrderFunction.LATE_EVENTS);
            }
            return ordered.getSideOutput(EventOrderFunction.LATE_EVENTS);
        }

        /**
         * Exact duplicates of a buffered event (same key, timestamp and values), not learned, with stage
         * "duplicate"; an empty stream in arrival mode.
         */
        public DataStream<DeadLetter> duplicates() {
            if (ordered == null) {
                return predictions.getSideOutput(EventOrderFunction.DUPLICATE_EVENTS);
            }
            return ordered.getSideOutput(EventOrderFunction.DUPLICATE_EVENTS);
        }
    }

    /** @param ttl idle-key TTL, zero or null for none */
    public static Streams apply(DataStream<Event> events, ModelConfig cfg, Duration ttl) {
        return apply(events, cfg, ttl, DEFAULT_ANOMALY_THRESHOLD);
    }

    /** In arrival order (no ordering step). */
    public static Streams apply(DataStream<Event> events, ModelConfig cfg, Duration ttl, double anomalyThreshold) {
        return apply(events, cfg, ttl, anomalyThreshold, EventOrder.ARRIVAL);
    }

    /** With the default decoded-model cache ({@link ModelOptions#STATE_CACHE}). */
    public static Streams apply(DataStream<Event> events, ModelConfig cfg, Duration ttl, double anomalyThreshold,
                                EventOrder order) {
        return apply(events, cfg, ttl, anomalyThreshold, order, DEFAULT_STATE_CACHE_BYTES);
    }

    /**
     * @param cacheBytes bound of each subtask's cache of decoded models on the RocksDB backend ({@link ModelCache});
     *                   0 reads and writes the keyed state on every event
     */
    public static Streams apply(DataStream<Event> events, ModelConfig cfg, Duration ttl, double anomalyThreshold,
                                EventOrder order, long cacheBytes) {
        EventKeySelector byKey = new EventKeySelector();
        KeyedStream<Event, String> keyed = events.keyBy(byKey, Types.STRING);
        SingleOutputStreamOperator<Event> ordered = null;
        if (order.mode() == EventOrder.Mode.EVENT_TIME) {
            ordered = keyed.process(new EventOrderFunction(order), EventOrderFunction.EVENT_TYPE)
                .uid(ORDER_UID)
                .name(ORDER_NAME);
            // the ordering step keeps each event on its key's subtask: no second shuffle, the forecaster chains to it
            keyed = DataStreamUtils.reinterpretAsKeyedStream(ordered, byKey, Types.STRING);
        }
        SingleOutputStreamOperator<Prediction> predictions = keyed
            .transform(NAME, PREDICTION_TYPE,
                new ModelCacheOperator<>(new ForecastFunction(cfg, ttl, anomalyThreshold), cacheBytes))
            .uid(UID)
            .name(NAME);
        return new Streams(predictions, ordered);
    }

    /** Everything from configuration ({@link ModelOptions}); {@code inputs} is the number of value fields. */
    public static Streams apply(DataStream<Event> events, ReadableConfig conf, int inputs) {
        return apply(events, ModelOptions.toModelConfig(conf, inputs), ModelOptions.stateTtl(conf),
            ModelOptions.anomalyThreshold(conf), ModelOptions.eventOrder(conf), ModelOptions.stateCache(conf));
    }
}
