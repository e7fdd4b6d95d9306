package org.flinkrtrl.flink;

import org.flinkrtrl.record.DeadLetter;

import org.flinkrtrl.record.Prediction;

import org.flinkrtrl.record.Event;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.core.learner.WarmStartTemplate;
import org.flinkrtrl.core.lifecycle.MonitorConfig;
import org.flinkrtrl.record.ControlAck;
import org.flinkrtrl.record.ControlCommand;

/**
 * The public entry point for jobs: keys a stream of events by {@link Event#key} and runs one online forecaster per
 * key. Returns the predictions, the dead letters of events the operator refused, and (event-time mode) the events
 * that came too late to be put in order and the duplicates it did not learn.
 *
 * <p>With {@link EventOrder.Mode#EVENT_TIME} the keyed stream first passes the ordering step {@link
 * EventOrderFunction} (uid {@value #ORDER_UID}), chained to the forecaster on the same key partitioning; with
 * {@link EventOrder.Mode#ARRIVAL} the forecaster reads the keyed stream directly.
 *
 * <p>With a control stream the forecaster is a {@link ControlledForecastFunction} under the same uid and with the
 * same keyed state: the commands are broadcast to every subtask and apply from their event time (see there); the
 * stream must carry timestamps and watermarks of the commands' times ({@link #controlWatermarks}).
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

    /** Predictions with their own serializer ({@link PredictionSerializer}). */
    public static final TypeInformation<Prediction> PREDICTION_TYPE = RecordTypeInfo.PREDICTION;
    /**
     * Events with their own serializer ({@link EventSerializer}): the type a stream of events should declare (e.g.
     * {@code process(parse, LearnerOperator.EVENT_TYPE)}) so that the keyed exchange into the forecaster does not go
     * through Flink's reflective POJO serializer.
     */
    public static final TypeInformation<Event> EVENT_TYPE = RecordTypeInfo.EVENT;
    public static final double DEFAULT_ANOMALY_THRESHOLD = 0.5;
    public static final StateCacheSize DEFAULT_STATE_CACHE = StateCacheSize.DEFAULT;

    private LearnerOperator() {}

    /** The operator's outputs. */
    public static final class Streams {
        private final SingleOutputStreamOperator<Prediction> predictions;
        private final SingleOutputStreamOperator<Event> ordered;

        Streams(SingleOutputStreamOperator<Prediction> predictions, SingleOutputStreamOperator<Event> ordered) {
            this.predictions = predictions;
            this.ordered = ordered;
        }

        /** Control acknowledgements (empty without a control stream). */
        public DataStream<ControlAck> acks() {
            return predictions.getSideOutput(ControlledForecastFunction.ACKS);
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
        return apply(events, cfg, ttl, anomalyThreshold, order, MonitorSettings.DEFAULTS, null, null);
    }

    /** As above; new keys start from {@code warmStart} (null: cold, see {@link ForecastFunction}). */
    public static Streams apply(DataStream<Event> events, ModelConfig cfg, Duration ttl, double anomalyThreshold,
                                EventOrder order, WarmStartTemplate warmStart) {
        return apply(events, cfg, ttl, anomalyThreshold, order, MonitorSettings.DEFAULTS, null, warmStart);
    }

    /**
     * @param monitor  the per-key rolling error's and drift test's settings
     * @param commands the control stream (with timestamps and watermarks), or null for none
     */
    public static Streams apply(DataStream<Event> events, ModelConfig cfg, Duration ttl, double anomalyThreshold,
                                EventOrder order, MonitorConfig monitor, DataStream<ControlCommand> commands) {
        return apply(events, cfg, ttl, anomalyThreshold, order, monitor, commands, null);
    }

    /** As above; new keys start from {@code warmStart} (null: cold, see {@link ForecastFunction}). */
    public static Streams apply(DataStream<Event> events, ModelConfig cfg, Duration ttl, double anomalyThreshold,
                                EventOrder order, MonitorConfig monitor, DataStream<ControlCommand> commands,
                                WarmStartTemplate warmStart) {
        return apply(events, cfg, ttl, anomalyThreshold, order, monitor, commands, warmStart,
            DEFAULT_STATE_CACHE);
    }

    /**
     * @param cache bound of each subtask's cache of decoded models on the RocksDB backend ({@link ModelCache});
     *              0 bytes reads and writes the keyed state on every event. With a control stream the commands reach
     *                   every subtask on a broadcast input of {@link ControlledForecastOperator}, which keeps the
     *                   same cache.
     */
    public static Streams apply(DataStream<Event> events, ModelConfig cfg, Duration ttl, double anomalyThreshold,
                                EventOrder order, MonitorConfig monitor, DataStream<ControlCommand> commands,
                                WarmStartTemplate warmStart, StateCacheSize cache) {
        EventKeySelector byKey = new EventKeySelector();
        KeyedStream<Event, String> keyed = events.keyBy(byKey, Types.STRING);
        SingleOutputStreamOperator<Event> ordered = null;
        if (order.mode() == EventOrder.Mode.EVENT_TIME) {
            ordered = keyed.process(new EventOrderFunction(order), EVENT_TYPE)
                .uid(ORDER_UID)
                .name(ORDER_NAME);
            // the ordering step keeps each event on its key's subtask: no second shuffle, the forecaster chains to it
            keyed = DataStreamUtils.reinterpretAsKeyedStream(ordered, byKey, Types.STRING);
        }
        ForecastFunction forecaster = new ForecastFunction(cfg, ttl, anomalyThreshold, monitor, warmStart);
        SingleOutputStreamOperator<Prediction> predictions = commands == null
            ? keyed.transform(NAME, PREDICTION_TYPE, new ModelCacheOperator<>(forecaster, cache))
            : keyed.connect(commands.broadcast()).transform(NAME, PREDICTION_TYPE,
                new ControlledForecastOperator(new ControlledForecastFunction(forecaster), cache));
        predictions.uid(UID).name(NAME);
        return new Streams(predictions, ordered);
    }

    /** Everything from configuration ({@link ModelOptions}); {@code inputs} is the number of value fields. */
    public static Streams apply(DataStream<Event> events, ReadableConfig conf, int inputs) {
        return apply(events, ModelOptions.toModelConfig(conf, inputs), ModelOptions.stateTtl(conf),
            ModelOptions.anomalyThreshold(conf), ModelOptions.eventOrder(conf), ModelOptions.monitorConfig(conf), null,
            null, ModelOptions.stateCache(conf));
    }

    /**
     * Watermarks of a control stream: the commands' times, which must not decrease (a command older than one already
     * seen is refused by the operator). With {@code idleTimeout} > 0 a control stream that has sent nothing for that
     * long stops holding back the events (needed for an unbounded control topic that is mostly quiet); a command
     * that comes after an idle spell applies from each key's next event at or after its time.
     */
    public static WatermarkStrategy<ControlCommand> controlWatermarks(Duration idleTimeout) {
        WatermarkStrategy<ControlCommand> w = WatermarkStrategy.<ControlCommand>forMonotonousTimestamps()
            .withTimestampAssigner((c, previous) -> c.time);
        return idleTimeout == null || idleTimeout.isZero() ? w : w.withIdleness(idleTimeout);
    }
}
