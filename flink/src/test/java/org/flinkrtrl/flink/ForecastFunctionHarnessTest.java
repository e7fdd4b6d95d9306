package org.flinkrtrl.flink;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import org.flinkrtrl.record.DeadLetter;

import org.flinkrtrl.record.Prediction;

import org.flinkrtrl.record.Event;

import static org.flinkrtrl.flink.PredictionAssert.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.math.Kernels;
import org.junit.jupiter.api.Test;

/** The keyed function in Flink's operator test harness: outputs, checkpoint/restore, rescaling, TTL. */
class ForecastFunctionHarnessTest {
    private static final ModelConfig CFG = TestEvents.config(2);

    @Test
    void emitsExactlyWhatTheBareCoreComputesOnRealSensorData() throws Exception {
        List<Event> events = TestEvents.sensors();
        try (var h = Harnesses.open(CFG, Duration.ZERO, 1, 0, null)) {
            List<Prediction> out = Harnesses.feed(h, events);
            assertSameBits(Harnesses.reference(events, CFG), out);
            assertEquals(600, out.size());
            Prediction first = out.get(0);
            assertEquals(1, first.steps);
            assertTrue(Double.isNaN(first.loss) && Double.isNaN(first.previousForecast[0]));
            assertEquals("mote-1", first.key);
            assertEquals(events.get(0).timestamp, first.timestamp);
            assertEquals("0", first.label);
            Prediction last = out.get(out.size() - 1);
            assertEquals(300, last.steps);
            assertTrue(Double.isFinite(last.loss) && Double.isFinite(last.forecast[1]));
            // the previous forecast of an event is the forecast emitted at the key's event before it
            Prediction prevOfLast = out.get(out.size() - 3);
            assertEquals(last.key, prevOfLast.key);
            assertTrue(Arrays.equals(prevOfLast.forecast, last.previousForecast));
        }
    }

