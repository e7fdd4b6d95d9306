package org.flinkrtrl.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.flinkrtrl.core.logs.LogSourceModel;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.LogPrediction;
import org.junit.jupiter.api.Test;

/**
 * The log models in the decoded-model cache, on both backends (the log state holds bytes, so the heap backend uses
 * the cache too): the bare core's outputs with the cache on and off, and a restore after a crash between two
 * checkpoints that continues exactly as an uninterrupted run.
 */
class LogModelCacheTest {
    /** Room for two of the three hosts' models: every event of the round robin evicts one. */
    private static final long TWO_MODELS = 5 * LogFunction.newModel(LogFunctionHarnessTest.CFG,
        LogFunctionHarnessTest.MINER, 3, "web-1").toBytes().length / 2;

    static KeyedOneInputStreamOperatorTestHarness<String, Event, LogPrediction> open(
        boolean rocksDb, StateCacheSize cacheSize, OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
            new ModelCacheOperator<>(new LogFunction(LogFunctionHarnessTest.CFG, LogFunctionHarnessTest.MINER, 3, 200,
                Duration.ZERO), cacheSize),
            new EventKeySelector(), Types.STRING, Harnesses.MAX_PARALLELISM, 1, 0);
        h.setStateBackend(rocksDb ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend());
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static LogFunction function(KeyedOneInputStreamOperatorTestHarness<String, Event, LogPrediction> h) {
        return (LogFunction) ((ModelCacheOperator<?, ?, ?>) h.getOperator()).getUserFunction();
    }

    @Test
    void crashBetweenCheckpointsRestoresLikeAnUninterruptedRunOnBothBackendsWithTheCacheOnAndOff() throws Exception {
        List<Event> events = LogFunctionHarnessTest.events();
        List<LogPrediction> want = LogFunctionHarnessTest.reference(events);
        for (boolean rocksDb : new boolean[] {false, true}) {
            for (StateCacheSize size : new StateCacheSize[] {StateCacheSize.NONE, StateCacheSize.bytes(TWO_MODELS),
            LearnerOperator.DEFAULT_STATE_CACHE}) {
                String run = (rocksDb ? "rocksdb" : "heap") + ", cache " + size;
                List<LogPrediction> got = new ArrayList<>();
                OperatorSubtaskState chk1;
                try (var h = open(rocksDb, size, null)) {
                    got.addAll(LogFunctionHarnessTest.feed(h, events.subList(0, 100)));
                    ModelCache<LogSourceModel> cache = function(h).cacheForTest();
                    assertEquals(!size.equals(StateCacheSize.NONE), cache != null, run);
                    if (cache != null) {
                        assertEquals(size.bytes() == TWO_MODELS ? 2 : 3, cache.size(), run);
                        assertTrue(cache.dirty() > 0, run);
                    }
                    chk1 = h.snapshot(1L, 1L);
                    if (cache != null) {
                        assertEquals(0, cache.dirty(), run + ": the snapshot wrote the cached models back first");
                        assertEquals(size.bytes() == TWO_MODELS ? 98 : 0, cache.evictions(), run); // every insert after the second
                    }
                    LogFunctionHarnessTest.feed(h, events.subList(100, 150)); // then the crash
                }
                try (var h = open(rocksDb, size, chk1)) {
                    got.addAll(LogFunctionHarnessTest.feed(h, events.subList(100, events.size())));
                }
                assertEquals(want, got, run);
            }
        }
    }
}
