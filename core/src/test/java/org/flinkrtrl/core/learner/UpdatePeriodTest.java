package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The update period k: k gradients summed with the weights held, then one optimiser step with their mean; the
 * influence state propagates every step; the open period is model state.
 */
class UpdatePeriodTest {
    private static final double LR = 0.1;

    private static ModelConfig config(Method m, int period) {
        return ModelConfig.builder().set(CELL, ModelConfig.CellType.GATED).set(HIDDEN, 5).set(INPUTS, 3).set(OUTPUTS, 3)
            .set(HEAD, ModelConfig.Head.SOFTMAX).set(METHOD, m).set(RANK, 2).set(TRUNCATION, 3)
            .set(OPTIMIZER, ModelConfig.OptimizerType.SGD).set(LEARNING_RATE, LR).set(CLIP_NORM, 0.0)
            .set(INIT_GAIN, 1.5).set(READOUT_INIT_STD, 0.3).set(SEED, 21L).set(UPDATE_PERIOD, period).build();
    }

    private static double[] oneHot(int i) {
        double[] x = new double[3];
        x[i] = 1.0;
        return x;
    }

    /**
     * Reference: a period-1 learner B with the same seed, whose weights are set to A's before every step, so it
     * runs the same h, influence state and generator as A. Its SGD step gives that step's gradient,
     * g = (W_before - W_after) / lr. A (period k) must leave W untouched for k - 1 steps, then apply
     * W - lr * mean(g) over the k steps, for the recurrent weights and the readout alike.
     */
    @ParameterizedTest
    @EnumSource(value = Method.class, names = {"OK", "KF", "UORO", "RTRL"})
    void aPeriodOfKIsOneStepWithTheMeanOfTheKPerStepGradients(Method m) {
        int k = 4;
        OnlineLearner a = new OnlineLearner(config(m, k));
        OnlineLearner b = new OnlineLearner(config(m, 1));
        assertArrayEquals(a.recurrentWeights(), b.recurrentWeights());
        Rng data = new Rng(3);
        int sym = 0;
        for (int period = 0; period < 5; period++) {
            double[] w0 = a.recurrentWeights().clone();
            double[] v0 = a.readoutWeights().clone();
            double[] sumW = new double[w0.length];
            double[] sumV = new double[v0.length];
            for (int j = 0; j < k; j++) {
                System.arraycopy(w0, 0, b.recurrentWeights(), 0, w0.length);
                System.arraycopy(v0, 0, b.readoutWeights(), 0, v0.length);
                int next = data.nextInt(3);
                b.advance(oneHot(sym));
                b.learnClass(next);
                a.advance(oneHot(sym));
                a.learnClass(next);
                sym = next;
                assertArrayEquals(a.hidden(), b.hidden(), m + ": same h");
                for (int i = 0; i < sumW.length; i++) {
                    sumW[i] += (w0[i] - b.recurrentWeights()[i]) / LR;
                }
                for (int i = 0; i < sumV.length; i++) {
                    sumV[i] += (v0[i] - b.readoutWeights()[i]) / LR;
                }
                if (j < k - 1) {
                    assertArrayEquals(w0, a.recurrentWeights(), m + ": W held inside the period");
                    assertArrayEquals(v0, a.readoutWeights(), m + ": V held inside the period");
                }
            }
            double gradNorm = 0;
            for (int i = 0; i < w0.length; i++) {
                assertEquals(w0[i] - LR * sumW[i] / k, a.recurrentWeights()[i], 1e-12, m + " W[" + i + "]");
                gradNorm += sumW[i] * sumW[i];
            }
            for (int i = 0; i < v0.length; i++) {
                assertEquals(v0[i] - LR * sumV[i] / k, a.readoutWeights()[i], 1e-12, m + " V[" + i + "]");
            }
            assertTrue(gradNorm > 1e-6, m + ": a non-trivial gradient, |sum g|^2 = " + gradNorm);
            assertEquals(period + 1, a.updates());
        }
        assertEquals(5L * k, b.updates());
    }

