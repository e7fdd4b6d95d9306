package org.flinkrtrl.flink;

import org.flinkrtrl.record.DeadLetter;

import org.flinkrtrl.record.Prediction;

import org.flinkrtrl.record.Event;

import static org.flinkrtrl.flink.PredictionAssert.assertSameBits;
import static org.flinkrtrl.flink.PredictionAssert.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole operator in a local cluster, on real sensor data: both state backends, two parallelisms, RocksDB with
 * and without the decoded-model cache (the default cache, and one of a single model that evicts on every key
 * change), one answer.
 */
class MiniClusterBackendsTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ModelConfig CFG = TestEvents.config(2);

    record Run(List<Prediction> predictions, List<DeadLetter> deadLetters) {}

    @Test
    void hashmapAndRocksDbGiveIdenticalOutputsAtAnyParallelism() throws Exception {
        List<Event> events = new ArrayList<>(TestEvents.sensors());
        events.add(100, new Event("mote-1", 1, new double[] {1}, null, null));
        events.add(200, new Event("mote-4", 2, new double[] {Double.NaN, 1}, null, null));
        events.add(300, new Event(null, 3, new double[] {1, 2}, null, null));

        Run heap = run(events, "hashmap", 1, LearnerOperator.DEFAULT_STATE_CACHE);
        Run rocks = run(events, "rocksdb", 2, LearnerOperator.DEFAULT_STATE_CACHE);
        Run rocksNoCache = run(events, "rocksdb", 2, StateCacheSize.NONE);
        Run rocksOneModel = run(events, "rocksdb", 1, StateCacheSize.bytes(1));

        List<Prediction> expected = sorted(Harnesses.reference(events, CFG));
        assertEquals(600, expected.size());
        assertSameBits(expected, sorted(heap.predictions()));
        assertSameBits(expected, sorted(rocks.predictions()));
        assertSameBits(expected, sorted(rocksNoCache.predictions()));
        assertSameBits(expected, sorted(rocksOneModel.predictions()));
        for (Run r : List.of(heap, rocks, rocksNoCache, rocksOneModel)) {
            List<String> reasons = r.deadLetters().stream().map(d -> d.reason).sorted().toList();
            assertEquals(List.of("key is missing", "values has dimension 1, expected 2", "values[0] is NaN (not finite)"),
                reasons);
            assertTrue(r.deadLetters().stream().allMatch(d -> d.stage.equals("validate")));
        }
        // the anomaly score reacts to the labelled heating events of the real data
        double meanNormal = meanScore(heap.predictions(), "0");
        double meanHeated = meanScore(heap.predictions(), "1");
        assertTrue(meanHeated > meanNormal, "heated " + meanHeated + " vs normal " + meanNormal);
    }

    private static double meanScore(List<Prediction> ps, String label) {
        return ps.stream().filter(p -> label.equals(p.label) && p.steps > 20).mapToDouble(p -> p.anomalyScore)
            .average().orElseThrow();
    }

    private static Run run(List<Event> events, String backend, int parallelism, StateCacheSize cacheSize) throws Exception {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(PipelineOptions.GENERIC_TYPES, false); // fails the job if anything falls back to Kryo
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        LearnerOperator.Streams s = LearnerOperator.apply(env.fromData(events, TypeInformation.of(Event.class)), CFG,
            Duration.ofHours(1), LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, EventOrder.ARRIVAL, MonitorSettings.DEFAULTS, null, null,
            cacheSize);
        CloseableIterator<Prediction> predictions = s.predictions().collectAsync();
        CloseableIterator<DeadLetter> dead = s.deadLetters().collectAsync();
        JobClient job = env.executeAsync("rtrl-" + backend);
        List<Prediction> ps = new ArrayList<>();
        List<DeadLetter> ds = new ArrayList<>();
        try (predictions; dead) {
            predictions.forEachRemaining(ps::add);
            dead.forEachRemaining(ds::add);
        }
        job.getJobExecutionResult().get();
        return new Run(ps, ds);
    }
}
