package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.grad.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The softmax head's gradients through every estimator, against central finite differences of a forward pass
 * written here independently of the learner: h_{t+1} = tanh(W [h_t; x_t; 1]) from h_0 = 0 over T steps, then
 * L = -ln softmax(V [h_T; 1])[c]. The learner advances T times and learns class c once, with SGD and no clipping,
 * so the update is exactly -lr times its gradient estimate.
 *
 * <p>Exact estimators (RTRL, TBPTT with a window of T, r-OK with r = n) must match to 1e-7. The unbiased stochastic
 * ones (UORO, KF, r-OK with r = 1) are averaged over N trajectories (40,000 for UORO, 3,000 for the others) with independent generator states: for an
 * unbiased estimator E||mean - g||^2 = E||g~ - g||^2 / N, and the test asserts ||mean - g||^2 below 9 times the
 * sample estimate of that (a mean biased by 20 % is shown to fail the same bound). The readout gradient is exact for
 * every estimator.
 */
class SoftmaxGradientTest {
    static final int N = 4;
    static final int X = 3;
    static final int CLASSES = 4;
    /** Classes in use for the masked loss ({@link OnlineLearner#learnClass(int, int)}): the last class is not. */
    static final int ACTIVE = 3;
    static final int T = 4;
    static final int TARGET = 2;
    static final double LR = 1e-3;
    static final double[][] XS = {{0.5, -1.0, 0.2}, {1.2, 0.3, -0.7}, {-0.4, 0.9, 1.1}, {0.1, -0.2, 0.6}};

    static ModelConfig config(Method method, int rank) {
        return ModelConfig.builder().set(HIDDEN, N).set(INPUTS, X).set(OUTPUTS, CLASSES).set(HEAD, ModelConfig.Head.SOFTMAX)
            .set(METHOD, method).set(RANK, rank).set(TRUNCATION, T).set(OPTIMIZER, ModelConfig.OptimizerType.SGD)
            .set(LEARNING_RATE, LR).set(CLIP_NORM, 0.0).set(READOUT_INIT_STD, 0.7).set(INIT_GAIN, 1.3).set(SEED, 21L).build();
    }

    /** Runs the T steps and one learnClass; returns {gradW, gradV} recovered from the SGD update. */
    static double[][] estimate(ModelConfig cfg, long rngState) {
        return estimate(cfg, rngState, CLASSES);
    }

    static double[][] estimate(ModelConfig cfg, long rngState, int active) {
        OnlineLearner l = new OnlineLearner(cfg);
        double[] w0 = l.recurrentWeights().clone();
        double[] v0 = l.readoutWeights().clone();
        if (rngState != 0) {
            l.rng().setState(rngState);
        }
        for (double[] x : XS) {
            l.advance(x);
        }
        if (active == CLASSES) {
            l.learnClass(TARGET);
        } else {
            l.learnClass(TARGET, active);
        }
        assertEquals(1, l.updates(), "one update after the window of T steps");
        double[] gw = new double[w0.length];
        double[] gv = new double[v0.length];
        for (int i = 0; i < gw.length; i++) {
            gw[i] = (w0[i] - l.recurrentWeights()[i]) / LR;
        }
        for (int i = 0; i < gv.length; i++) {
            gv[i] = (v0[i] - l.readoutWeights()[i]) / LR;
        }
        return new double[][] {gw, gv, w0, v0};
    }

    static double loss(double[] w, double[] v) {
        return loss(w, v, CLASSES);
    }

    /** The loss over the first {@code active} classes: the softmax renormalised over them. */
    static double loss(double[] w, double[] v, int active) {
        int m = N + X + 1;
        double[] h = new double[N];
        for (double[] x : XS) {
            double[] a = new double[m];
            System.arraycopy(h, 0, a, 0, N);
            System.arraycopy(x, 0, a, N, X);
            a[m - 1] = 1.0;
            double[] next = new double[N];
            for (int q = 0; q < N; q++) {
                double z = 0;
                for (int p = 0; p < m; p++) {
                    z += w[q * m + p] * a[p];
                }
                next[q] = Math.tanh(z);
            }
            h = next;
        }
        double[] y = new double[CLASSES];
        double max = Double.NEGATIVE_INFINITY;
        for (int o = 0; o < CLASSES; o++) {
            y[o] = v[o * (N + 1) + N];
            for (int j = 0; j < N; j++) {
                y[o] += v[o * (N + 1) + j] * h[j];
            }
            max = Math.max(max, y[o]);
        }
        double sum = 0;
        for (int o = 0; o < active; o++) {
            sum += Math.exp(y[o] - max);
        }
        return -(y[TARGET] - max - Math.log(sum));
    }

    /** Central finite differences of {@link #loss} in W (which = 0) or V (which = 1). */
    static double[] finiteDifferences(double[] w, double[] v, int which) {
        return finiteDifferences(w, v, which, CLASSES);
    }

