package org.flinkrtrl.flink;

import static org.flinkrtrl.flink.PredictionAssert.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;

/**
 * The decoded-model cache on RocksDB in Flink's operator harness: the same outputs bit for bit with the cache on
 * and off, checkpoints that hold every cached change (restore after a crash between two checkpoints continues
 * exactly as an uninterrupted run), eviction under the evicted key, and the idle TTL.
 */
class ModelCacheHarnessTest {
    private static final ModelConfig CFG = TestEvents.config(2);
    /** Encoded size of one model of {@link #CFG}. */
    private static final long MODEL_BYTES = LearnerCodec.toBytes(new ForecastingLearner(CFG, 1)).length;
    /** Room for three models: the seven synthetic keys thrash it, the two sensor keys hit. */
    private static final long THREE_MODELS = 3 * MODEL_BYTES + MODEL_BYTES / 2;

    /** Seven keys round robin (every load a miss, every insert evicts), then two keys interleaved (hits). */
    private static List<Event> mixed() {
        List<Event> events = new ArrayList<>(TestEvents.synthetic(7, 30, 5L));
        events.addAll(TestEvents.sensors());
        events.addAll(TestEvents.synthetic(7, 10, 6L)); // the same seven keys again, now with history
        return events;
    }

    @Test
    void cacheOnAndOffGiveTheBareCoreOutputsBitForBit() throws Exception {
        List<Event> events = mixed();
        List<Prediction> expected = Harnesses.reference(events, CFG);
        for (StateCacheSize size : new StateCacheSize[] {StateCacheSize.NONE, StateCacheSize.bytes(THREE_MODELS),
            LearnerOperator.DEFAULT_STATE_CACHE}) {
            try (var h = Harnesses.openCached(CFG, Duration.ZERO, size, null, false)) {
                assertEquals(!size.equals(StateCacheSize.NONE), ((ModelCacheOperator<?, ?, ?>) h.getOperator()).cacheAttached());
                // resolved when the operator opened: the harness's TaskManager has one slot
                assertEquals(size.followsHeap() ? Runtime.getRuntime().maxMemory() / 4 : size.bytes(),
                    ((ModelCacheOperator<?, ?, ?>) h.getOperator()).cacheBytes());
                assertSameBits(expected, Harnesses.feed(h, events));
                ModelCache<ForecastingLearner> cache = Harnesses.function(h).cacheForTest();
                if (size.bytes() == THREE_MODELS) {
                    assertEquals(3, cache.capacity());
                    assertEquals(3, cache.size());
                    assertTrue(cache.evictions() > 200, "evictions " + cache.evictions());
                    assertTrue(cache.hits() > 590, "hits " + cache.hits()); // the sensor part, two keys
                    assertEquals(events.size(), cache.hits() + cache.misses());
                } else if (size.followsHeap()) {
                    assertEquals(9, cache.size());
                    assertEquals(9, cache.misses(), "one miss per key, all later loads hit");
                    assertEquals(0, cache.writeBacks(), "nothing written before a checkpoint or eviction");
                }
            }
        }
    }

    @Test
    void restoreAfterACrashBetweenTwoCheckpointsContinuesLikeAnUninterruptedRun() throws Exception {
        List<Event> events = mixed();
        List<Prediction> expected = Harnesses.reference(events, CFG);
        int checkpointAt = 400; // in the sensor part: two models cached and dirty, the seven others evicted or cached
        int crashAt = 700;
        for (StateCacheSize size : new StateCacheSize[] {StateCacheSize.bytes(THREE_MODELS), LearnerOperator.DEFAULT_STATE_CACHE}) {
            OperatorSubtaskState chk1;
            try (var h = Harnesses.openCached(CFG, Duration.ZERO, size, null, false)) {
                assertSameBits(expected.subList(0, checkpointAt), Harnesses.feed(h, events.subList(0, checkpointAt)));
                ModelCache<ForecastingLearner> cache = Harnesses.function(h).cacheForTest();
                assertTrue(cache.dirty() > 0, "the checkpoint finds changed models only the cache holds");
                chk1 = h.snapshot(1, 1);
                assertEquals(0, cache.dirty(), "the snapshot wrote every cached change to the state first");
                // events after the checkpoint, then a crash: their effect on the models is lost with the cache
                Harnesses.feed(h, events.subList(checkpointAt, crashAt));
            }
            try (var h = Harnesses.openCached(CFG, Duration.ZERO, size, chk1, false)) {
                assertSameBits(expected.subList(checkpointAt, events.size()),
                    Harnesses.feed(h, events.subList(checkpointAt, events.size())));
                assertEquals(0, Harnesses.function(h).metricsForTest().learnersCreated.getCount(),
                    "every key's model came back from the checkpoint");
            }
        }
    }