    @Test
    void reportsTheKernelsOfItsJvm() throws Exception {
        try (var h = Harnesses.open(CFG, Duration.ZERO, 1, 0, null)) {
            assertEquals(Kernels.get().name(), Harnesses.function(h).metricsForTest().kernels);
        }
        // surefire's default execution starts the JVM with jdk.incubator.vector: the SIMD kernels must be the ones
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"plain".equalsIgnoreCase(System.getProperty("flinkrtrl.kernels", ""))) {
            assertTrue(Kernels.get().name().startsWith("vector-"), Kernels.get().name());
        }
    }

    @Test
    void theKernelsGaugeReadsTheKernelsName() {
        Map<String, Gauge<?>> gauges = new HashMap<>();
        MetricGroup capture = new UnregisteredMetricsGroup() {
            @Override
            public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
                gauges.put(name, gauge);
                return gauge;
            }

            @Override
            public MetricGroup addGroup(String name) {
                return this;
            }
        };
        new LearnerMetrics(capture, "vector-256");
        assertEquals("vector-256", gauges.get("kernels").getValue());
    }

    @Test
    void restoreContinuesBitForBitLikeAnUninterruptedRun() throws Exception {
        List<Event> events = TestEvents.sensors();
        List<Prediction> expected = Harnesses.reference(events, CFG);
        for (int cut : new int[] {1, 217, 433}) {
            OperatorSubtaskState snapshot;
            List<Prediction> out;
            try (var h = Harnesses.open(CFG, Duration.ofHours(1), 1, 0, null)) {
                out = new ArrayList<>(Harnesses.feed(h, events.subList(0, cut)));
                snapshot = h.snapshot(1L, 1L);
                // the original keeps running after the snapshot: state mutated in place must not leak into it
                Harnesses.feed(h, events.subList(cut, Math.min(cut + 50, events.size())));
            }
            try (var h = Harnesses.open(CFG, Duration.ofHours(1), 1, 0, snapshot)) {
                out.addAll(Harnesses.feed(h, events.subList(cut, events.size())));
            }
            assertSameBits(expected, out);
        }
    }

    @Test
    void rescalingFromTwoToThreeSubtasksKeepsEveryKeysModel() throws Exception {
        List<Event> events = new ArrayList<>(TestEvents.sensors());
        events.addAll(TestEvents.synthetic(10, 40, 3L));
        int cut = events.size() / 2 + 7;
        List<Event> before = events.subList(0, cut);
        List<Event> after = events.subList(cut, events.size());
        Set<Integer> usedSubtasks = new HashSet<>();

        List<Prediction> out = new ArrayList<>();
        OperatorSubtaskState[] snapshots = new OperatorSubtaskState[2];
        for (int s = 0; s < 2; s++) {
            try (var h = Harnesses.open(CFG, Duration.ZERO, 2, s, null)) {
                out.addAll(Harnesses.feed(h, routed(before, 2, s, usedSubtasks)));
                snapshots[s] = h.snapshot(1L, 1L);
            }
        }
        assertEquals(2, usedSubtasks.size(), "both old subtasks hold keys");
        OperatorSubtaskState packed = AbstractStreamOperatorTestHarness.repackageState(snapshots);
        usedSubtasks.clear();
        for (int s = 0; s < 3; s++) {
            OperatorSubtaskState part = AbstractStreamOperatorTestHarness.repartitionOperatorState(
                packed, Harnesses.MAX_PARALLELISM, 2, 3, s);
            try (var h = Harnesses.open(CFG, Duration.ZERO, 3, s, part)) {
                List<Event> mine = routed(after, 3, s, usedSubtasks);
                List<Prediction> continued = Harnesses.feed(h, mine);
                for (Prediction p : continued) {
                    assertTrue(p.steps > 1 || !hasEarlier(before, p.key), "key " + p.key + " lost its model");
                }
                out.addAll(continued);
            }
        }
        assertEquals(3, usedSubtasks.size(), "all new subtasks hold keys");
        assertSameBits(PredictionAssert.sorted(Harnesses.reference(events, CFG)), PredictionAssert.sorted(out));
    }

    @Test
    void idleKeysExpireAndComeBackFresh() throws Exception {
        Duration ttl = Duration.ofSeconds(10);
        List<Event> events = TestEvents.synthetic(6, 5, 11L);
        try (var h = Harnesses.open(CFG, ttl, 1, 0, null)) {
            h.setProcessingTime(0);
            Harnesses.feed(h, events);
            assertEquals(2 * 6, h.numKeyedStateEntries(), "a model and a lifecycle state per key");

            h.setProcessingTime(ttl.toMillis() + 1);
            // all keys are now idle past the TTL, their timers (at 11 250) not yet due; only k0 returns
            List<Event> k0 = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                k0.add(new Event("k0", 10_000L + i, new double[] {Math.sin(i), 1.0 + 0.01 * i}, null, null));
            }
            List<Prediction> k0out = Harnesses.feed(h, k0);
            assertEquals(1, k0out.get(0).steps, "k0 expired too (idle > TTL) and starts fresh");
            assertEquals(2 * 6, h.numKeyedStateEntries(), "the others wait for their timers");
            h.setProcessingTime(11_250);
            assertEquals(2, h.numKeyedStateEntries(), "expired keys were removed from the state by their timers");

            Event back = new Event("k3", 20_000L, new double[] {0.5, 10.5}, null, null);
            Prediction p = Harnesses.feed(h, List.of(back)).get(0);
            assertEquals(1, p.steps, "a key that comes back after its TTL starts fresh");
            assertTrue(Double.isNaN(p.loss));
            assertEquals(2 * 2, h.numKeyedStateEntries());
        }
    }

    @Test
    void activeKeysDoNotExpire() throws Exception {
        Duration ttl = Duration.ofSeconds(10);
        try (var h = Harnesses.open(CFG, ttl, 1, 0, null)) {
            for (int i = 0; i < 20; i++) {
                h.setProcessingTime(i * 5_000L); // 5 s between events, TTL 10 s, refreshed on each
                Prediction p = Harnesses.feed(h, List.of(new Event("a", i, new double[] {i % 3, 1}, null, null))).get(0);
                assertEquals(i + 1, p.steps);
            }
        }
    }

    @Test
    void predictionsChangeAsTheModelLearns() throws Exception {
        List<Event> events = TestEvents.sensors();
        List<Event> history = new ArrayList<>();
        for (Event e : events) {
            if (e.key.equals("mote-1")) {
                history.add(e);
            }
        }
        List<Event> probe = history.subList(0, 20);
        try (var h = Harnesses.open(CFG, Duration.ZERO, 1, 0, null)) {
            List<Prediction> firstVersion = Harnesses.feed(h, probe);
            double[] w0 = Harnesses.learner(h, "mote-1").model().recurrentWeights().clone();
            Harnesses.feed(h, history.subList(20, history.size()));
            double[] w1 = Harnesses.learner(h, "mote-1").model().recurrentWeights().clone();
            assertFalse(Arrays.equals(w0, w1), "recurrent weights change with learning");

            // the same 20-event history fed to a fresh key and to a key that has learned 300 events
            List<Event> replay = new ArrayList<>();
            for (Event e : probe) {
                replay.add(new Event("mote-1", e.timestamp, e.values, null, e.label));
            }
            List<Prediction> learned = Harnesses.feed(h, replay);
            double diff = 0;
            for (int i = 0; i < probe.size(); i++) {
                diff += Math.abs(firstVersion.get(i).forecast[0] - learned.get(i).forecast[0]);
            }
            assertTrue(diff > 1e-3, "forecasts for the same history differ after learning, diff " + diff);
            assertNotEquals(firstVersion.get(19).forecast[1], learned.get(19).forecast[1]);
        }
    }

    @Test
    void invalidEventsGoToTheDeadLettersAndTheJobKeepsGoing() throws Exception {
        try (var h = Harnesses.open(CFG, Duration.ZERO, 1, 0, null)) {
            List<Event> in = List.of(
                new Event("a", 1, new double[] {1, 2}, null, null),
                new Event("a", 2, new double[] {1, 2, 3}, null, null),
                new Event("a", 3, new double[] {Double.NaN, 2}, null, null),
                new Event("a", 4, new double[] {1, Double.POSITIVE_INFINITY}, null, null),
                new Event(null, 5, new double[] {1, 2}, null, null),
                new Event("  ", 6, new double[] {1, 2}, null, null),
                new Event("a", 7, null, null, null),
                new Event("b", 8, new double[] {3, 4}, null, null),
                new Event("a", 9, new double[] {1.5, 2.5}, null, "x"));
            List<Prediction> out = Harnesses.feed(h, in);
            assertEquals(3, out.size(), "valid events after the invalid ones still produce outputs");
            assertEquals(2, out.get(2).steps, "invalid events never touched key a's model");
            assertEquals("x", out.get(2).label);
            assertEquals(2 * 2, h.numKeyedStateEntries(), "no state was created for the rejected keys (2 per key)");

            List<DeadLetter> dead = new ArrayList<>();
            h.getSideOutput(LearnerOperator.DEAD_LETTERS).forEach(r -> dead.add(r.getValue()));
            assertEquals(6, dead.size());
            for (DeadLetter d : dead) {
                assertEquals("validate", d.stage);
            }
            assertEquals("values has dimension 3, expected 2", dead.get(0).reason);
            assertEquals("values[0] is NaN (not finite)", dead.get(1).reason);
            assertEquals("values[1] is Infinity (not finite)", dead.get(2).reason);
            assertEquals("key is missing", dead.get(3).reason);
            assertNull(dead.get(3).key);
            assertEquals("key is empty", dead.get(4).reason);
            assertEquals("values is missing", dead.get(5).reason);
            assertEquals("a", dead.get(0).key);
            assertEquals(2L, dead.get(0).timestamp);
            assertTrue(dead.get(0).payload.contains("values=[1.0, 2.0, 3.0]"), dead.get(0).payload);

            LearnerMetrics m = Harnesses.function(h).metricsForTest();
            assertEquals(6, m.invalid.getCount());
            assertEquals(3, m.events.getCount());
            assertEquals(2, m.learnersCreated.getCount());
        }
    }

    @Test
    void extremeValuesAreRefusedWithoutTouchingTheKeyOrOtherKeys() throws Exception {
        List<Event> clean = TestEvents.synthetic(3, 40, 5L);
        List<Event> withPoison = new ArrayList<>();
        int spikes = 0;
        for (int i = 0; i < clean.size(); i++) {
            withPoison.add(clean.get(i));
            if (i % 3 == 0) {
                // a constant stream with swings to +-1e100 (accepted) and to the largest doubles (refused)
                double v = i % 30 == 0 ? 1e100 : i % 30 == 3 ? -1e100 : i % 45 == 6 ? 1.7e308 : 1.0;
                spikes += Math.abs(v) > 1e100 ? 1 : 0;
                withPoison.add(new Event("poison", i, new double[] {v, -v}, null, null));
            }
        }
        try (var h = Harnesses.open(CFG, Duration.ZERO, 1, 0, null)) {
            List<Prediction> out = Harnesses.feed(h, withPoison);
            List<Prediction> others = new ArrayList<>();
            List<Prediction> poison = new ArrayList<>();
            for (Prediction p : out) {
                (p.key.equals("poison") ? poison : others).add(p);
            }
            List<DeadLetter> dead = new ArrayList<>();
            h.getSideOutput(LearnerOperator.DEAD_LETTERS).forEach(r -> dead.add(r.getValue()));
            assertTrue(spikes > 0);
            assertEquals(spikes, dead.size());
            for (DeadLetter d : dead) {
                assertEquals(ForecastFunction.STAGE_VALIDATE, d.stage);
                assertEquals("values[0] = 1.7E308 exceeds the accepted magnitude 1.0E100", d.reason);
            }
            assertEquals(40 - spikes, poison.size());
            for (int i = 0; i < poison.size(); i++) {
                assertEquals(i + 1, poison.get(i).steps, "the refused events never touched the poisoned key's model");
                assertTrue(Double.isFinite(poison.get(i).forecast[0]));
            }
            assertEquals(0, Harnesses.function(h).metricsForTest().learnerFailures.getCount());
            assertSameBits(Harnesses.reference(clean, CFG), others);
        }
    }

    @Test
    void whenTheCoreThrowsTheKeysModelIsDroppedAndTheJobCarriesOn() throws Exception {
        ForecastFunction failing = new ForecastFunction(CFG, Duration.ZERO, 3.0) {
            @Override
            ForecastingLearner.Result observe(ForecastingLearner learner, long timestamp, double[] values) {
                ForecastingLearner.Result r = learner.observe(timestamp, values); // mutate first: a half-updated model
                if (values[0] == 42.0) {
                    throw new IllegalStateException("boom");
                }
                return r;
            }
        };
        var op = new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(failing);
        try (var h = new org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness<>(
            op, new EventKeySelector(), org.apache.flink.api.common.typeinfo.Types.STRING)) {
            h.open();
            List<Event> in = List.of(
                new Event("a", 1, new double[] {1, 2}, null, null),
                new Event("b", 2, new double[] {1, 2}, null, null),
                new Event("a", 3, new double[] {2, 2}, null, null),
                new Event("a", 4, new double[] {42.0, 2}, null, null),
                new Event("b", 5, new double[] {2, 2}, null, null),
                new Event("a", 6, new double[] {3, 2}, null, null));
            List<Prediction> out = Harnesses.feed(h, in);
            assertEquals(List.of(1L, 1L, 2L, 2L, 1L), out.stream().map(p -> p.steps).toList(),
                "a restarts fresh after the failure, b is untouched");
            List<DeadLetter> dead = new ArrayList<>();
            h.getSideOutput(LearnerOperator.DEAD_LETTERS).forEach(r -> dead.add(r.getValue()));
            assertEquals(1, dead.size());
            assertEquals(ForecastFunction.STAGE_LEARN, dead.get(0).stage);
            assertEquals("a", dead.get(0).key);
            assertTrue(dead.get(0).reason.contains("boom"), dead.get(0).reason);
            assertEquals(1, failing.metricsForTest().learnerFailures.getCount());
        }
    }

    @Test
    void divergencesAreCountedAndStayWithinTheirKey() throws Exception {
        // a divergence threshold so low that the guard fires on ordinary events
        ModelConfig touchy = CFG.toBuilder().set(DIVERGENCE_LOSS, 0.05).build();
        List<Event> events = TestEvents.sensors();
        try (var h = Harnesses.open(touchy, Duration.ZERO, 1, 0, null)) {
            List<Prediction> out = Harnesses.feed(h, events);
            long flagged = out.stream().filter(p -> p.diverged).count();
            assertTrue(flagged > 0, "the guard fired");
            assertEquals(flagged, Harnesses.function(h).metricsForTest().divergences.getCount());
            assertEquals(600, Harnesses.function(h).metricsForTest().events.getCount());
            // each key alone gives the same outputs as with the other key interleaved
            for (String key : List.of("mote-1", "mote-4")) {
                List<Event> alone = new ArrayList<>();
                List<Prediction> mine = new ArrayList<>();
                for (int i = 0; i < events.size(); i++) {
                    if (events.get(i).key.equals(key)) {
                        alone.add(events.get(i));
                        mine.add(out.get(i));
                    }
                }
                assertSameBits(Harnesses.reference(alone, touchy), mine);
            }
        }
    }

    @Test
    void aStoredModelWithAnotherConfigurationIsReplaced() throws Exception {
        List<Event> events = TestEvents.synthetic(2, 10, 1L);
        OperatorSubtaskState snapshot;
        try (var h = Harnesses.open(CFG, Duration.ZERO, 1, 0, null)) {
            Harnesses.feed(h, events);
            snapshot = h.snapshot(1L, 1L);
        }
        ModelConfig changed = CFG.toBuilder().set(LEARNING_RATE, CFG.learningRate() / 2).build();
        try (var h = Harnesses.open(changed, Duration.ZERO, 1, 0, snapshot)) {
            List<Prediction> out = Harnesses.feed(h, events.subList(0, 2));
            assertEquals(1, out.get(0).steps);
            assertEquals(2, Harnesses.function(h).metricsForTest().modelResets.getCount());
        }
        try (var h = Harnesses.open(CFG, Duration.ZERO, 1, 0, snapshot)) {
            assertEquals(11, Harnesses.feed(h, events.subList(0, 1)).get(0).steps);
            assertEquals(0, Harnesses.function(h).metricsForTest().modelResets.getCount());
        }
    }

    private static boolean hasEarlier(List<Event> before, String key) {
        for (Event e : before) {
            if (key.equals(e.key)) {
                return true;
            }
        }
        return false;
    }

    private static List<Event> routed(List<Event> events, int parallelism, int subtask, Set<Integer> used) {
        List<Event> mine = new ArrayList<>();
        for (Event e : events) {
            int s = KeyGroupRangeAssignment.assignKeyToParallelOperator(e.key, Harnesses.MAX_PARALLELISM, parallelism);
            if (s == subtask) {
                mine.add(e);
                used.add(s);
            }
        }
        return mine;
    }
}