    static double[] finiteDifferences(double[] w, double[] v, int which, int active) {
        double[] p = which == 0 ? w : v;
        double[] g = new double[p.length];
        double eps = 1e-6;
        for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + eps;
            double up = loss(w, v, active);
            p[i] = keep - eps;
            double down = loss(w, v, active);
            p[i] = keep;
            g[i] = (up - down) / (2 * eps);
        }
        return g;
    }

    /** Every estimator of the tanh cell; LRU has its own recurrence and MLP readout, checked by its own tests. */
    @ParameterizedTest
    @EnumSource(value = Method.class, names = "LRU", mode = EnumSource.Mode.EXCLUDE)
    void theReadoutGradientIsExactWithEveryEstimator(Method method) {
        double[][] e = estimate(config(method, 1), 0);
        double[] fd = finiteDifferences(e[2], e[3], 1);
        for (int i = 0; i < fd.length; i++) {
            assertEquals(fd[i], e[1][i], 1e-7, method + " V[" + i + "]");
        }
    }

    /**
     * The loss restricted to the classes in use (the log model's): the readout gradient with every estimator and the
     * exact estimators' recurrent gradient match finite differences of the renormalised loss, and the class not in
     * use gets no gradient.
     */
    @ParameterizedTest
    @EnumSource(value = Method.class, names = "LRU", mode = EnumSource.Mode.EXCLUDE)
    void theMaskedLossGradientIsExactWithEveryEstimator(Method method) {
        double[][] e = estimate(config(method, method == Method.OK ? N : 1), 0, ACTIVE);
        double[] fd = finiteDifferences(e[2], e[3], 1, ACTIVE);
        for (int i = 0; i < fd.length; i++) {
            assertEquals(fd[i], e[1][i], 1e-7, method + " V[" + i + "]");
        }
        for (int j = 0; j <= N; j++) {
            assertEquals(0.0, e[1][ACTIVE * (N + 1) + j], 0.0, "the class not in use");
        }
        if (method == Method.RTRL || method == Method.TBPTT || method == Method.OK) {
            double[] fw = finiteDifferences(e[2], e[3], 0, ACTIVE);
            for (int i = 0; i < fw.length; i++) {
                assertEquals(fw[i], e[0][i], 1e-7, method + " W[" + i + "]");
            }
        }
    }

    @Test
    void exactEstimatorsMatchFiniteDifferences() {
        for (ModelConfig cfg : new ModelConfig[] {config(Method.RTRL, 1), config(Method.TBPTT, 1), config(Method.OK, N)}) {
            double[][] e = estimate(cfg, 0);
            double[] fd = finiteDifferences(e[2], e[3], 0);
            double norm = 0;
            for (int i = 0; i < fd.length; i++) {
                assertEquals(fd[i], e[0][i], 1e-7, cfg.method() + " r=" + cfg.rank() + " W[" + i + "]");
                norm += fd[i] * fd[i];
            }
            assertTrue(norm > 1e-4, "a gradient worth checking: |g|^2 = " + norm);
        }
    }

    @Test
    void stochasticEstimatorsAreUnbiased() {
        ModelConfig[] cfgs = {config(Method.UORO, 1), config(Method.KF, 1), config(Method.OK, 1)};
        int[] sampleCounts = {40_000, 3000, 3000}; // UORO's variance is about 20 times KF's here
        for (int c = 0; c < cfgs.length; c++) {
            ModelConfig cfg = cfgs[c];
            int samples = sampleCounts[c];
            double[][] first = estimate(cfg, 0);
            double[] g = finiteDifferences(first[2], first[3], 0);
            double[] mean = new double[g.length];
            double sqErr = 0;
            for (int s = 0; s < samples; s++) {
                double[] gw = estimate(cfg, 0x9E3779B97F4A7C15L * (s + 1))[0];
                for (int i = 0; i < g.length; i++) {
                    mean[i] += gw[i] / samples;
                    sqErr += (gw[i] - g[i]) * (gw[i] - g[i]) / samples;
                }
            }
            double bound = 9 * sqErr / samples;
            double dist = 0;
            double biased = 0;
            for (int i = 0; i < g.length; i++) {
                dist += (mean[i] - g[i]) * (mean[i] - g[i]);
                biased += (0.8 * mean[i] - g[i]) * (0.8 * mean[i] - g[i]);
            }
            String name = cfg.method() + " r=" + cfg.rank();
            System.out.printf("softmax head, %s: N = %d, E||g~ - g||^2 = %.4g, ||mean - g||^2 = %.4g, bound %.4g%n",
                name, samples, sqErr, dist, bound);
            assertTrue(sqErr > 1e-12, name + " is stochastic: E||g~ - g||^2 = " + sqErr);
            assertTrue(dist < bound, name + ": ||mean - g||^2 = " + dist + " >= " + bound);
            assertTrue(biased > bound, name + ": the test detects a 20 % bias: " + biased + " <= " + bound);
        }
    }
}
