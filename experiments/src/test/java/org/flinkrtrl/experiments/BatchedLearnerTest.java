package org.flinkrtrl.experiments;

import static org.flinkrtrl.core.learner.ModelSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.OnlineLearner;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The batched driver against b single-stream OnlineLearners. */
class BatchedLearnerTest {
    private static final double LR = 0.1;
    private static final int SYMBOLS = 4;

    private static ModelConfig config(Method m, ModelConfig.OptimizerType opt, double clip, int period) {
        return ModelConfig.builder().set(CELL, ModelConfig.CellType.GATED).set(HIDDEN, 5).set(INPUTS, SYMBOLS)
            .set(OUTPUTS, SYMBOLS).set(HEAD, ModelConfig.Head.SOFTMAX).set(METHOD, m).set(RANK, 2).set(TRUNCATION, 3)
            .set(OPTIMIZER, opt).set(LEARNING_RATE, opt == ModelConfig.OptimizerType.SGD ? LR : 0.01)
            .set(CLIP_NORM, clip).set(INIT_GAIN, 1.5).set(READOUT_INIT_STD, 0.3).set(SEED, 13L)
            .set(RESET_PERIOD, 7).set(UPDATE_PERIOD, period).build();
    }

    private static double[] oneHot(int i) {
        double[] x = new double[SYMBOLS];
        x[i] = 1.0;
        return x;
    }

    /**
     * b = 5 streams, SGD without clipping. Reference stream i: an OnlineLearner whose weights are set to the batched
     * driver's before each step and whose generator starts where the driver's stream i starts, so it runs stream i's
     * h and influence state. Its SGD step gives stream i's gradient: W - lr g_i. The driver's step must equal
     * W - lr mean_i(g_i), i.e. the mean of the b single-stream results, to 1e-12, for the recurrent weights and the
     * readout, over 30 steps (resets every 7 included; TBPTT: one update per 3-step window).
     */
    @ParameterizedTest
    @EnumSource(value = Method.class, names = {"OK", "KF", "UORO", "RTRL", "TBPTT"})
    void theBatchedStepIsTheMeanOfTheSingleStreamSteps(Method m) {
        int b = 5;
        ModelConfig cfg = config(m, ModelConfig.OptimizerType.SGD, 0.0, 1);
        BatchedLearner batched = new BatchedLearner(cfg, b);
        OnlineLearner[] single = new OnlineLearner[b];
        for (int i = 0; i < b; i++) {
            single[i] = new OnlineLearner(cfg);
            single[i].rng().setState(batched.rng(i).state());
        }
        Rng data = new Rng(77);
        int[] in = new int[b];
        int[] tgt = new int[b];
        for (int i = 0; i < b; i++) {
            in[i] = data.nextInt(SYMBOLS);
        }
        double[] w = batched.recurrentWeights();
        double[] v = batched.readoutWeights();
        double moved = 0;
        for (int t = 1; t <= 30; t++) {
            double[] meanW = new double[w.length];
            double[] meanV = new double[v.length];
            double lossSum = 0;
            for (int i = 0; i < b; i++) {
                tgt[i] = data.nextInt(SYMBOLS);
                System.arraycopy(w, 0, single[i].recurrentWeights(), 0, w.length);
                System.arraycopy(v, 0, single[i].readoutWeights(), 0, v.length);
                single[i].advance(oneHot(in[i]));
                lossSum += single[i].learnClass(tgt[i]);
                for (int j = 0; j < w.length; j++) {
                    meanW[j] += single[i].recurrentWeights()[j] / b;
                }
                for (int j = 0; j < v.length; j++) {
                    meanV[j] += single[i].readoutWeights()[j] / b;
                }
            }
            double[] before = w.clone();
            assertEquals(lossSum, batched.step(in, tgt), 1e-12, m + " summed loss, step " + t);
            for (int i = 0; i < b; i++) {
                assertArrayEquals(single[i].hidden(), batched.hidden(i), 1e-14, m + " h of stream " + i);
            }
            for (int j = 0; j < w.length; j++) {
                assertEquals(meanW[j], w[j], 1e-12, m + " W[" + j + "], step " + t);
                moved = Math.max(moved, Math.abs(w[j] - before[j]));
            }
            for (int j = 0; j < v.length; j++) {
                assertEquals(meanV[j], v[j], 1e-12, m + " V[" + j + "], step " + t);
            }
            System.arraycopy(tgt, 0, in, 0, b);
        }
        assertTrue(moved > 1e-4, m + ": the weights moved, by up to " + moved);
        assertEquals(m == Method.TBPTT ? 10 : 30, batched.updates());
    }

    /** One stream is an OnlineLearner, bit for bit (Adam, clipping, resets, update period 1 and 3). */
    @ParameterizedTest
    @EnumSource(value = Method.class, names = {"OK", "KF", "UORO", "RTRL", "TBPTT"})
    void oneStreamIsAnOnlineLearner(Method m) {
        for (int period : new int[] {1, 3}) {
            ModelConfig cfg = config(m, ModelConfig.OptimizerType.ADAM, 0.05, period);
            BatchedLearner batched = new BatchedLearner(cfg, 1);
            OnlineLearner single = new OnlineLearner(cfg);
            Rng data = new Rng(5);
            int[] in = {0};
            int[] tgt = new int[1];
            for (int t = 0; t < 200; t++) {
                tgt[0] = data.nextInt(SYMBOLS);
                single.advance(oneHot(in[0]));
                double a = single.learnClass(tgt[0]);
                double c = batched.step(in, tgt);
                assertEquals(Double.doubleToRawLongBits(a), Double.doubleToRawLongBits(c), m + " k=" + period + " loss, step " + t);
                in[0] = tgt[0];
            }
            assertArrayEquals(single.recurrentWeights(), batched.recurrentWeights(), m + " k=" + period);
            assertArrayEquals(single.readoutWeights(), batched.readoutWeights(), m + " k=" + period);
            assertEquals(single.updates(), batched.updates());
        }
    }
}
