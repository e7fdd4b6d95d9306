package org.flinkrtrl.flink;

import static org.flinkrtrl.flink.PredictionAssert.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.record.ControlAck;
import org.flinkrtrl.record.ControlCommand;
import org.flinkrtrl.record.ControlCommand.Op;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;

/** Commands and restores: a command applied before a checkpoint is not applied again after the restore. */
class ControlRestoreTest {
    private static final ModelConfig CFG = TestEvents.config(2);

    static KeyedBroadcastOperatorTestHarness<String, Event, ControlCommand, Prediction> open(
        OperatorSubtaskState restore) throws Exception {
        CoBroadcastWithKeyedOperator<String, Event, ControlCommand, Prediction> op = new CoBroadcastWithKeyedOperator<>(
            new ControlledForecastFunction(new ForecastFunction(CFG, Duration.ZERO,
                LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, MonitorSettings.DEFAULTS)),
            List.of(ControlledForecastFunction.COMMANDS));
        KeyedBroadcastOperatorTestHarness<String, Event, ControlCommand, Prediction> h =
            new KeyedBroadcastOperatorTestHarness<>(op, new EventKeySelector(), Types.STRING, 128, 1, 0);
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE); // the events' watermark alone releases them
        return h;
    }

    /** Each event followed by a watermark at its time, which releases it. */
    static List<Prediction> feed(KeyedBroadcastOperatorTestHarness<String, Event, ControlCommand, Prediction> h,
                                 List<Event> events) throws Exception {
        int before = h.extractOutputValues().size();
        for (Event e : events) {
            h.processElement(e, e.timestamp);
            h.processWatermark(e.timestamp);
        }
        List<Prediction> all = h.extractOutputValues();
        return new ArrayList<>(all.subList(before, all.size()));
    }

    static List<ControlAck> acks(KeyedBroadcastOperatorTestHarness<String, Event, ControlCommand, Prediction> h) {
        List<ControlAck> out = new ArrayList<>();
        if (h.getSideOutput(ControlledForecastFunction.ACKS) == null) {
            return out;
        }
        for (StreamRecord<ControlAck> r : h.getSideOutput(ControlledForecastFunction.ACKS)) {
            out.add(r.getValue());
        }
        return out;
    }

    @Test
    void aCommandAppliedBeforeACheckpointIsNotAppliedAgainAfterTheRestore() throws Exception {
        List<Event> events = TestEvents.synthetic(2, 40, 3L);
        List<Event> before = events.subList(0, 40);   // steps 0..19 of k0 and k1
        List<Event> after = events.subList(40, 80);   // steps 20..39
        long t0 = TestEvents.START_MS;
        // k0's threshold at step 10, then lr for every key at step 15: both applied before the checkpoint
        ControlCommand threshold = new ControlCommand("thr-k0", t0 + 10_000, "k0", Op.ANOMALY_THRESHOLD, 0.01, null);
        ControlCommand lr = new ControlCommand("lr-all", t0 + 15_000, null, Op.LEARNING_RATE, 0.03, null);
        ControlCommand freeze = new ControlCommand("freeze-k1", t0 + 30_000, "k1", Op.FREEZE, Double.NaN, null);

        List<Prediction> uninterrupted;
        OperatorSubtaskState snapshot;
        try (var h = open(null)) {
            h.processBroadcastElement(threshold, threshold.time);
            h.processBroadcastElement(lr, lr.time);
            feed(h, before);
            assertEquals(3, acks(h).stream().filter(a -> a.status.equals(ControlAck.APPLIED)).count());
            snapshot = h.snapshot(1L, 1L);
            h.processBroadcastElement(freeze, freeze.time);
            uninterrupted = feed(h, after);
        }

        try (var h = open(snapshot)) {
            // the control source replays from before the checkpoint: the two commands come again, then the new one
            h.processBroadcastElement(threshold, threshold.time);
            h.processBroadcastElement(lr, lr.time);
            h.processBroadcastElement(freeze, freeze.time);
            List<Prediction> restored = feed(h, after);
            assertSameBits(uninterrupted, restored);
            List<ControlAck> acks = acks(h);
            assertEquals(List.of("freeze-k1|accepted|null", "freeze-k1|applied|k1"),
                acks.stream().map(a -> a.id + "|" + a.status + "|" + a.key).toList(),
                "only the new command is accepted and applied, once");
            assertEquals(t0 + 30_000, acks.get(1).appliedAt);
            assertEquals(30, acks.get(1).steps);
            assertTrue(h.getSideOutput(LearnerOperator.DEAD_LETTERS) == null
                || h.getSideOutput(LearnerOperator.DEAD_LETTERS).isEmpty(), "redeliveries are ignored silently");

            // a command older than the ones accepted is refused with the reason
            h.processBroadcastElement(new ControlCommand("old", t0 + 5_000, "k0", Op.RESET, Double.NaN, null), 0L);
            List<DeadLetter> dead = new ArrayList<>();
            h.getSideOutput(LearnerOperator.DEAD_LETTERS).forEach(r -> dead.add((DeadLetter) r.getValue()));
            assertEquals(1, dead.size());
            assertEquals("control", dead.get(0).stage);
            assertTrue(dead.get(0).reason.contains("commands must come in time order"), dead.get(0).reason);
        }
    }

    @Test
    void badValuesAndForeignModelsAreRefused() throws Exception {
        try (var h = open(null)) {
            h.processBroadcastElement(new ControlCommand("a", 1, null, Op.LEARNING_RATE, -1, null), 0L);
            h.processBroadcastElement(new ControlCommand("b", 2, null, Op.REPLACE, Double.NaN, new byte[] {1, 2, 3}), 0L);
            ModelConfig other = CFG.toBuilder().set(org.flinkrtrl.core.learner.ModelSettings.HIDDEN, 4).build();
            byte[] foreign = org.flinkrtrl.core.learner.LearnerCodec.toBytes(
                new org.flinkrtrl.core.learner.ForecastingLearner(other, 1));
            h.processBroadcastElement(new ControlCommand("c", 3, "k0", Op.REPLACE, Double.NaN, foreign), 0L);
            h.processBroadcastElement(new ControlCommand("d", 4, "k0", Op.WARM_UP, 2.5, null), 0L);
            List<String> reasons = new ArrayList<>();
            h.getSideOutput(LearnerOperator.DEAD_LETTERS).forEach(r -> reasons.add(((DeadLetter) r.getValue()).reason));
            assertEquals(4, reasons.size(), reasons.toString());
            assertTrue(reasons.get(0).startsWith("learning-rate needs a finite value > 0"), reasons.get(0));
            assertTrue(reasons.get(1).startsWith("the imported model does not decode"), reasons.get(1));
            assertTrue(reasons.get(2).startsWith("the imported model was built with another configuration"),
                reasons.get(2));
            assertTrue(reasons.get(3).startsWith("warm-up needs a whole number"), reasons.get(3));
            assertEquals(0, acks(h).size());
        }
    }
}
