package org.flinkrtrl.core.lifecycle;

import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.LEARNING_RATE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.junit.jupiter.api.Test;

class KeyLifecycleTest {
    private static final MonitorConfig CFG = MonitorSettings.DEFAULTS;
    private static final ModelConfig MODEL = ModelConfig.builder().set(INPUTS, 1).build();

    /** A sine of period 50 around 10 with Gaussian noise of {@code noise} std. */
    private static double value(int t, double noise, SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        double z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
        return 10 + Math.sin(2 * Math.PI * t / 50.0) + noise * z;
    }

    /** Runs a forecaster with the monitor; returns the events (0-based) at which a drift was flagged. */
    private static List<Integer> drifts(long seed, int events, int change, double before, double after) {
        ForecastingLearner f = new ForecastingLearner(MODEL, seed);
        KeyLifecycle k = new KeyLifecycle();
        SplittableRandom r = new SplittableRandom(seed);
        List<Integer> at = new ArrayList<>();
        double[] x = new double[1];
        for (int t = 0; t < events; t++) {
            x[0] = value(t, t < change ? before : after, r);
            k.prepare(f, CFG);
            ForecastingLearner.Result res = f.observe(60_000L * t, x);
            k.observe(res.error, CFG);
            if (k.drift()) {
                at.add(t);
            }
        }
        return at;
    }

    @Test
    void aForecasterWhoseNoiseRisesFivefoldIsFlaggedWithin30EventsAndNotBefore() {
        // noise std 0.1 -> 0.5 at event 3000: the squared error in change-std units rises about 25-fold
        for (long seed = 1; seed <= 10; seed++) {
            List<Integer> at = drifts(seed, 3200, 3000, 0.1, 0.5);
            assertFalse(at.isEmpty(), "seed " + seed + ": no drift flagged");
            int first = at.get(0);
            assertTrue(first >= 3000 && first < 3030, "seed " + seed + ": first drift at " + first + " " + at);
        }
    }

    @Test
    void aStationaryForecastedSeriesRaisesAtMostOneFalseAlarmIn100kEvents() {
        int alarms = 0;
        for (long seed = 1; seed <= 5; seed++) {
            alarms += drifts(seed, 20_000, Integer.MAX_VALUE, 0.1, 0.1).size();
        }
        System.out.println("drift false alarms on 5 x 20,000 stationary forecast events: " + alarms);
        assertTrue(alarms <= 1, alarms + " false alarms in 100,000 events");
    }

    @Test
    void resetAndBoostReactions() {
        MonitorConfig reset = MonitorSettings.build(Map.of(MonitorSettings.DRIFT_REACTION, DriftReaction.RESET));
        MonitorConfig boost = MonitorSettings.build(Map.of(MonitorSettings.DRIFT_REACTION, DriftReaction.BOOST,
            MonitorSettings.DRIFT_BOOST_EVENTS, 7));
        KeyLifecycle a = new KeyLifecycle();
        KeyLifecycle b = new KeyLifecycle();
        KeyLifecycle frozen = new KeyLifecycle();
        frozen.setFrozen(true);
        boolean resetAsked = false;
        boolean frozenAsked = false;
        for (int i = 0; i < 200; i++) {
            resetAsked |= a.observe(1.0, reset);
            b.observe(1.0, boost);
            frozenAsked |= frozen.observe(1.0, reset);
        }
        assertFalse(resetAsked);
        int i = 0;
        while (!a.observe(100.0, reset)) {
            i++;
        }
        assertTrue(i < 10);
        assertEquals(1, a.drifts());
        for (int j = 0; j < 10 && b.boostLeft() == 0; j++) {
            b.observe(100.0, boost);
        }
        assertEquals(7, b.boostLeft());
        for (int j = 0; j < 10; j++) {
            frozenAsked |= frozen.observe(100.0, reset);
        }
        assertEquals(1, frozen.drifts());
        assertFalse(frozenAsked, "a frozen key's model is not reset by a drift");
        // the boost multiplies the learning rate for exactly 7 events: a forecaster at rate 0.001 with a boost of 2
        // learns exactly as one at rate 0.002 for those events, then as one at 0.001 again
        MonitorConfig boost2 = MonitorSettings.build(Map.of(MonitorSettings.DRIFT_REACTION, DriftReaction.BOOST,
            MonitorSettings.DRIFT_BOOST, 2.0, MonitorSettings.DRIFT_BOOST_EVENTS, 7));
        KeyLifecycle c = new KeyLifecycle();
        for (int j = 0; j < 200; j++) {
            c.observe(1.0, boost2);
        }
        while (c.boostLeft() == 0) {
            c.observe(100.0, boost2);
        }
        ForecastingLearner boosted = new ForecastingLearner(MODEL, 5);
        ForecastingLearner fast = new ForecastingLearner(MODEL.toBuilder().set(LEARNING_RATE, 0.002).build(), 5);
        ForecastingLearner slow = new ForecastingLearner(MODEL, 5);
        SplittableRandom r = new SplittableRandom(9);
        double[] x = new double[1];
        for (int t = 0; t < 20; t++) {
            x[0] = value(t, 0.1, r);
            c.prepare(boosted, boost2);
            double fb = boosted.observe(60_000L * t, x).forecast[0];
            ForecastingLearner ref = t < 7 ? fast : slow;
            double fr = ref.observe(60_000L * t, x).forecast[0];
            (t < 7 ? slow : fast).observe(60_000L * t, x);
            if (t < 7) {
                assertEquals(Double.doubleToLongBits(fr), Double.doubleToLongBits(fb), "event " + t);
            }
        }
        assertEquals(0, c.boostLeft());
    }

