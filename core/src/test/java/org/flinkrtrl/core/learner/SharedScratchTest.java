package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.CELL;
import static org.flinkrtrl.core.learner.ModelSettings.HIDDEN;
import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.METHOD;
import static org.flinkrtrl.core.learner.ModelSettings.RANK;
import static org.flinkrtrl.core.learner.ModelSettings.TRUNCATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.core.math.ThreadScratch;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * Learners share their per-step buffers per thread and shape: interleaving many learners (of more shapes than a
 * thread keeps) on one thread, or moving one between threads, gives the same bits as running each alone, and a
 * learner holds only its state.
 */
class SharedScratchTest {
    static {
        // JOL cannot read the field offsets of records (ModelConfig is one) through Unsafe on JDK 17 without it
        System.setProperty("jol.magicFieldOffset", "true");
    }

    private static ModelConfig config(Method m, ModelConfig.CellType c, int hidden) {
        return ModelConfig.builder().set(METHOD, m).set(CELL, c).set(HIDDEN, hidden).set(INPUTS, 2).set(RANK, 3)
            .set(TRUNCATION, 5).build();
    }

    private static double[] event(Rng rng, int t, int stream) {
        return new double[] {Math.sin(t / (3.0 + stream)) + 0.1 * rng.nextGaussian(), stream + 0.01 * t};
    }

    /** The bits of every result of a learner over {@code steps} events of its stream. */
    private static void record(ForecastingLearner l, double[] x, List<Long> out) {
        ForecastingLearner.Result r = l.observe(x);
        out.add(Double.doubleToRawLongBits(r.loss));
        out.add(Double.doubleToRawLongBits(r.anomalyScore));
        for (double f : r.forecast) {
            out.add(Double.doubleToRawLongBits(f));
        }
    }

    @Test
    void interleavedLearnersOfManyShapesGiveTheBitsOfLearnersRunAlone() {
        List<ModelConfig> configs = new ArrayList<>();
        for (Method m : Method.values()) {
            configs.add(config(m, ModelConfig.CellType.TANH, 6));
            configs.add(config(m, ModelConfig.CellType.GATED, 5));
        }
        assertTrue(configs.size() > ThreadScratch.SLOTS, "more shapes than a thread keeps");
        int perConfig = 3;
        int steps = 60;
        // alone: one learner at a time, its whole stream
        List<List<Long>> alone = new ArrayList<>();
        for (ModelConfig c : configs) {
            for (int s = 0; s < perConfig; s++) {
                ForecastingLearner l = new ForecastingLearner(c, 100 + s);
                Rng rng = new Rng(s);
                List<Long> bits = new ArrayList<>();
                for (int t = 0; t < steps; t++) {
                    record(l, event(rng, t, s), bits);
                }
                alone.add(bits);
            }
        }
        // interleaved: every learner one event at a time, round robin over all shapes
        List<ForecastingLearner> ls = new ArrayList<>();
        List<Rng> rngs = new ArrayList<>();
        List<List<Long>> mixed = new ArrayList<>();
        for (ModelConfig c : configs) {
            for (int s = 0; s < perConfig; s++) {
                ls.add(new ForecastingLearner(c, 100 + s));
                rngs.add(new Rng(s));
                mixed.add(new ArrayList<>());
            }
        }
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < ls.size(); i++) {
                record(ls.get(i), event(rngs.get(i), t, i % perConfig), mixed.get(i));
            }
        }
        for (int i = 0; i < alone.size(); i++) {
            assertEquals(alone.get(i), mixed.get(i), "learner " + i + " (" + configs.get(i / perConfig).method() + ")");
        }
    }

    @Test
    void aLearnerMovedBetweenThreadsGivesTheSameBits() throws Exception {
        ModelConfig c = config(Method.OK, ModelConfig.CellType.GATED, 7);
        ForecastingLearner ref = new ForecastingLearner(c, 5);
        ForecastingLearner moved = new ForecastingLearner(c, 5);
        Rng r1 = new Rng(9);
        Rng r2 = new Rng(9);
        List<Long> a = new ArrayList<>();
        List<Long> b = new ArrayList<>();
        for (int t = 0; t < 80; t++) {
            record(ref, event(r1, t, 0), a);
            double[] x = event(r2, t, 0);
            if (t % 2 == 0) {
                record(moved, x, b);
            } else {
                Thread th = new Thread(() -> record(moved, x, b));
                th.start();
                th.join();
            }
        }
        assertEquals(a, b);
    }

    /**
     * Heap bytes one more key costs (the learner's object graph beyond what it shares), tanh n = 16, r = 4, one
     * channel: the network's state is 2,012 doubles (r n^2 = 1,024 of A, 3 k m = 912 of W and Adam's moments, r m = 76
     * of u) = 16,096 bytes, the forecaster's linear path 195 doubles (13 coefficients, 13 x 13 covariance, 13
     * features) = 1,560 bytes, the anomaly detector and its least-squares anomaly and context paths, plus
     * the small arrays (context, interval, combination) and object headers; measured 26,776 bytes on HotSpot 17 with
     * compressed oops (the network alone 18,352; 42,632 if each learner held its own
     * per-step buffers). No seasonal ring here: these events have no event time.
     */
    @Test
    void aKeyCostsItsStateAndNotTheStepBuffers() {
        ModelConfig c = ModelConfig.builder().set(HIDDEN, 16).set(INPUTS, 1).build();
        ForecastingLearner l1 = new ForecastingLearner(c, 1);
        ForecastingLearner l2 = new ForecastingLearner(c, 2);
        for (int t = 0; t < 5; t++) {
            l1.observe(new double[] {t});
            l2.observe(new double[] {-t});
        }
        long one = GraphLayout.parseInstance(l1).totalSize();
        long perKey = GraphLayout.parseInstance(l1, l2).totalSize() - one;
        System.out.println("heap bytes per key, tanh n=16 r=4 d=1: " + perKey + " (first learner with the shared buffers: "
            + one + ")");
        assertTrue(perKey >= 2012 * 8, "at least the state: " + perKey);
        assertTrue(perKey <= 28_000, "per key " + perKey + " bytes");
        assertTrue(one - perKey >= 20_000, "the shared buffers are counted once: " + (one - perKey));
    }
}
