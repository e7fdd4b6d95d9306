package org.flinkrtrl.jobs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.flinkrtrl.connectors.ControlParseFunction;
import org.flinkrtrl.connectors.EventParser;
import org.flinkrtrl.connectors.KafkaConnectors;
import org.flinkrtrl.connectors.ParseFunction;
import org.flinkrtrl.connectors.RawRecord;
import org.flinkrtrl.connectors.ReplayThrottle;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.WarmStartTemplate;
import org.flinkrtrl.core.lifecycle.MonitorConfig;
import org.flinkrtrl.flink.EventOrder;
import org.flinkrtrl.flink.LearnerOperator;
import org.flinkrtrl.flink.StateCacheSize;
import org.flinkrtrl.record.ControlAck;
import org.flinkrtrl.record.ControlCommand;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;

/**
 * The job's topology, one builder for the Kafka and the file runs: raw records -> {@code parse} (malformed records
 * to the dead letters) -> optional {@code replay-throttle} -> {@code watermarks} -> keyBy key -> in event-time order
 * {@code rtrl-event-order} (late events and duplicates to the dead letters) -> {@code rtrl-forecaster} (refused events to the dead
 * letters) -> {@code progress}. The mode supplies the source and
 * attaches the outputs: Kafka topics ({@link #toKafka}) or JSON lines files written by the job ({@link #toFiles}).
 * The operator uids are fixed: savepoints map state to operators by them.
 */
final class Pipeline {
    /** What the topology needs besides its source. */
    record Settings(EventParser parser, ModelConfig model, Duration ttl, double anomalyThreshold,
                    Duration outOfOrderness, Duration idleTimeout, EventOrder order, Duration progressInterval,
                    MonitorConfig monitor, Duration controlIdleTimeout, WarmStartTemplate warmStart,
                    StateCacheSize stateCache) {}

    private final SingleOutputStreamOperator<Prediction> predictions;
    private final DataStream<DeadLetter> deadLetters;
    private final DataStream<ControlAck> acks;

    private Pipeline(SingleOutputStreamOperator<Prediction> predictions, DataStream<DeadLetter> deadLetters,
                     DataStream<ControlAck> acks) {
        this.predictions = predictions;
        this.deadLetters = deadLetters;
        this.acks = acks;
    }

    /**
     * Builds the topology on {@code raw}. {@code ordered} (file replays) runs parse, throttle and watermarks at
     * parallelism 1 so the file's order, hence each key's order, reaches the forecaster; {@code throttle} paces the
     * events when not null.
     */
    static Pipeline build(DataStream<RawRecord> raw, Settings s, boolean ordered, ReplayThrottle throttle) {
        return build(raw, s, ordered, throttle, null);
    }

    /**
     * As above, with a control stream when {@code control} is not null: its lines are parsed at parallelism 1
     * ({@code control-parse}, bad commands to the dead letters), given watermarks of the commands' times
     * ({@code control-watermarks}) and broadcast to the forecaster.
     */
    static Pipeline build(DataStream<RawRecord> raw, Settings s, boolean ordered, ReplayThrottle throttle,
                          DataStream<RawRecord> control) {
        SingleOutputStreamOperator<Event> parsed = raw.process(new ParseFunction(s.parser()), LearnerOperator.EVENT_TYPE)
            .uid("parse").name("parse");
        if (ordered) {
            parsed.setParallelism(1);
        }
        SingleOutputStreamOperator<Event> paced = parsed;
        if (throttle != null) {
            paced = parsed.map(throttle).returns(LearnerOperator.EVENT_TYPE).uid("replay-throttle").name("replay-throttle");
            if (ordered) {
                paced.setParallelism(1);
            }
        }
        SingleOutputStreamOperator<Event> events = paced.assignTimestampsAndWatermarks(
                watermarks(s.outOfOrderness(), s.idleTimeout()))
            .uid("watermarks").name("watermarks");
        if (ordered) {
            events.setParallelism(1);
        }
        SingleOutputStreamOperator<ControlCommand> parsedControl = null;
        SingleOutputStreamOperator<ControlCommand> commands = null;
        if (control != null) {
            parsedControl = control.process(new ControlParseFunction()).uid("control-parse").name("control-parse")
                .setParallelism(1);
            commands = parsedControl.assignTimestampsAndWatermarks(
                    LearnerOperator.controlWatermarks(s.controlIdleTimeout()))
                .uid("control-watermarks").name("control-watermarks").setParallelism(1);
        }
        LearnerOperator.Streams learned = LearnerOperator.apply(events, s.model(), s.ttl(), s.anomalyThreshold(),
            s.order(), s.monitor(), commands, s.warmStart(), s.stateCache());
        SingleOutputStreamOperator<Prediction> predictions = learned.predictions()
            .map(new ProgressLogger(s.progressInterval())).returns(LearnerOperator.PREDICTION_TYPE)
            .uid("progress").name("progress");
        DataStream<DeadLetter> dead = parsed.getSideOutput(ParseFunction.DEAD_LETTERS).union(learned.deadLetters());
        if (s.order().mode() == EventOrder.Mode.EVENT_TIME) {
            dead = dead.union(learned.lateEvents(), learned.duplicates());
        }
        if (control != null) {
            dead = dead.union(parsedControl.getSideOutput(ControlParseFunction.DEAD_LETTERS));
        }
        return new Pipeline(predictions, dead, control == null ? null : learned.acks());
    }