    @Test
    void aCheckpointWithoutTheCacheRestoresWithItAndBack() throws Exception {
        List<Event> events = mixed();
        List<Prediction> expected = Harnesses.reference(events, CFG);
        OperatorSubtaskState off;
        try (var h = Harnesses.openCached(CFG, Duration.ZERO, StateCacheSize.NONE, null, false)) {
            Harnesses.feed(h, events.subList(0, 300));
            off = h.snapshot(1, 1);
        }
        OperatorSubtaskState on;
        try (var h = Harnesses.openCached(CFG, Duration.ZERO, StateCacheSize.bytes(THREE_MODELS), off, false)) {
            assertSameBits(expected.subList(300, 600), Harnesses.feed(h, events.subList(300, 600)));
            on = h.snapshot(2, 2);
        }
        try (var h = Harnesses.openCached(CFG, Duration.ZERO, StateCacheSize.NONE, on, false)) {
            assertSameBits(expected.subList(600, events.size()), Harnesses.feed(h, events.subList(600, events.size())));
        }
    }

    @Test
    void theCacheOptionReachesTheForecastersOperator() {
        for (String value : new String[] {"0", "1mb", "0.5heap", null}) {
            Map<String, String> conf = value == null ? Map.of() : Map.of("rtrl.state.cache", value);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            LearnerOperator.Streams s = LearnerOperator.apply(env.fromData(
                List.of(new Event("a", 1, new double[] {1, 2}, null, null)), TypeInformation.of(Event.class)),
                ModelOptions.fromMap(conf), 2);
            var t = (OneInputTransformation<?, ?>) s.predictions().getTransformation();
            var op = (ModelCacheOperator<?, ?, ?>) ((SimpleOperatorFactory<?>) t.getOperatorFactory()).getOperator();
            assertEquals(value == null ? StateCacheSize.DEFAULT : "0".equals(value) ? StateCacheSize.NONE
                : "1mb".equals(value) ? StateCacheSize.bytes(1L << 20) : StateCacheSize.heapShare(0.5), op.cacheSize(),
                "" + value);
            assertEquals(LearnerOperator.UID, t.getUid());
        }
    }

    @Test
    void theHeapBackendDeclinesTheCache() throws Exception {
        List<Event> events = TestEvents.sensors();
        try (var h = Harnesses.openCached(CFG, Duration.ZERO, THREE_MODELS, null, true)) {
            assertFalse(((ModelCacheOperator<?, ?, ?>) h.getOperator()).cacheAttached());
            assertNull(Harnesses.function(h).cacheForTest());
            assertSameBits(Harnesses.reference(events, CFG), Harnesses.feed(h, events));
        }
    }

    @Test
    void idleCachedKeysExpireAndComeBackFresh() throws Exception {
        Duration ttl = Duration.ofSeconds(10);
        List<Event> events = TestEvents.synthetic(6, 5, 11L);
        try (var h = Harnesses.openCached(CFG, ttl, THREE_MODELS, null, false)) {
            clock(h, 0);
            Harnesses.feed(h, events); // k3, k4, k5 cached and dirty; k0, k1, k2 evicted into the state
            clock(h, ttl.toMillis() - 1);
            assertEquals(6, Harnesses.feed(h, List.of(new Event("k5", 9_000L, new double[] {0.1, 10}, null, null)))
                .get(0).steps, "k5, cached, is not idle for the TTL yet");
            clock(h, 2 * ttl.toMillis());
            for (String key : new String[] {"k0", "k3", "k5"}) { // from the state, from the cache, from the cache
                Prediction p = Harnesses.feed(h, List.of(new Event(key, 20_000L, new double[] {0.5, 10.5}, null, null)))
                    .get(0);
                assertEquals(1, p.steps, key + " came back after its TTL and starts fresh");
            }
            h.snapshot(1, 1); // k4, dirty in the cache and idle past its TTL, was cleared by its timer, not written back
            assertNull(Harnesses.learner(h, "k4"));
            assertNull(Harnesses.learner(h, "k1"));
        }
    }

    @Test
    void activeCachedKeysDoNotExpire() throws Exception {
        Duration ttl = Duration.ofSeconds(10);
        try (var h = Harnesses.openCached(CFG, ttl, THREE_MODELS, null, false)) {
            for (int i = 0; i < 20; i++) {
                clock(h, i * 5_000L); // 5 s between events, TTL 10 s, refreshed on each
                Prediction p = Harnesses.feed(h, List.of(new Event("a", i, new double[] {i % 3, 1}, null, null))).get(0);
                assertEquals(i + 1, p.steps);
                if (i % 4 == 3) {
                    h.snapshot(i, i);
                }
            }
        }
    }

    /** The operator's processing time: the clock of the idle expiry and of the cache (and fires expiry timers). */
    private static void clock(KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction> h, long ms)
        throws Exception {
        h.setProcessingTime(ms);
    }
}
