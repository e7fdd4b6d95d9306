package org.flinkrtrl.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSettings;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;

/**
 * A savepoint written by the previous release's job (learner state format 1, see
 * src/test/resources/savepoint-format1/README.md) restores into today's operator: every key's model is migrated
 * (counted in modelsMigrated, not reset, not failed), keeps its event count and network, and continues with finite
 * forecasts and interval bounds.
 */
class SavepointRestoreTest {
    static final String SAVEPOINT = "/savepoint-format1/_metadata";

    /** The keyed state of the forecaster's operator in the savepoint, repacked for one subtask. */
    static OperatorSubtaskState forecasterState() throws Exception {
        CheckpointMetadata md;
        try (InputStream in = SavepointRestoreTest.class.getResourceAsStream(SAVEPOINT)) {
            md = Checkpoints.loadCheckpointMetadata(new DataInputStream(in),
                SavepointRestoreTest.class.getClassLoader(), "classpath:" + SAVEPOINT);
        }
        List<OperatorSubtaskState> keyed = new ArrayList<>();
        for (OperatorState op : md.getOperatorStates()) {
            for (OperatorSubtaskState s : op.getSubtaskStates().values()) {
                if (s.getManagedKeyedState().hasState()) {
                    keyed.add(OperatorSubtaskState.builder().setManagedKeyedState(s.getManagedKeyedState()).build());
                }
            }
        }
        assertEquals(2, keyed.size(), "the old job ran the forecaster at parallelism 2; no other operator is keyed");
        return AbstractStreamOperatorTestHarness.repackageState(keyed.toArray(new OperatorSubtaskState[0]));
    }

    @Test
    void previousReleaseSavepointRestoresAndEveryModelIsMigrated() throws Exception {
        ModelConfig cfg = ModelConfig.builder().set(ModelSettings.INPUTS, 2).set(ModelSettings.OUTPUTS, 2).build(); // the old job's defaults
        try (var h = Harnesses.open(cfg, Duration.ofDays(7), 1, 0, forecasterState())) { // the old job's default TTL
            List<Event> next = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                for (String key : new String[] {"1", "2", "3", "4"}) {
                    next.add(new Event(key, (300 + i) * 5000L, new double[] {45 + 0.1 * Math.sin(i), 27 + 0.01 * i},
                        null, null));
                }
            }
            List<Long> stepsBefore = new ArrayList<>();
            for (String key : new String[] {"1", "2", "3", "4"}) {
                ForecastingLearner l = Harnesses.learner(h, key);
                assertNotNull(l, "key " + key + " restored");
                assertTrue(l.migration().startsWith("state format 1: network kept"), l.migration());
                assertTrue(l.steps() > 100, "key " + key + " keeps its event count: " + l.steps());
                assertEquals(cfg, l.config(), "key " + key);
                assertEquals(org.flinkrtrl.core.learner.ForecasterOptions.DEFAULTS, l.options(), "key " + key);
                stepsBefore.add(l.steps());
            }
            List<Prediction> out = Harnesses.feed(h, next);
            assertEquals(120, out.size());
            ForecastFunction f = Harnesses.function(h);
            assertEquals(4, f.metricsForTest().modelsMigrated.getCount());
            assertEquals(0, f.metricsForTest().modelResets.getCount());
            assertEquals(0, f.metricsForTest().learnerFailures.getCount());
            assertEquals(0, f.metricsForTest().learnersCreated.getCount(), "no model was replaced by a fresh one");
            for (int k = 0; k < 4; k++) {
                Prediction first = out.get(k);
                assertEquals(stepsBefore.get(k) + 1, first.steps, "continues the stored model");
                assertTrue(first.anomalyScore >= 0 && Double.isFinite(first.loss));
            }
            for (Prediction p : out) {
                for (int c = 0; c < 2; c++) {
                    assertTrue(Double.isFinite(p.forecast[c]) && p.lower[c] < p.forecast[c] && p.forecast[c] < p.upper[c],
                        p.toString());
                }
            }
            for (String key : new String[] {"1", "2", "3", "4"}) {
                assertNull(Harnesses.learner(h, key).migration(), "stored back in the current format");
            }
        }
    }
}
