package org.flinkrtrl.flink;

import static org.flinkrtrl.flink.PredictionAssert.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.transformations.TwoInputTransformation;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.record.ControlCommand;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;

/**
 * The decoded-model cache on the control-stream path ({@link ControlledForecastOperator}) on RocksDB: commands
 * (learning rate, threshold, freeze, reset, replace by an imported model, ...) and events give the sequential
 * reference's outputs bit for bit with the cache off, thrashing (three models for six keys) and large; a crash
 * between two checkpoints, restored from the first with the control stream replayed, continues exactly as the
 * uninterrupted run.
 */
class ControlModelCacheTest {
    private static final ModelConfig CFG = TestEvents.config(2);
    private static final long MODEL_BYTES = LearnerCodec.toBytes(new ForecastingLearner(CFG, 1)).length;
    private static final long THREE_MODELS = 3 * MODEL_BYTES + MODEL_BYTES / 2;

    static KeyedBroadcastOperatorTestHarness<String, Event, ControlCommand, Prediction> open(
        StateCacheSize cacheSize, OperatorSubtaskState restore) throws Exception {
        ControlledForecastOperator op = new ControlledForecastOperator(new ControlledForecastFunction(
            new ForecastFunction(CFG, Duration.ZERO, LearnerOperator.DEFAULT_ANOMALY_THRESHOLD,
                MonitorSettings.DEFAULTS)), cacheSize);
        KeyedBroadcastOperatorTestHarness<String, Event, ControlCommand, Prediction> h =
            new KeyedBroadcastOperatorTestHarness<>(op, new EventKeySelector(), Types.STRING, 128, 1, 0);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    private static void send(KeyedBroadcastOperatorTestHarness<String, Event, ControlCommand, Prediction> h,
                             List<ControlCommand> commands) throws Exception {
        for (ControlCommand c : commands) {
            h.processBroadcastElement(c, c.time);
        }
    }

    private static ModelCache<ForecastingLearner> cache(
        KeyedBroadcastOperatorTestHarness<String, Event, ControlCommand, Prediction> h) {
        return ((ControlledForecastFunction) ((ControlledForecastOperator) h.getOperator()).getUserFunction())
            .forecaster().cacheForTest();
    }

    @Test
    void commandsAndEventsGiveTheReferenceOutputsWithTheCacheOnAndOff() throws Exception {
        List<Event> events = TestEvents.synthetic(6, 100, 5L);
        List<ControlCommand> commands = ControlMiniClusterTest.valid();
        List<Prediction> expected = new ControlReference(events, commands, CFG,
            LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, MonitorSettings.DEFAULTS).predictions;
        for (StateCacheSize size : new StateCacheSize[] {StateCacheSize.NONE, StateCacheSize.bytes(THREE_MODELS),
            LearnerOperator.DEFAULT_STATE_CACHE}) {
            try (var h = open(size, null)) {
                assertEquals(!size.equals(StateCacheSize.NONE), ((ControlledForecastOperator) h.getOperator()).cacheAttached());
                send(h, commands);
                assertSameBits(expected, ControlRestoreTest.feed(h, events));
                ModelCache<ForecastingLearner> cache = cache(h);
                if (size.bytes() == THREE_MODELS) {
                    assertEquals(3, cache.capacity());
                    assertTrue(cache.evictions() > 500, "evictions " + cache.evictions());
                } else if (size.followsHeap()) {
                    assertEquals(6, cache.size());
                    assertEquals(0, cache.writeBacks(), "nothing written before a checkpoint or eviction");
                }
            }
        }
    }

    @Test
    void restoreAfterACrashBetweenTwoCheckpointsContinuesLikeAnUninterruptedRun() throws Exception {
        List<Event> events = TestEvents.synthetic(6, 100, 5L);
        List<ControlCommand> commands = ControlMiniClusterTest.valid();
        List<Prediction> expected = new ControlReference(events, commands, CFG,
            LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, MonitorSettings.DEFAULTS).predictions;
        int checkpointAt = 6 * 55; // after the reset of k2 (step 50), before the replace of k3 (step 70)
        int crashAt = 6 * 80;
        for (StateCacheSize size : new StateCacheSize[] {StateCacheSize.bytes(THREE_MODELS), LearnerOperator.DEFAULT_STATE_CACHE}) {
            OperatorSubtaskState chk1;
            try (var h = open(size, null)) {
                send(h, commands);
                assertSameBits(expected.subList(0, checkpointAt), ControlRestoreTest.feed(h,
                    events.subList(0, checkpointAt)));
                ModelCache<ForecastingLearner> cache = cache(h);
                assertTrue(cache.dirty() > 0, "the checkpoint finds changed models only the cache holds");
                chk1 = h.snapshot(1, 1);
                assertEquals(0, cache.dirty(), "the snapshot wrote every cached change to the state first");
                ControlRestoreTest.feed(h, events.subList(checkpointAt, crashAt)); // lost with the crash
            }
            try (var h = open(size, chk1)) {
                send(h, commands); // the control source replays from before the checkpoint
                assertSameBits(expected.subList(checkpointAt, events.size()),
                    ControlRestoreTest.feed(h, events.subList(checkpointAt, events.size())));
            }
        }
    }

    @Test
    void theCacheOptionReachesTheControlledOperator() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        var events = env.fromData(List.of(new Event("a", 1, new double[] {1, 2}, null, null)),
            TypeInformation.of(Event.class));
        var commands = env.fromData(List.of(new ControlCommand("c", 1, null, ControlCommand.Op.FREEZE, Double.NaN,
            null)), TypeInformation.of(ControlCommand.class));
        LearnerOperator.Streams s = LearnerOperator.apply(events, CFG, Duration.ZERO,
            LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, EventOrder.ARRIVAL, MonitorSettings.DEFAULTS, commands, null,
            StateCacheSize.bytes(1L << 20));
        var t = (TwoInputTransformation<?, ?, ?>) s.predictions().getTransformation();
        var op = (ControlledForecastOperator) ((SimpleOperatorFactory<?>) t.getOperatorFactory()).getOperator();
        assertEquals(StateCacheSize.bytes(1L << 20), op.cacheSize());
        assertEquals(LearnerOperator.UID, t.getUid());
    }
}
