package org.flinkrtrl.core.anomaly;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.flinkrtrl.core.learner.ForecasterOptions;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {
    private static final AnomalySettings S = AnomalySettings.DEFAULTS;

    private static ForecastingLearner forecaster(long seed) {
        return new ForecastingLearner(ModelConfig.builder().set(INPUTS, 1).build(), ForecasterOptions.DEFAULTS, seed, S);
    }

    /** Score threshold whose nominal tail probability (per component) is q. */
    private static double thresholdFor(double q) {
        double digits = -Math.log10(q);
        return digits / (digits + S.halfDigits());
    }

    @Test
    void tailsAreAccurateAndDoNotUnderflow() {
        // P(|Z| >= z): 1.959964 -> 0.05, 3.290527 -> 0.001; ln P(|Z| >= 40) against its asymptotic series
        // (truncated after 1 - 1/z^2; the next term, 3/z^4, is 1.2e-6)
        assertEquals(0.05, Math.exp(Tails.logTwoSided(1.959964)), 0.05 * 2e-6);
        assertEquals(0.001, Math.exp(Tails.logTwoSided(3.290527)), 0.001 * 2e-6);
        double z = 40;
        double asymptotic = -z * z / 2 - Math.log(z) - 0.5 * Math.log(Math.PI / 2) + Math.log(1 - 1 / (z * z));
        assertEquals(asymptotic, Tails.logTwoSided(z), 2e-6);
        assertTrue(Double.isFinite(Tails.logTwoSided(1e150)));
        assertEquals(0.0, Tails.logTwoSided(0.0), 0.0);
        assertEquals(0.5, Tails.score(Tails.lnPForScore(0.5, 5), 5), 1e-12);
        assertEquals(0.5, Tails.score(Math.log(1e-5), 5), 1e-12);
        assertTrue(Tails.score(-1e300, 5) < 1.0);
    }

    /**
     * Calibration: on pure Gaussian noise (three noise levels, offsets from 0 to 1e9), after the warm-up, the
     * fraction of events scoring at or above the threshold of nominal tail probability q lies in [q / 2, 10 q] for
     * q = 1e-2 and 1e-3 on every scale. The surprise alone is calibrated (its rate is q up to the residual
     * scale's estimation noise); the likelihood stage, a Gaussian fitted to the skewed short-window mean of surprise,
     * adds alarms at low digits: measured 2.4 q to 2.9 q at q = 1e-2 and 5.3 q to 8.2 q at q = 1e-3 (20,000 scored
     * events per series, about 200 and 20 expected at the nominal rate). So a threshold means the same rate on
     * every key, but not its nominal one below about 4 digits.
     */
    @Test
    void fractionAboveAThresholdMatchesItsNominalRateOnNoiseOfAnyScale() {
        double[][] series = {{0.0, 1.0}, {1e3, 1e-3}, {1e9, 1e6}, {-50.0, 7.0}};
        double[] qs = {1e-2, 1e-3};
        for (double[] sc : series) {
            ForecastingLearner f = forecaster(7);
            Rng rng = new Rng(11);
            int n = 0;
            int[] above = new int[qs.length];
            for (int t = 0; t < 22_000; t++) {
                ForecastingLearner.Result r = f.observe(new double[] {sc[0] + sc[1] * rng.nextGaussian()});
                if (t >= 2_000) {
                    n++;
                    for (int k = 0; k < qs.length; k++) {
                        above[k] += r.anomalyScore >= thresholdFor(qs[k]) ? 1 : 0;
                    }
                }
            }
            for (int k = 0; k < qs.length; k++) {
                double rate = (double) above[k] / n;
                String what = "offset " + sc[0] + " sd " + sc[1] + " q " + qs[k] + ": rate " + rate;
                assertTrue(rate >= qs[k] / 2 && rate <= 10 * qs[k], what);
            }
        }
    }

    /**
     * Calibration with event times (5-minute and hourly noise, so the seasonal lags, the context path and the
     * sustained-deviation chart are all in play): the chart only counts from the alarm level on, so the fraction
     * above the threshold of nominal rate q = 1e-2 and 1e-3 stays in [q / 2, 10 q] (measured 2.4 q and 5.2
     * q; letting the chart's weighted digits count at every level instead gives about 23 q and 100-120 q).
     */
    @Test
    void timedNoiseKeepsTheNominalRateBelowTheAlarmLevel() {
        double[] qs = {1e-2, 1e-3};
        for (long cadence : new long[] {300_000L, 3_600_000L}) {
            ForecastingLearner f = forecaster(7);
            Rng rng = new Rng(11);
            int n = 0;
            int[] above = new int[qs.length];
            for (int t = 0; t < 22_000; t++) {
                ForecastingLearner.Result r = f.observe(1_400_000_000_000L + t * cadence, new double[] {5 + rng.nextGaussian()});
                if (t >= 2_000) {
                    n++;
                    for (int k = 0; k < qs.length; k++) {
                        above[k] += r.anomalyScore >= thresholdFor(qs[k]) ? 1 : 0;
                    }
                }
            }
            for (int k = 0; k < qs.length; k++) {
                double rate = (double) above[k] / n;
                String what = "cadence " + cadence + " q " + qs[k] + ": rate " + rate;
                assertTrue(rate >= qs[k] / 2 && rate <= 10 * qs[k], what);
            }
        }
    }

    /** Generated series that break naive scores: constant, flat, step, integer-valued, tiny and 1e9 scales. */
    private static double[] generated(int kind, int n, Rng rng) {
        double[] x = new double[n];
        for (int t = 0; t < n; t++) {
            switch (kind) {
                case 0 -> x[t] = 0.0;
                case 1 -> x[t] = 1e9;
                case 2 -> x[t] = -3.25;
                case 3 -> x[t] = t < n / 2 ? 0.0 : 1.0;
                case 4 -> x[t] = t < n / 2 ? 1e9 : -1e9;
                case 5 -> x[t] = Math.floor(3 * Math.abs(rng.nextGaussian()));
                case 6 -> x[t] = 1e9 + 1e9 * rng.nextGaussian();
                case 7 -> x[t] = 1e-12 * rng.nextGaussian();
                case 8 -> x[t] = (t / 50) % 2 == 0 ? 5.0 : 7.0;
                case 9 -> x[t] = 1.0 + (t == n / 2 ? 1e-15 : 0.0);
                case 10 -> x[t] = t % 97 == 0 ? 1e9 : 0.0;
                default -> x[t] = 20 + Math.sin(t / 10.0) + 0.01 * rng.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void scoresStayInTheUnitIntervalOnConstantFlatStepAndHugeSeries() {
        for (int kind = 0; kind <= 11; kind++) {
            Rng rng = new Rng(100 + kind);
            double[] x = generated(kind, 1500, rng);
            ForecastingLearner f = forecaster(3);
            double max = 0;
            for (int t = 0; t < x.length; t++) {
                ForecastingLearner.Result r = f.observe(new double[] {x[t]});
                for (double v : new double[] {r.anomalyScore, r.surprise, r.likelihood, r.level}) {
                    assertTrue(v >= 0.0 && v < 1.0, "kind " + kind + " t " + t + ": " + v);
                }
                assertTrue(r.learnWeight == 1.0 || r.learnWeight == S.protectionWeight());
                assertTrue(Double.isFinite(r.forecast[0]), "kind " + kind + " t " + t);
                max = Math.max(max, r.anomalyScore);
            }
            if (kind <= 2) {
                assertEquals(0.0, max, 0.0, "a constant series never surprises (kind " + kind + ")");
            }
        }
        // the detector alone, fed vanishing and non-finite scales
        AnomalyDetector d = new AnomalyDetector(2, S);
        for (int t = 0; t < 500; t++) {
            AnomalyDetector.Score s = d.score(new double[] {1.0, t == 400 ? 2.0 : 1.0}, new double[] {1.0, 1.0},
                new double[] {0.0, t % 2 == 0 ? Double.NaN : Double.POSITIVE_INFINITY});
            assertTrue(s.score >= 0 && s.score < 1, "t " + t + ": " + s.score);
            if (t == 400) {
                assertTrue(s.score > 0.9, "a step on a flat channel scores high: " + s.score);
                assertEquals(1, s.channel);
            }
        }
    }

    @Test
    void stepsAndSpikesScoreHighOnEveryScale() {
        for (double scale : new double[] {1e-6, 1.0, 1e9}) {
            ForecastingLearner f = forecaster(5);
            Rng rng = new Rng(21);
            double maxBefore = 0;
            for (int t = 0; t < 3000; t++) {
                ForecastingLearner.Result r = f.observe(new double[] {scale * rng.nextGaussian()});
                if (t > S.warmUp()) {
                    maxBefore = Math.max(maxBefore, r.anomalyScore);
                }
            }
            double spike = f.observe(new double[] {12 * scale}).anomalyScore;
            assertTrue(spike > 0.6 && spike > maxBefore, "scale " + scale + ": spike " + spike + ", noise max " + maxBefore);
        }
    }

    /**
     * Protection: after a long noisy stretch around 0 (sd 1), a sustained step to +10 for 45 events (the sensors'
     * heating events last 30 to 120 readings). With the default protection the forecast at the end of the step stays
     * within 2 of the pre-step level (measured 1.48) while every step event scores above 0.5 (measured at least 0.515);
     * without protection (weight 1) the forecast follows the step (measured 9.2).
     */
    @Test
    void protectionKeepsForecastingNormalBehaviourDuringASustainedStep() {
        double[] endForecast = new double[2];
        double[] minStepScore = new double[2];
        AnomalySettings[] settings = {S, withProtectionWeight(1.0)};
        for (int k = 0; k < 2; k++) {
            ForecastingLearner f = new ForecastingLearner(ModelConfig.builder().set(INPUTS, 1).build(),
                ForecasterOptions.DEFAULTS, 9, settings[k]);
            Rng rng = new Rng(4);
            for (int t = 0; t < 3000; t++) {
                f.observe(new double[] {rng.nextGaussian()});
            }
            double min = 1.0;
            ForecastingLearner.Result r = null;
            for (int t = 0; t < 45; t++) {
                r = f.observe(new double[] {10 + rng.nextGaussian()});
                if (t > 0) {
                    min = Math.min(min, r.anomalyScore);
                }
            }
            endForecast[k] = r.forecast[0];
            minStepScore[k] = min;
        }
        assertTrue(Math.abs(endForecast[0]) < 2, "protected forecast at the step's end " + endForecast[0]);
        assertTrue(minStepScore[0] > 0.5, "protected: lowest score during the step " + minStepScore[0]);
        assertTrue(endForecast[1] > 7, "unprotected forecast follows the step: " + endForecast[1]);
    }

    private static AnomalySettings withProtectionWeight(double w) {
        return new AnomalySettings(S.warmUp(), S.shortWindow(), S.longWindow(), S.scaleWindow(), S.refractory(),
            S.alarmDigits(), S.levelWindow(), S.levelCap(), S.protectDigits(), S.protectRun(), S.protectMax(), w,
            S.halfDigits(), S.chartWindow(), S.chartHorizon(), S.chartWeight());
    }

    /**
     * Refractory period: on unit noise, a spike of 40 sd raises an alarm (score at least the alarm's); a second one
     * 100 events later scores just below the alarm's score; a third one after the refractory period alarms again.
     */
    @Test
    void oneAlarmPerIncidentThenTheScoreIsHeldBelowTheAlarmLevel() {
        double alarm = S.alarmDigits() / (S.alarmDigits() + S.halfDigits());
        AnomalyDetector d = new AnomalyDetector(1, withProtectionWeight(1.0));
        Rng rng = new Rng(12);
        double[] x = new double[1];
        double[] m = {0.0};
        double[] scores = new double[3];
        int k = 0;
        for (int t = 0; t < 2000 + 100 + S.refractory() + 1; t++) {
            boolean spike = t == 1000 || t == 1100 || t == 1100 + S.refractory() + 1;
            x[0] = spike ? 40.0 : rng.nextGaussian();
            AnomalyDetector.Score s = d.score(x, m);
            if (spike) {
                scores[k++] = s.score;
            }
        }
        assertTrue(scores[0] >= alarm, "first spike alarms: " + scores[0]);
        assertEquals(S.refractoryCeiling(), scores[1], 0.0, "second spike within the refractory period");
        assertTrue(scores[2] >= alarm, "a spike after the refractory period alarms again: " + scores[2]);
    }

    @Test
    void restoreContinuesBitIdentically() throws IOException {
        AnomalyDetector a = new AnomalyDetector(2, S);
        Rng rng = new Rng(8);
        double[] x = new double[2];
        double[] m = {0.0, 10.0};
        double[] k = {0.2, 9.5};
        for (int t = 0; t < 2500; t++) {
            x[0] = rng.nextGaussian() * (t % 100 == 0 ? 9 : 1) + (t >= 2400 && t < 2450 ? 30 : 0);
            x[1] = 10 + 2 * rng.nextGaussian();
            a.score(x, m, k);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        a.write(out);
        a.writeChart(out);
        // a detector built with other settings adopts the stored ones
        AnomalyDetector b = new AnomalyDetector(2, new AnomalySettings(10, 3, 50, 50, 100, 5.0, 50, 0.5, 3.0, 2, 20, 0.5, 2.0, 8, 100, 1.0));
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        b.read(in);
        b.readChart(in);
        assertEquals(S, b.settings());
        assertEquals(a.count(), b.count());
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        DataOutputStream outAgain = new DataOutputStream(again);
        b.write(outAgain);
        b.writeChart(outAgain);
        assertArrayEquals(bytes.toByteArray(), again.toByteArray());
        for (int t = 0; t < 300; t++) {
            x[0] = rng.nextGaussian() * (t % 50 == 0 ? 20 : 1);
            x[1] = 10 + 2 * rng.nextGaussian();
            AnomalyDetector.Score sa = a.score(x, m, k);
            double[] va = {sa.score, sa.surprise, sa.likelihood, sa.sustained, sa.level, sa.channel, sa.warmingUp ? 1 : 0, a.weight()};
            AnomalyDetector.Score sb = b.score(x, m, k);
            double[] vb = {sb.score, sb.surprise, sb.likelihood, sb.sustained, sb.level, sb.channel, sb.warmingUp ? 1 : 0, b.weight()};
            assertArrayEquals(va, vb, 0.0, "t " + t);
        }
    }

    @Test
    void warmUpIsMarkedForTheFirstEventsOnly() {
        ForecastingLearner f = forecaster(1);
        Rng rng = new Rng(2);
        for (int t = 0; t < S.warmUp() + 5; t++) {
            ForecastingLearner.Result r = f.observe(new double[] {rng.nextGaussian()});
            // the first event has no forecast; the detector's warm-up then counts scored events
            assertEquals(t <= S.warmUp(), r.warmingUp, "event " + t);
        }
        assertFalse(f.observe(new double[] {0.0}).warmingUp);
    }
}