    /**
     * Bounded-out-of-orderness watermarks on the event time. With {@code idleTimeout} > 0 a source split (Kafka
     * partition) that has sent nothing for that long (processing time) is marked idle and stops holding back the
     * watermark, so one quiet partition does not stall the release of every key's events; it rejoins with its next
     * record. Zero waits for every split.
     */
    static WatermarkStrategy<Event> watermarks(Duration outOfOrderness, Duration idleTimeout) {
        WatermarkStrategy<Event> w = WatermarkStrategy.<Event>forBoundedOutOfOrderness(outOfOrderness)
            .withTimestampAssigner((e, previous) -> e.timestamp);
        return idleTimeout.isZero() ? w : w.withIdleness(idleTimeout);
    }

    /** One prediction per valid event. */
    DataStream<Prediction> predictions() {
        return predictions;
    }

    /** Records refused by the parser or the forecaster, events too late to be put in order, duplicates. */
    DataStream<DeadLetter> deadLetters() {
        return deadLetters;
    }

    /**
     * Predictions to {@code outputTopic}; dead letters to {@code deadLetterTopic}, or logged and discarded when it
     * is null. Two sinks, two transactional id prefixes of which neither is a prefix of the other.
     */
    void toKafka(String bootstrap, String outputTopic, String deadLetterTopic, DeliveryGuarantee delivery,
                 String transactionalIdPrefix, Properties props) {
        toKafka(bootstrap, outputTopic, deadLetterTopic, null, delivery, transactionalIdPrefix, props);
    }

    /** As above; control acknowledgements (when there is a control stream) to {@code ackTopic}, or logged. */
    void toKafka(String bootstrap, String outputTopic, String deadLetterTopic, String ackTopic,
                 DeliveryGuarantee delivery, String transactionalIdPrefix, Properties props) {
        if (acks != null && ackTopic != null) {
            acks.sinkTo(KafkaConnectors.ackSink(bootstrap, ackTopic, delivery, transactionalIdPrefix + "-acks", props))
                .uid("kafka-sink-acks").name("kafka:" + ackTopic);
        } else if (acks != null) {
            acks.map(new AckLogger()).uid("ack-log").name("ack-log")
                .sinkTo(new DiscardingSink<>()).uid("ack-discard").name("ack-discard");
        }
        predictions.sinkTo(KafkaConnectors.predictionSink(bootstrap, outputTopic, delivery,
                transactionalIdPrefix + "-predictions", props))
            .uid("kafka-sink-predictions").name("kafka:" + outputTopic);
        if (deadLetterTopic != null) {
            deadLetters.sinkTo(KafkaConnectors.deadLetterSink(bootstrap, deadLetterTopic, delivery,
                    transactionalIdPrefix + "-dead-letters", props))
                .uid("kafka-sink-dead-letters").name("kafka:" + deadLetterTopic);
        } else {
            deadLetters.map(new DeadLetterLogger()).uid("dead-letter-log").name("dead-letter-log")
                .sinkTo(new DiscardingSink<>()).uid("dead-letter-discard").name("dead-letter-discard");
        }
    }

    /** Control acknowledgements; null without a control stream. */
    DataStream<ControlAck> acks() {
        return acks;
    }

    /**
     * Predictions, dead letters and control acknowledgements as JSON lines files written by the job itself, exactly
     * once ({@link JsonLinesSink}), each in its own directory: the predictions from the forecaster's subtasks
     * (chained, no exchange), the dead letters and acknowledgements from sinks of their own.
     */
    void toFiles(Path predictionsDir, Path deadLetterDir, Path ackDir) {
        predictions.sinkTo(new JsonLinesSink<>(predictionsDir, FILE_PREFIX, JsonLinesSink.predictions(), true))
            .uid("file-sink-predictions").name("file-sink-predictions");
        deadLetters.sinkTo(new JsonLinesSink<>(deadLetterDir, FILE_PREFIX, JsonLinesSink.deadLetters(), false))
            .uid("file-sink-dead-letters").name("file-sink-dead-letters");
        if (acks != null) {
            acks.sinkTo(new JsonLinesSink<>(ackDir, FILE_PREFIX, JsonLinesSink.acks(), false))
                .uid("file-sink-acks").name("file-sink-acks");
        }
    }

    /** Name prefix of the files {@link #toFiles} writes. */
    static final String FILE_PREFIX = "part";
}
