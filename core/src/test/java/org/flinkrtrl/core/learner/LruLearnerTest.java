package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.cell.LruCell;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.core.readout.MlpReadout;
import org.junit.jupiter.api.Test;

/** Method lru inside the learners: architecture, stability of |lambda| under training, restore, learning. */
class LruLearnerTest {

    private static ModelConfig config(double lr) {
        return config(lr, 0);
    }

    /** N = 8 units, one input; readout width 0 (linear, the default) or an MLP of that many features. */
    private static ModelConfig config(double lr, int readoutWidth) {
        return ModelConfig.builder().set(METHOD, Method.LRU).set(HIDDEN, 8).set(INPUTS, 1).set(LEARNING_RATE, lr)
            .set(LRU_READOUT_WIDTH, readoutWidth).set(SEED, 3L).build();
    }

    @Test
    void builtFromTheConfig() {
        OnlineLearner l = new OnlineLearner(config(1e-3));
        LruCell cell = new LruCell(8, 1);
        assertEquals(0, l.config().lruReadoutWidth(), "linear readout by default");
        assertEquals(cell.parameterCount(), l.recurrentWeights().length);
        assertEquals(17, l.hidden().length); // [Re h; Im h; x]
        assertEquals(17 + 1, l.readoutWeights().length); // one output: V [Re h; Im h; x; 1]
        assertEquals(Method.LRU, l.estimator().method());
        OnlineLearner mlp = new OnlineLearner(config(1e-3, 5));
        assertEquals(new MlpReadout(17, 5, 1, false, 0).parameterCount(), mlp.readoutWeights().length);
        assertEquals(5 * 18 + 6, mlp.readoutWeights().length);
    }

    @Test
    void readoutWidthReachesTheStateOnlyForLru() throws Exception {
        for (int width : new int[] {0, 3}) {
            ModelConfig cfg = config(1e-3, width);
            assertEquals(cfg, LearnerCodec.onlineFromBytes(LearnerCodec.toBytes(new OnlineLearner(cfg))).config());
        }
        ModelConfig ok = config(1e-3, 3).toBuilder().set(METHOD, Method.OK).build();
        assertEquals(0, ok.lruReadoutWidth(), "another method keeps the default");
        byte[] okBytes = LearnerCodec.toBytes(new OnlineLearner(ok));
        ModelConfig okLru0 = config(1e-3, 0).toBuilder().set(METHOD, Method.OK).build();
        assertArrayEquals(okBytes, LearnerCodec.toBytes(new OnlineLearner(okLru0)));
    }