    @Test
    void learningRateOverrideFrozenAndWarmUp() {
        ForecastingLearner overridden = new ForecastingLearner(MODEL, 3);
        ForecastingLearner configured = new ForecastingLearner(MODEL.toBuilder().set(LEARNING_RATE, 0.002).build(), 3);
        ForecastingLearner frozenModel = new ForecastingLearner(MODEL, 3);
        KeyLifecycle k = new KeyLifecycle();
        k.setLearningRate(0.002);
        k.setWarmUp(5);
        KeyLifecycle frozen = new KeyLifecycle();
        SplittableRandom r = new SplittableRandom(4);
        double[] x = new double[1];
        double[] weights = null;
        double[] coefficients = null;
        for (int t = 0; t < 300; t++) {
            x[0] = value(t, 0.1, r);
            if (t == 100) {
                frozen.setFrozen(true);
                weights = frozenModel.model().recurrentWeights().clone();
                coefficients = frozenModel.linearCoefficients(0).clone();
            }
            k.prepare(overridden, CFG);
            frozen.prepare(frozenModel, CFG);
            ForecastingLearner.Result a = overridden.observe(60_000L * t, x);
            assertEquals(t > 0 && t <= 5, a.warmingUp && t > 0, "warm-up at event " + t);
            double fa = a.forecast[0];
            double fb = configured.observe(60_000L * t, x).forecast[0];
            assertEquals(Double.doubleToLongBits(fb), Double.doubleToLongBits(fa), "event " + t);
            frozenModel.observe(60_000L * t, x);
        }
        assertEquals(5, overridden.anomalyWarmUp());
        assertArrayEquals(weights, frozenModel.model().recurrentWeights());
        assertArrayEquals(coefficients, frozenModel.linearCoefficients(0));
        frozen.setFrozen(false);
        frozen.prepare(frozenModel, CFG);
        frozenModel.observe(60_000L * 300, new double[] {12});
        assertNotEquals(weights[0], frozenModel.model().recurrentWeights()[0]);
    }

