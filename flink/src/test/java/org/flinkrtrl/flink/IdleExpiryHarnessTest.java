package org.flinkrtrl.flink;

import static org.flinkrtrl.flink.PredictionAssert.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.LogPrediction;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Idle-key expiry ({@link IdleExpiry}) in the operator test harness with a manual processing-time clock: the
 * boundary at exactly the TTL, the expiry timer that clears a key that never comes back, the bounded timer chain of
 * an active key, bit-identical outputs while no key is idle, the RocksDB cache, restores with timers, and state
 * written by the build that used Flink's state TTL.
 */
class IdleExpiryHarnessTest {
    private static final ModelConfig CFG = TestEvents.config(2);
    private static final Duration TTL = Duration.ofSeconds(10);
    /** max(1 s, TTL / 8) */
    private static final long G = 1_250;

    private static Event event(String key, long t, int i) {
        return new Event(key, t, new double[] {Math.sin(0.3 * i), 10 + Math.cos(0.2 * i)}, null, null);
    }

    private static Prediction one(KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction> h, Event e)
        throws Exception {
        return Harnesses.feed(h, List.of(e)).get(0);
    }

    private static KeyLifecycle lifecycle(KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction> h,
                                          String key) throws Exception {
        ((KeyedProcessOperator<?, ?, ?>) h.getOperator()).setCurrentKey(key);
        return Harnesses.function(h).monitor().stored();
    }

    @Test
    void dueIsTheEndOfTheBucketHoldingTheExpiry() {
        IdleExpiry x = new IdleExpiry(TTL);
        assertEquals(G, x.granularity());
        assertEquals(11_250, x.due(0));
        assertEquals(11_250, x.due(1_249));
        assertEquals(12_500, x.due(1_250));
        assertEquals(1_000, new IdleExpiry(Duration.ofMillis(100)).granularity());
        assertEquals(2_000, new IdleExpiry(Duration.ofMillis(100)).due(900)); // 900 + 100 = 1000 -> bucket [1000, 2000)
        assertEquals(Duration.ofDays(7).toMillis() / 8, new IdleExpiry(Duration.ofDays(7)).granularity());
        assertTrue(new IdleExpiry(Duration.ofDays(7)).due(Long.MAX_VALUE - 5) > 0, "no overflow");
    }

    @Test
    void idleForTtlMinusOneKeepsTheModelAndForTtlStartsFresh() throws Exception {
        try (var h = Harnesses.open(CFG, TTL, 1, 0, null)) {
            h.setProcessingTime(1_000);
            assertEquals(1, one(h, event("a", 1, 0)).steps);
            h.setProcessingTime(1_000 + TTL.toMillis() - 1);
            assertEquals(2, one(h, event("a", 2, 1)).steps, "idle TTL - 1 ms: the model is kept");
            assertEquals(10_999, lifecycle(h, "a").lastSeen());
            h.setProcessingTime(11_250); // the first event's timer: the key had an event since, so it is re-armed
            assertEquals(1, h.numProcessingTimeTimers());
            assertEquals(21_250, lifecycle(h, "a").expiryTimer());
            assertNotNull(Harnesses.learner(h, "a"));
            h.setProcessingTime(10_999 + TTL.toMillis()); // idle exactly the TTL, before the timer
            Prediction p = one(h, event("a", 3, 2));
            assertEquals(1, p.steps, "idle for the TTL: a fresh model");
            assertTrue(Double.isNaN(p.loss));
            assertTrue(Double.isNaN(p.rollingError), "and a fresh lifecycle");
            assertEquals(1, Harnesses.function(h).metricsForTest().keysExpired.getCount());
            assertEquals(2, Harnesses.function(h).metricsForTest().learnersCreated.getCount());
        }
    }

