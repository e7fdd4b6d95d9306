package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/** The linear path's recursive least squares recovers known coefficients, alone and inside the forecaster. */
class LinearPathTest {

    @Test
    void rlsRecoversTheCoefficientsOfALinearModel() {
        double[] truth = {0.5, -1.25, 2.0, 0.75};
        RecursiveLeastSquares rls = new RecursiveLeastSquares(4, 1.0, 1.0, new double[4]);
        Rng rng = new Rng(3);
        double[] phi = new double[4];
        for (int t = 0; t < 5000; t++) {
            phi[0] = 1.0;
            for (int i = 1; i < 4; i++) {
                phi[i] = rng.nextGaussian();
            }
            double y = 0.1 * rng.nextGaussian();
            for (int i = 0; i < 4; i++) {
                y += truth[i] * phi[i];
            }
            rls.update(phi, y);
        }
        // standard error of each coefficient: 0.1 / sqrt(5000) = 0.0014; 0.006 is > 4 of them
        for (int i = 0; i < 4; i++) {
            assertEquals(truth[i], rls.coefficients()[i], 0.006, "coefficient " + i);
        }
    }

    /**
     * An AR(3) process x_t = 0.6 x_{t-1} - 0.3 x_{t-2} + 0.15 x_{t-3} + e_t around a level of 50: the channel's
     * unit (its first magnitude) scales values and intercept alike and keeps the lag coefficients, so the
     * forecaster's linear path (no forgetting, network
     * off, no event time) must find (0.6, -0.3, 0.15) on its three short lags, and nothing on the calendar
     * features (the missing seasonal lags hold the running mean, collinear with the intercept).
     */
    @Test
    void forecasterLinearPathRecoversAnAr3Process() {
        ForecasterOptions o = ForecasterOptions.DEFAULTS.withRecurrent(false).withForgetting(1.0);
        ForecastingLearner f = new ForecastingLearner(ModelConfig.builder().set(INPUTS, 1).build(), o, 7);
        Rng rng = new Rng(11);
        double x1 = 0;
        double x2 = 0;
        double x3 = 0;
        for (int t = 0; t < 30_000; t++) {
            double x = 0.6 * x1 - 0.3 * x2 + 0.15 * x3 + rng.nextGaussian();
            f.observe(new double[] {50 + x});
            x3 = x2;
            x2 = x1;
            x1 = x;
        }
        double[] c = f.linearCoefficients(0);
        // standard error ~ 1 / sqrt(30000) ~ 0.006 per coefficient (Huber weighting costs ~5 % efficiency)
        assertEquals(0.6, c[1], 0.025, "lag 1");
        assertEquals(-0.3, c[2], 0.025, "lag 2");
        assertEquals(0.15, c[3], 0.025, "lag 3");
        for (int i = ForecastingLearner.FEATURES - SeasonalContext.CALENDAR; i < ForecastingLearner.FEATURES; i++) {
            assertEquals(0.0, c[i], 0.0, "calendar feature " + i + " is always 0 without event time");
        }
    }

    /** A weekly-seasonal series: the week lag must carry the forecast (AR on x_{t+1-week} with coefficient ~0.9). */
    @Test
    void forecasterFindsTheWeeklyLag() {
        ForecasterOptions o = ForecasterOptions.DEFAULTS.withRecurrent(false).withForgetting(1.0);
        ForecastingLearner f = new ForecastingLearner(ModelConfig.builder().set(INPUTS, 1).build(), o, 7);
        Rng rng = new Rng(5);
        int week = 7 * 48;
        double[] pattern = new double[week];
        for (int i = 0; i < week; i++) {
            pattern[i] = 10 * rng.nextGaussian();
        }
        long half = 1_800_000L;
        for (int t = 0; t < 12 * week; t++) {
            f.observe(t * half, new double[] {100 + pattern[t % week] + 0.5 * rng.nextGaussian()});
        }
        assertEquals(1_800_000L, f.cadenceMillis());
        assertEquals(java.util.List.of(48, 96, week - 1, week, week + 1),
            java.util.Arrays.stream(f.seasonalLags()).boxed().toList());
        double[] c = f.linearCoefficients(0);
        int weekFeature = 1 + ForecastingLearner.SHORT_LAGS + 3;
        assertTrue(c[weekFeature] > 0.9, "week-lag coefficient " + c[weekFeature]);
        for (int i = 1; i <= 3; i++) {
            assertTrue(Math.abs(c[i]) < 0.1, "short lag " + i + " coefficient " + c[i]);
        }
    }
}