    @Test
    void stateRoundTripsBitForBitInTheDocumentedLayout() throws Exception {
        KeyLifecycle k = new KeyLifecycle();
        k.setLearningRate(0.003);
        k.setFrozen(true);
        k.setAnomalyThreshold(0.7);
        k.setWarmUp(50);
        k.markApplied(1_000L, "cmd-1");
        for (int i = 0; i < 150; i++) {
            k.observe(1.0 + (i % 3), CFG);
        }
        byte[] bytes = k.toBytes();
        assertArrayEquals(bytes, KeyLifecycle.fromBytes(bytes).toBytes());

        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(b);
        KeyLifecycle fresh = new KeyLifecycle();
        o.writeByte(2);
        o.writeDouble(Double.NaN);
        o.writeBoolean(false);
        o.writeDouble(Double.NaN);
        o.writeInt(-1);
        o.writeLong(Long.MIN_VALUE);
        o.writeUTF("");
        o.writeLong(0);
        o.writeLong(0);
        o.writeDouble(0.0);
        o.writeDouble(1.0);
        o.writeLong(0);
        o.writeInt(0);
        o.writeBoolean(false);
        o.writeLong(Long.MIN_VALUE); // lastSeen
        o.writeLong(Long.MIN_VALUE); // expiryTimer
        assertArrayEquals(b.toByteArray(), fresh.toBytes());
        assertEquals(Double.NaN, KeyLifecycle.fromBytes(b.toByteArray()).rollingError());

        fresh.setLastSeen(1_234_567L);
        fresh.setExpiryTimer(9_876_543L);
        byte[] timed = fresh.toBytes();
        assertEquals(b.size(), timed.length);
        assertEquals(1_234_567L, java.nio.ByteBuffer.wrap(timed, timed.length - 16, 8).getLong());
        assertEquals(9_876_543L, java.nio.ByteBuffer.wrap(timed, timed.length - 8, 8).getLong());
        KeyLifecycle back = KeyLifecycle.fromBytes(timed);
        assertEquals(1_234_567L, back.lastSeen());
        assertEquals(9_876_543L, back.expiryTimer());
    }

    /** Format 1 (no idle-expiry block) reads with unknown times and everything else kept; written back as format 2. */
    @Test
    void format1BytesMigrate() throws Exception {
        KeyLifecycle k = new KeyLifecycle();
        k.setLearningRate(0.003);
        k.setAnomalyThreshold(0.7);
        k.markApplied(1_000L, "cmd-1");
        for (int i = 0; i < 150; i++) {
            k.observe(1.0 + (i % 3), CFG);
        }
        byte[] v2 = k.toBytes();
        byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - 16); // format 1: the same fields without the last block
        v1[0] = 1;
        KeyLifecycle read = KeyLifecycle.fromBytes(v1);
        assertEquals(KeyLifecycle.NONE, read.lastSeen());
        assertEquals(KeyLifecycle.NONE, read.expiryTimer());
        assertEquals(k.rollingError(), read.rollingError());
        assertEquals(0.003, read.learningRate());
        assertEquals(0.7, read.anomalyThreshold());
        assertEquals(1, read.commandsApplied());
        assertEquals(k.driftStatistic(), read.driftStatistic());
        assertArrayEquals(v2, read.toBytes(), "written back in format 2 with unknown times");
        v1[0] = 3;
        assertThrows(java.io.IOException.class, () -> KeyLifecycle.fromBytes(v1));
    }

    @Test
    void commandsApplyInTimeThenIdOrderOnce() {
        KeyLifecycle k = new KeyLifecycle();
        assertTrue(k.pending(Long.MIN_VALUE + 1, "a"));
        k.markApplied(100, "b");
        assertFalse(k.pending(100, "b"));
        assertFalse(k.pending(100, "a"));
        assertFalse(k.pending(99, "z"));
        assertTrue(k.pending(100, "c"));
        assertTrue(k.pending(101, "a"));
        assertEquals(1, k.commandsApplied());
    }

    @Test
    void rollingErrorIsTheBiasCorrectedExponentialMean() {
        KeyLifecycle k = new KeyLifecycle();
        MonitorConfig w4 = MonitorSettings.build(Map.of(MonitorSettings.ERROR_WINDOW, 4));
        assertTrue(Double.isNaN(k.rollingError()));
        k.observe(Double.NaN, w4);
        assertTrue(Double.isNaN(k.rollingError()));
        k.observe(2.0, w4);
        assertEquals(2.0, k.rollingError(), 1e-15);
        k.observe(6.0, w4);
        // (0.75 * 0.25 * 2 + 0.25 * 6) / (1 - 0.75^2)
        assertEquals((0.375 + 1.5) / 0.4375, k.rollingError(), 1e-15);
    }
}