    @ParameterizedTest(name = "heap = {0}")
    @ValueSource(booleans = {true, false})
    void theTimerClearsAKeyThatNeverComesBack(boolean heap) throws Exception {
        try (var h = Harnesses.openCached(CFG, TTL, 1 << 20, null, heap)) {
            h.setProcessingTime(0);
            List<Event> events = TestEvents.synthetic(4, 5, 3L);
            Harnesses.feed(h, events);
            if (heap) {
                assertEquals(2 * 4, h.numKeyedStateEntries(), "a model and a lifecycle per key");
            }
            assertEquals(4, h.numProcessingTimeTimers(), "one timer per key, not one per event");
            h.setProcessingTime(TTL.toMillis() - 1);
            for (String k : new String[] {"k0", "k1", "k2", "k3"}) {
                assertNotNull(Harnesses.learner(h, k), k + " idle for less than the TTL");
            }
            h.setProcessingTime(11_249);
            if (heap) {
                assertEquals(2 * 4, h.numKeyedStateEntries(), "the states stay until the timers fire");
            }
            assertEquals(4, h.numProcessingTimeTimers());
            ForecastFunction f = Harnesses.function(h);
            long writeBacks = f.cacheForTest() == null ? 0 : f.cacheForTest().writeBacks();
            h.setProcessingTime(11_250);
            assertEquals(4, f.metricsForTest().keysExpired.getCount());
            assertEquals(0, h.numProcessingTimeTimers());
            if (heap) {
                assertEquals(0, h.numKeyedStateEntries(), "every state of the idle keys is gone");
            } else {
                assertEquals(0, f.cacheForTest().size(), "the cached models are dropped");
                assertEquals(writeBacks, f.cacheForTest().writeBacks(), "and not written back");
            }
            for (String k : new String[] {"k0", "k1", "k2", "k3"}) {
                assertNull(Harnesses.learner(h, k), k);
                assertNull(lifecycle(h, k), k);
            }
            OperatorSubtaskState after = h.snapshot(1, 11_300);
            try (var r = Harnesses.openCached(CFG, TTL, 1 << 20, after, heap)) {
                assertNull(Harnesses.learner(r, "k0"), "the expired key is not in the checkpoint");
                if (heap) {
                    assertEquals(0, r.numKeyedStateEntries());
                }
            }
        }
    }

    /** Timer firings of the forecaster, counted across the harness (the function is not serialized). */
    static final AtomicInteger FIRED = new AtomicInteger();

    static final class CountingForecaster extends ForecastFunction {
        CountingForecaster(ModelConfig cfg, Duration ttl) {
            super(cfg, ttl, LearnerOperator.DEFAULT_ANOMALY_THRESHOLD);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, org.apache.flink.util.Collector<Prediction> out)
            throws Exception {
            FIRED.incrementAndGet();
            super.onTimer(timestamp, ctx, out);
        }
    }