    @Test
    void ringSettingsReachTheCellAndTheStateOnlyForLru() throws Exception {
        ModelConfig cfg = config(1e-3).toBuilder().set(LRU_R_MIN, 0.2).set(LRU_R_MAX, 0.5).set(LRU_MAX_PHASE, 0.1)
            .build();
        OnlineLearner l = new OnlineLearner(cfg);
        double[] w = l.recurrentWeights();
        for (int i = 0; i < 8; i++) {
            double mod = Math.exp(-Math.exp(w[i]));
            assertTrue(mod >= 0.2 - 1e-9 && mod <= 0.5 + 1e-9, "|lambda| " + mod);
            assertTrue(Math.exp(w[8 + i]) <= 0.1 + 1e-12, "phase");
        }
        assertEquals(cfg, LearnerCodec.onlineFromBytes(LearnerCodec.toBytes(l)).config());
        // another method ignores them, keeps the defaults and so equals itself after a restore
        ModelConfig ok = cfg.toBuilder().set(METHOD, Method.OK).build();
        assertEquals(0.4, ok.lruRMin());
        assertEquals(ok, LearnerCodec.onlineFromBytes(LearnerCodec.toBytes(new OnlineLearner(ok))).config());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> cfg.toBuilder().set(LRU_R_MIN, 0.6).build());
        assertTrue(e.getMessage().contains("lru-r-min must be below lru-r-max"), e.getMessage());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "readout width {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 8})
    void lambdaStaysInsideTheUnitCircleUnderAggressiveTraining(int readoutWidth) {
        // lr 0.05 with Adam moves each nu by up to ~0.05 per step; a slow random walk rewards long memory, which
        // pushes |lambda| towards 1. Without the decay floor, exp(-exp(nu)) would round to 1 below nu = -36.7.
        OnlineLearner l = new OnlineLearner(config(0.05, readoutWidth));
        Rng rng = new Rng(4);
        double level = 0.0;
        double[] x = new double[1];
        double maxMod = 0.0;
        for (int t = 0; t < 4000; t++) {
            level += 0.1 * rng.nextGaussian();
            x[0] = level;
            l.advance(x);
            l.learn(new double[] {level});
            double[] w = l.recurrentWeights();
            for (int i = 0; i < 8; i++) {
                double mod = Math.exp(-(Math.exp(w[i]) + LruCell.MIN_DECAY));
                assertTrue(mod < 1.0, "step " + t + " unit " + i + ": |lambda| = " + mod);
                maxMod = Math.max(maxMod, mod);
            }
            assertTrue(l.isFinite(), "step " + t);
        }
        assertTrue(maxMod > 0.9, "the run does exercise |lambda| near 1: max " + maxMod);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "readout width {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 8})
    void learnsAPeriodicSignalOnline(int readoutWidth) {
        // next value of a period-9 sine from the current one: the state has to carry the phase. MSE over the last
        // 1000 of 6000 steps against the variance 0.5 of the signal and against persistence.
        OnlineLearner l = new OnlineLearner(config(3e-3, readoutWidth));
        double[] x = new double[1];
        double se = 0.0;
        double sePersist = 0.0;
        for (int t = 0; t < 6000; t++) {
            x[0] = Math.sin(2 * Math.PI * t / 9.0);
            double next = Math.sin(2 * Math.PI * (t + 1) / 9.0);
            double y = l.advance(x)[0];
            if (t >= 5000) {
                se += (y - next) * (y - next);
                sePersist += (x[0] - next) * (x[0] - next);
            }
            l.learn(new double[] {next});
        }
        double mse = se / 1000;
        assertTrue(mse < 0.01 && mse < 0.05 * sePersist / 1000, "mse " + mse + ", persistence " + sePersist / 1000);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "readout width {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 6})
    void forecasterRestoredBeforeItsTargetContinuesBitIdentically(int readoutWidth) throws Exception {
        ModelConfig cfg = config(2e-3, readoutWidth).toBuilder().set(HIDDEN, 6).set(INPUTS, 2).build();
        ForecastingLearner live = new ForecastingLearner(cfg, 17);
        Rng data = new Rng(5);
        for (int t = 0; t < 101; t++) {
            live.observe(new double[] {Math.sin(t / 5.0) + 0.1 * data.nextGaussian(), data.nextGaussian()});
        }
        // the snapshot falls between a forecast and its target: the gradient of the next event needs the traces and
        // the factors lambda, exp(nu), exp(theta), gamma of the last step, all in the state
        byte[] snapshot = LearnerCodec.toBytes(live);
        ForecastingLearner restored = LearnerCodec.forecastingFromBytes(snapshot);
        assertArrayEquals(snapshot, LearnerCodec.toBytes(restored));
        for (int t = 0; t < 100; t++) {
            double[] x = {Math.sin((101 + t) / 5.0) + 0.1 * data.nextGaussian(), data.nextGaussian()};
            ForecastingLearner.Result a = live.observe(x);
            ForecastingLearner.Result b = restored.observe(x);
            assertEquals(Double.doubleToRawLongBits(a.loss), Double.doubleToRawLongBits(b.loss), "step " + t);
            assertArrayEquals(a.forecast, b.forecast, "step " + t);
        }
        assertArrayEquals(LearnerCodec.toBytes(live), LearnerCodec.toBytes(restored));
    }
}
