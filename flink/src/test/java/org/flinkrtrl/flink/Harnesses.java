package org.flinkrtrl.flink;

import org.flinkrtrl.record.Prediction;

import org.flinkrtrl.record.Event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.core.lifecycle.MonitorConfig;

/** Builds operator test harnesses around {@link ForecastFunction}, and the bare-core reference outputs. */
final class Harnesses {
    static final int MAX_PARALLELISM = 128;

    private Harnesses() {}

    static KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction> open(
        ModelConfig cfg, Duration ttl, int parallelism, int subtask, OperatorSubtaskState restore) throws Exception {
        return open(cfg, ttl, parallelism, subtask, restore, new KeyedProcessOperator<>(
            new ForecastFunction(cfg, ttl, LearnerOperator.DEFAULT_ANOMALY_THRESHOLD)), null);
    }

    /** As below, with a fixed bound of {@code cacheBytes} (0 = no cache). */
    static KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction> openCached(
        ModelConfig cfg, Duration ttl, long cacheBytes, OperatorSubtaskState restore, boolean heap) throws Exception {
        return openCached(cfg, ttl, StateCacheSize.bytes(cacheBytes), restore, heap);
    }

    /**
     * Run by {@link ModelCacheOperator} with a cache of {@code cacheSize} as the job runs it, on RocksDB or
     * (heap = true) on the heap backend.
     */
    static KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction> openCached(
        ModelConfig cfg, Duration ttl, StateCacheSize cacheSize, OperatorSubtaskState restore, boolean heap) throws Exception {
        return open(cfg, ttl, 1, 0, restore, new ModelCacheOperator<>(
            new ForecastFunction(cfg, ttl, LearnerOperator.DEFAULT_ANOMALY_THRESHOLD), cacheSize),
            heap ? new HashMapStateBackend() : new EmbeddedRocksDBStateBackend());
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction> open(
        ModelConfig cfg, Duration ttl, int parallelism, int subtask, OperatorSubtaskState restore,
        KeyedProcessOperator<String, Event, Prediction> op, StateBackend backend) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction> h = new KeyedOneInputStreamOperatorTestHarness<>(
            op, new EventKeySelector(), Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        if (backend != null) {
            h.setStateBackend(backend);
        }
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static ForecastFunction function(KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction> h) {
        return (ForecastFunction) ((KeyedProcessOperator<?, ?, ?>) h.getOperator()).getUserFunction();
    }

    static ForecastingLearner learner(KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction> h, String key)
        throws Exception {
        ((KeyedProcessOperator<?, ?, ?>) h.getOperator()).setCurrentKey(key);
        return function(h).currentLearner();
    }

    static List<Prediction> feed(KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction> h, List<Event> events)
        throws Exception {
        int before = h.extractOutputValues().size();
        for (Event e : events) {
            h.processElement(e, e.timestamp);
        }
        List<Prediction> all = h.extractOutputValues();
        return new ArrayList<>(all.subList(before, all.size()));
    }

    /**
     * What the operator must emit: one bare ForecastingLearner per key, seeded as the operator seeds it, with the
     * key's lifecycle (default monitor settings, no overrides) beside it.
     */
    static List<Prediction> reference(List<Event> events, ModelConfig cfg) {
        Map<String, ForecastingLearner> learners = new HashMap<>();
        Map<String, KeyLifecycle> lifecycles = new HashMap<>();
        MonitorConfig monitor = MonitorSettings.DEFAULTS;
        List<Prediction> out = new ArrayList<>();
        for (Event e : events) {
            if (EventValidation.reason(e, cfg.inputs()) != null) {
                continue;
            }
            ForecastingLearner l = learners.computeIfAbsent(e.key,
                k -> new ForecastingLearner(cfg, KeySeeds.seedFor(cfg.seed(), k)));
            KeyLifecycle life = lifecycles.computeIfAbsent(e.key, k -> new KeyLifecycle());
            ForecastingLearner.Result r = l.observe(e.timestamp, e.values);
            life.observe(r.error, monitor);
            Prediction p = ForecastFunction.toPrediction(e, r);
            p.rollingError = life.rollingError();
            p.drift = life.drift();
            p.anomalous = r.scored && r.anomalyScore > LearnerOperator.DEFAULT_ANOMALY_THRESHOLD;
            out.add(p);
        }
        return out;
    }
}