    @Test
    void anActiveKeyRegistersAboutOneTimerPerTtl() throws Exception {
        FIRED.set(0);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction>(
            new KeyedProcessOperator<>(new CountingForecaster(CFG, TTL)), new EventKeySelector(), Types.STRING,
            Harnesses.MAX_PARALLELISM, 1, 0)) {
            h.open();
            for (int i = 0; i < 1000; i++) { // 100 s of events 100 ms apart, TTL 10 s
                h.setProcessingTime(100L * i);
                assertEquals(i + 1, one(h, event("a", i, i)).steps);
                assertEquals(1, h.numProcessingTimeTimers(), "one pending timer");
            }
            // the chain: 11 250 (last event 11 200) -> 21 250 -> ... -> 91 250 fired, 101 250 pending
            assertEquals(9, FIRED.get());
            assertEquals(101_250, lifecycle(h, "a").expiryTimer());
            h.setProcessingTime(101_250); // re-arms for the last event (99 900) at 110 000
            assertEquals(10, FIRED.get());
            assertEquals(110_000, lifecycle(h, "a").expiryTimer());
            h.setProcessingTime(109_999);
            assertNotNull(Harnesses.learner(h, "a"));
            h.setProcessingTime(110_000);
            assertNull(Harnesses.learner(h, "a"), "cleared within TTL + granularity of the last event");
            assertEquals(1, Harnesses.function(h).metricsForTest().keysExpired.getCount());
            assertEquals(0, h.numProcessingTimeTimers());
        }
    }

    @ParameterizedTest(name = "heap = {0}")
    @ValueSource(booleans = {true, false})
    void withoutIdleKeysTheOutputsAreTheBareCoresBitForBit(boolean heap) throws Exception {
        List<Event> events = TestEvents.synthetic(5, 60, 9L);
        List<Prediction> out = new ArrayList<>();
        try (var h = Harnesses.openCached(CFG, TTL, heap ? 0 : 1 << 20, null, heap)) {
            for (int i = 0; i < events.size(); i++) {
                h.setProcessingTime(400L * i); // every key has an event every 2 s; many timers fire and re-arm
                out.addAll(Harnesses.feed(h, List.of(events.get(i))));
            }
            assertEquals(0, Harnesses.function(h).metricsForTest().keysExpired.getCount());
        }
        assertSameBits(Harnesses.reference(events, CFG), out);
    }

    @Test
    void aCheckpointedDirtyModelOfAnIdleKeyIsDroppedNotWrittenBack() throws Exception {
        try (var h = Harnesses.openCached(CFG, TTL, 1 << 20, null, false)) {
            h.setProcessingTime(0);
            one(h, event("a", 0, 0));
            one(h, event("b", 0, 0));
            h.setProcessingTime(5_000);
            one(h, event("b", 1, 1));
            ForecastFunction f = Harnesses.function(h);
            h.setProcessingTime(TTL.toMillis()); // a idle for the TTL, its timer not yet due: a checkpoint comes first
            h.snapshot(1, TTL.toMillis());
            assertEquals(1, f.cacheForTest().writeBacks(), "only b's model was written back");
            assertEquals(1, f.cacheForTest().size());
            assertNull(Harnesses.learner(h, "a"));
            h.setProcessingTime(11_250);
            assertEquals(1, f.metricsForTest().keysExpired.getCount(), "a's timer cleared its lifecycle");
            assertNull(lifecycle(h, "a"));
            assertEquals(3, one(h, event("b", 2, 2)).steps);
        }
    }

    @ParameterizedTest(name = "heap = {0}")
    @ValueSource(booleans = {true, false})
    void timersSurviveACheckpointRestore(boolean heap) throws Exception {
        OperatorSubtaskState snap;
        try (var h = Harnesses.openCached(CFG, TTL, 1 << 20, null, heap)) {
            h.setProcessingTime(0);
            Harnesses.feed(h, TestEvents.synthetic(3, 4, 1L));
            h.setProcessingTime(2_000);
            snap = h.snapshot(1, 2_000);
        }
        try (var h = Harnesses.openCached(CFG, TTL, 1 << 20, snap, heap)) {
            assertEquals(3, h.numProcessingTimeTimers(), "the keys' timers were restored");
            h.setProcessingTime(6_000);
            assertEquals(5, one(h, event("k1", 99, 4)).steps, "k1 continues its restored model");
            h.setProcessingTime(11_250);
            ForecastFunction f = Harnesses.function(h);
            assertEquals(2, f.metricsForTest().keysExpired.getCount(), "k0 and k2 expired by their restored timers");
            assertNull(Harnesses.learner(h, "k0"));
            assertNull(Harnesses.learner(h, "k2"));
            assertNotNull(Harnesses.learner(h, "k1"), "k1 had an event at 6 000: re-armed");
            assertEquals(16_250, lifecycle(h, "k1").expiryTimer(), "due(6 000)");
            h.setProcessingTime(16_250);
            assertNull(Harnesses.learner(h, "k1"));
            assertEquals(3, f.metricsForTest().keysExpired.getCount());
        }
    }

    private static OperatorSubtaskState mainState(String name) throws Exception {
        try {
            Path p = Path.of(IdleExpiryHarnessTest.class.getResource("/ttl-state/" + name).toURI());
            return OperatorSnapshotUtil.readStateHandle(p.toString());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * State of the build that kept the models with Flink's state TTL (src/test/resources/ttl-state/README.md): 60
     * events of {@code synthetic(3, 40, 5)} learned, then snapshotted. It restores on both backends, every model
     * continues bit for bit, and the operator arms an expiry timer for every restored key (the snapshot has no
     * timers), so a restored key that never gets another event is cleared a TTL after the restore.
     */
    @ParameterizedTest(name = "heap = {0}")
    @ValueSource(booleans = {true, false})
    void stateWrittenWithFlinkTtlRestoresAndExpiresFromItsNextEvent(boolean heap) throws Exception {
        List<Event> events = TestEvents.synthetic(3, 40, 5L);
        List<Prediction> want = Harnesses.reference(events, CFG);
        try (var h = Harnesses.openCached(CFG, TTL, heap ? 0 : 1 << 20,
            mainState(heap ? "heap.snapshot" : "rocksdb.snapshot"), heap)) {
            assertEquals(3, h.numProcessingTimeTimers(), "one timer per restored key, due(0) = 11 250");
            for (String k : new String[] {"k0", "k1", "k2"}) {
                assertEquals(20, Harnesses.learner(h, k).steps(), k);
                KeyLifecycle life = lifecycle(h, k);
                assertEquals(KeyLifecycle.NONE, life.lastSeen(), "format 1 lifecycle: no last-event time");
                assertTrue(!Double.isNaN(life.rollingError()), k + ": the restored monitor has scored events");
            }
            h.setProcessingTime(1_000);
            List<Event> rest = new ArrayList<>();
            List<Prediction> restWant = new ArrayList<>();
            for (int i = 60; i < events.size(); i++) {
                if (!events.get(i).key.equals("k2")) { // k2 never comes back
                    rest.add(events.get(i));
                    restWant.add(want.get(i));
                }
            }
            List<Prediction> got = Harnesses.feed(h, rest);
            String kernels = new String(IdleExpiryHarnessTest.class.getResourceAsStream("/ttl-state/kernels.txt")
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (kernels.equals(org.flinkrtrl.core.math.Kernels.get().name())) {
                assertSameBits(restWant, got); // the state was learned with this JVM's kernels
            } else { // other kernels learned the first 20 steps: the same up to floating-point reassociation
                assertEquals(restWant.size(), got.size());
                for (int i = 0; i < got.size(); i++) {
                    assertEquals(restWant.get(i).steps, got.get(i).steps);
                    for (int c = 0; c < 2; c++) {
                        assertEquals(restWant.get(i).forecast[c], got.get(i).forecast[c],
                            1e-9 * (1 + Math.abs(restWant.get(i).forecast[c])), "prediction " + i);
                    }
                }
            }
            assertEquals(3, h.numProcessingTimeTimers(), "k0 and k1 re-armed at 11 250 = due(1 000) too");
            h.setProcessingTime(11_249);
            assertEquals(20, Harnesses.learner(h, "k2").steps(), "k2 stays until its timer");
            h.setProcessingTime(11_250);
            ForecastFunction f = Harnesses.function(h);
            assertEquals(3, f.metricsForTest().keysExpired.getCount());
            assertNull(Harnesses.learner(h, "k0"));
            assertNull(Harnesses.learner(h, "k1"));
            assertNull(Harnesses.learner(h, "k2"), "k2 never came back: cleared by the timer armed at the restore");
            assertNull(lifecycle(h, "k2"));
            assertEquals(0, h.numProcessingTimeTimers());
            h.setProcessingTime(1_000_000);
            assertEquals(1, one(h, event("k2", 1, 0)).steps, "k2 comes back fresh");
            OperatorSubtaskState again = h.snapshot(2, 1_000_000);
            try (var r = Harnesses.openCached(CFG, TTL, heap ? 0 : 1 << 20, again, heap)) {
                assertEquals(1, r.numProcessingTimeTimers(), "a snapshot of this build: its timers, none added");
            }
        }
    }

    /**
     * The canonical savepoint of an earlier release (TTL-wrapped learner state, {@code savepoint-format1}) restores
     * into the RocksDB backend too; its four keys get their timers at the restore and are cleared a TTL later.
     */
    @Test
    void aCanonicalSavepointWithFlinkTtlRestoresIntoRocksDbAndItsKeysExpire() throws Exception {
        ModelConfig cfg = ModelConfig.builder().set(org.flinkrtrl.core.learner.ModelSettings.INPUTS, 2)
            .set(org.flinkrtrl.core.learner.ModelSettings.OUTPUTS, 2).build();
        try (var h = Harnesses.openCached(cfg, TTL, 1 << 20, SavepointRestoreTest.forecasterState(), false)) {
            assertEquals(4, h.numProcessingTimeTimers());
            for (String k : new String[] {"1", "2", "3", "4"}) {
                assertTrue(Harnesses.learner(h, k).steps() > 100, k);
            }
            h.setProcessingTime(11_250);
            assertEquals(4, Harnesses.function(h).metricsForTest().keysExpired.getCount());
            for (String k : new String[] {"1", "2", "3", "4"}) {
                assertNull(Harnesses.learner(h, k), k);
            }
        }
    }

    /**
     * The log operator's state of the build that used Flink's state TTL ({@code ttl-state/log-heap.snapshot}: the
     * first 120 events of {@code LogFunctionHarnessTest.events()}) restores, continues as the bare models do, and its
     * keys are armed at the restore: web-2, which never comes back, is cleared a TTL later with the others.
     */
    @Test
    void logStateWrittenWithFlinkTtlRestoresAndExpires() throws Exception {
        List<Event> events = LogFunctionHarnessTest.events();
        List<LogPrediction> want = LogFunctionHarnessTest.reference(events);
        LogFunction f = new LogFunction(LogFunctionHarnessTest.CFG, LogFunctionHarnessTest.MINER, 3, 200, TTL);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, Event, LogPrediction>(
            new ModelCacheOperator<>(f, StateCacheSize.bytes(1 << 20)), new EventKeySelector(), Types.STRING, Harnesses.MAX_PARALLELISM, 1,
            0)) {
            h.setup();
            h.initializeState(mainState("log-heap.snapshot"));
            h.open();
            assertEquals(3, h.numProcessingTimeTimers(), "one per restored source");
            h.setProcessingTime(1_000);
            List<Event> rest = new ArrayList<>();
            List<LogPrediction> restWant = new ArrayList<>();
            for (int i = 120; i < events.size(); i++) {
                if (!events.get(i).key.equals("web-2")) {
                    rest.add(events.get(i));
                    restWant.add(want.get(i));
                }
            }
            List<LogPrediction> got = LogFunctionHarnessTest.feed(h, rest);
            assertEquals(restWant.size(), got.size());
            for (int i = 0; i < got.size(); i++) { // 1e-9: the pinned state may come from other kernels than this JVM's
                assertEquals(restWant.get(i).surprise, got.get(i).surprise, 1e-9, "output " + i);
                assertEquals(restWant.get(i).rollingLogLoss, got.get(i).rollingLogLoss, 1e-9, "output " + i);
            }
            h.setProcessingTime(11_249);
            assertEquals(0, f.keysExpiredForTest());
            h.setProcessingTime(11_250);
            assertEquals(3, f.keysExpiredForTest(), "web-1 and db-1 idle since 1 000, web-2 since the restore");
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numProcessingTimeTimers());
        }
    }

    @Test
    void logModelsExpireByTheirTimer() throws Exception {
        List<Event> events = LogFunctionHarnessTest.events().subList(0, 30);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, Event, LogPrediction>(
            new ModelCacheOperator<>(new LogFunction(LogFunctionHarnessTest.CFG, LogFunctionHarnessTest.MINER, 3, 200,
                TTL), StateCacheSize.bytes(1 << 20)), new EventKeySelector(), Types.STRING, Harnesses.MAX_PARALLELISM, 1, 0)) {
            h.open();
            h.setProcessingTime(0);
            List<LogPrediction> first = LogFunctionHarnessTest.feed(h, events);
            assertEquals(3, h.numProcessingTimeTimers());
            h.setProcessingTime(TTL.toMillis() - 1);
            LogFunction f = (LogFunction) ((KeyedProcessOperator<?, ?, ?>) h.getOperator()).getUserFunction();
            LogPrediction kept = LogFunctionHarnessTest.feed(h, List.of(events.get(0))).get(0);
            assertTrue(!Double.isNaN(kept.rollingLogLoss), "web-1 idle TTL - 1 ms keeps its model and monitor");
            h.setProcessingTime(11_250);
            assertEquals(2, f.keysExpiredForTest(), "db-1 and web-2 cleared by their timers");
            assertEquals(1, f.cacheForTest().size());
            LogPrediction back = LogFunctionHarnessTest.feed(h, List.of(events.get(1))).get(0);
            assertTrue(Double.isNaN(back.rollingLogLoss), "db-1 comes back fresh");
            assertEquals(first.get(1).surprise, back.surprise, "as on its first event");
        }
    }

    /**
     * With a control stream: a key idle for the TTL expires before the commands due at its next event apply, so they
     * act on its fresh lifecycle; the expiry timer comes through the keyed broadcast operator's processing time.
     */
    @Test
    void withAControlStreamCommandsApplyToTheFreshLifecycleOfAnExpiredKey() throws Exception {
        ControlledForecastFunction fn = new ControlledForecastFunction(new ForecastFunction(CFG, TTL,
            LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, org.flinkrtrl.core.learner.MonitorSettings.DEFAULTS));
        var op = new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(fn,
            List.of(ControlledForecastFunction.COMMANDS));
        try (var h = new org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness<String, Event,
            org.flinkrtrl.record.ControlCommand, Prediction>(op, new EventKeySelector(), Types.STRING,
            Harnesses.MAX_PARALLELISM, 1, 0)) {
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            h.setProcessingTime(0);
            for (int i = 0; i < 5; i++) {
                h.processElement(event("k0", 1_000L * i, i), 1_000L * i);
                h.processWatermark(1_000L * i);
                h.processElement(event("k1", 1_000L * i, i), 1_000L * i);
                h.processWatermark(1_000L * i);
            }
            h.processBroadcastElement(new org.flinkrtrl.record.ControlCommand("freeze-k0", 50_000L, "k0",
                org.flinkrtrl.record.ControlCommand.Op.FREEZE, Double.NaN, null), 50_000L);
            h.setProcessingTime(TTL.toMillis()); // both keys idle for the TTL; timers (11 250) not yet due
            int before = h.extractOutputValues().size();
            h.processElement(event("k0", 60_000L, 5), 60_000L);
            h.processWatermark(60_000L);
            Prediction p = h.extractOutputValues().get(before);
            assertEquals(1, p.steps, "k0 expired and starts fresh");
            op.setCurrentKey("k0");
            KeyLifecycle life = fn.forecaster().monitor().stored();
            assertTrue(life.frozen(), "the freeze applied to the fresh lifecycle");
            assertEquals(1, life.commandsApplied());
            assertEquals(TTL.toMillis(), life.lastSeen());
            ForecastFunction f = fn.forecaster();
            assertEquals(1, f.metricsForTest().keysExpired.getCount());
            h.setProcessingTime(11_250); // k1's timer through the broadcast operator; k0's first timer is stale
            assertEquals(2, f.metricsForTest().keysExpired.getCount());
            op.setCurrentKey("k1");
            assertNull(fn.forecaster().monitor().stored());
            assertNull(fn.forecaster().models().load());
            op.setCurrentKey("k0");
            assertNotNull(fn.forecaster().models().load(), "k0 had an event at 10 000");
            assertEquals(1, h.numProcessingTimeTimers());
        }
    }
}