    /** TBPTT: the period counts window ends, so T = 3 and k = 2 update once per 6 steps. */
    @Test
    void tbpttCountsWindows() {
        OnlineLearner a = new OnlineLearner(config(Method.TBPTT, 2));
        Rng data = new Rng(4);
        int sym = 0;
        for (int t = 1; t <= 24; t++) {
            double[] w = a.recurrentWeights().clone();
            int next = data.nextInt(3);
            a.advance(oneHot(sym));
            a.learnClass(next);
            sym = next;
            assertEquals(t / 6, a.updates(), "step " + t);
            assertEquals(t % 6 != 0, java.util.Arrays.equals(w, a.recurrentWeights()), "W changes only at step " + t);
        }
    }

    /** A state saved inside an open period continues bit for bit: the summed gradients and the count are state. */
    @Test
    void anOpenPeriodSurvivesTheCodec() throws Exception {
        ModelConfig cfg = config(Method.OK, 5).toBuilder().set(OPTIMIZER, ModelConfig.OptimizerType.ADAM).build();
        OnlineLearner live = new OnlineLearner(cfg);
        Rng data = new Rng(8);
        int sym = 0;
        for (int t = 0; t < 7; t++) { // one period closed, two gradients into the next
            int next = data.nextInt(3);
            live.advance(oneHot(sym));
            live.learnClass(next);
            sym = next;
        }
        assertEquals(1, live.updates());
        byte[] bytes = LearnerCodec.toBytes(live);
        OnlineLearner restored = LearnerCodec.onlineFromBytes(bytes);
        assertArrayEquals(bytes, LearnerCodec.toBytes(restored));
        OnlineLearner fresh = LearnerCodec.onlineFromBytes(bytes);
        for (int t = 0; t < 13; t++) {
            int next = data.nextInt(3);
            live.advance(oneHot(sym));
            restored.advance(oneHot(sym));
            assertEquals(Double.doubleToRawLongBits(live.learnClass(next)),
                Double.doubleToRawLongBits(restored.learnClass(next)), "step " + t);
            sym = next;
        }
        assertEquals(4, live.updates());
        assertArrayEquals(LearnerCodec.toBytes(live), LearnerCodec.toBytes(restored));
        // the block is really there: the same bytes with the period's gradient sum zeroed continue differently
        int sumStart = bytes.length - 8 * live.recurrentWeights().length;
        assertEquals(2, java.nio.ByteBuffer.wrap(bytes, sumStart - 8, 4).getInt(), "gradients in the open period");
        java.util.Arrays.fill(bytes, sumStart, bytes.length, (byte) 0);
        OnlineLearner zeroed = LearnerCodec.onlineFromBytes(bytes);
        for (int t = 0; t < 3; t++) {
            fresh.advance(oneHot(t % 3));
            fresh.learnClass((t + 1) % 3);
            zeroed.advance(oneHot(t % 3));
            zeroed.learnClass((t + 1) % 3);
        }
        assertTrue(!java.util.Arrays.equals(fresh.recurrentWeights(), zeroed.recurrentWeights()));
    }

    /** The forecaster and the log learner carry the network's open period too. */
    @Test
    void forecasterAndLogLearnerKeepThePeriod() throws Exception {
        ModelConfig cfg = ModelConfig.builder().set(HIDDEN, 6).set(INPUTS, 2).set(UPDATE_PERIOD, 3).set(SEED, 5L).build();
        ForecastingLearner live = new ForecastingLearner(cfg, 7);
        Rng data = new Rng(1);
        for (int t = 0; t < 40; t++) {
            live.observe(t * 60_000L, new double[] {data.nextGaussian(), 3 + data.nextGaussian()});
        }
        byte[] bytes = LearnerCodec.toBytes(live);
        ForecastingLearner restored = LearnerCodec.forecastingFromBytes(bytes);
        assertEquals(3, restored.config().updatePeriod());
        for (int t = 40; t < 60; t++) {
            double[] x = {data.nextGaussian(), 3 + data.nextGaussian()};
            assertEquals(Double.doubleToRawLongBits(live.observe(t * 60_000L, x).forecast[0]),
                Double.doubleToRawLongBits(restored.observe(t * 60_000L, x).forecast[0]), "step " + t);
        }
        assertArrayEquals(LearnerCodec.toBytes(live), LearnerCodec.toBytes(restored));
        assertTrue(live.model().updates() < live.model().steps() / 2, "about a third of the steps update");
    }

    @Test
    void aPeriodBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ModelConfig.builder().set(UPDATE_PERIOD, 0).build());
        assertTrue(e.getMessage().endsWith("must be in [1, 1000000], got 0"), e.getMessage());
    }
}
