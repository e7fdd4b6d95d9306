package org.flinkrtrl.experiments;

import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.OUTPUTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.flinkrtrl.core.learner.ModelConfig;
import org.junit.jupiter.api.Test;

/**
 * Warm start on held-out keys of the bundled sensor data (4 motes, leave one out, the job's default model): a new
 * key started from the parameter average of the other keys' trained forecasters errs less early on than one
 * started cold, and reaches the cold model's 1000-event error level sooner.
 */
class WarmStartEvalTest {

    @Test
    void warmStartShortensTheErrorsWarmUpOnEveryHeldOutMote() throws Exception {
        List<WarmStartEval.Series> keys = WarmStartEval.bundled();
        assertEquals(4, keys.size());
        ModelConfig cfg = ModelConfig.builder().set(INPUTS, 2).set(OUTPUTS, 2).build();
        double coldSum = 0;
        double warmSum = 0;
        int coldWarmUp = 0;
        int warmWarmUp = 0;
        for (WarmStartEval.Series held : keys) {
            List<WarmStartEval.Run> runs = WarmStartEval.evaluate(keys, held.key(), cfg);
            WarmStartEval.Run cold = runs.get(0);
            WarmStartEval.Run warm = runs.get(1);
            assertEquals(WarmStartEval.Variant.COLD, cold.variant());
            assertEquals(WarmStartEval.Variant.WARM, warm.variant());
            // error over the first 200 events (relative to persistence over the same events): lower on every mote
            assertTrue(warm.meanError()[1] < cold.meanError()[1] - 0.02,
                "mote " + held.key() + ": warm " + warm.meanError()[1] + " vs cold " + cold.meanError()[1]);
            coldSum += cold.meanError()[1];
            warmSum += warm.meanError()[1];
            coldWarmUp += cold.warmUp();
            warmWarmUp += warm.warmUp();
        }
        // on average at least 3 % less error over the first 200 events, and under half the cold warm-up
        assertTrue(warmSum < 0.97 * coldSum, "mean error warm " + warmSum / 4 + " vs cold " + coldSum / 4);
        assertTrue(warmWarmUp < coldWarmUp / 2, "warm-up warm " + warmWarmUp / 4 + " vs cold " + coldWarmUp / 4);
    }

    @Test
    void warmUpIsWhereTheRunningErrorLastExceedsTheGivenLevel() {
        double[] persistence = {1, 1, 1, 1, 1};
        // running ratios 3, 2, 1.67, 1.25, 1.0: at or below 1.25 from event 4 on
        assertEquals(4, WarmStartEval.warmUp(new double[] {3, 1, 1, 0, 0}, persistence, 1.25, 5));
        assertEquals(1, WarmStartEval.warmUp(new double[] {1, 1, 1, 1, 1}, persistence, 1.0, 5));
        assertEquals(6, WarmStartEval.warmUp(new double[] {1, 1, 1, 1, 2}, persistence, 1.0, 5));
    }
}
