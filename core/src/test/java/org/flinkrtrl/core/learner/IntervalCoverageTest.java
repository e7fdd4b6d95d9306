package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 95 % interval holds about 95 % of actuals on every key after warm-up, whatever the noise: Gaussian,
 * Laplace (heavier tails) and Student-t with 3 degrees of freedom (infinite kurtosis), around an AR(1) level with
 * a daily cycle, each on three keys (seeds).
 */
class IntervalCoverageTest {
    static final int EVENTS = 6000;
    static final int WARM_UP = 1000;

    static double noise(String kind, Rng rng) {
        switch (kind) {
            case "gaussian":
                return rng.nextGaussian();
            case "laplace": {
                double u = rng.nextDouble() - 0.5;
                return -Math.signum(u) * Math.log(1 - 2 * Math.abs(u)) / Math.sqrt(2);
            }
            case "student3": {
                double z = rng.nextGaussian();
                double chi = 0;
                for (int i = 0; i < 3; i++) {
                    double g = rng.nextGaussian();
                    chi += g * g;
                }
                return z / Math.sqrt(chi / 3) / Math.sqrt(3);
            }
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gaussian", "laplace", "student3"})
    void coverageIsNearTheLevelOnEveryKey(String kind) {
        for (long key = 1; key <= 3; key++) {
            ForecastingLearner f = new ForecastingLearner(ModelConfig.builder().set(INPUTS, 1).set(HIDDEN, 8).build(), key);
            Rng rng = new Rng(100 + key);
            double level = 0;
            int inside = 0;
            int scored = 0;
            for (int t = 0; t < EVENTS; t++) {
                level = 0.8 * level + noise(kind, rng);
                double x = 20 + 5 * Math.sin(2 * Math.PI * t / 48) + level;
                ForecastingLearner.Result r = f.observe(t * 1_800_000L, new double[] {x});
                if (t >= WARM_UP) {
                    scored++;
                    if (r.covered(0, x)) {
                        inside++;
                    }
                    assertTrue(r.previousLower[0] < r.previousForecast[0] && r.previousForecast[0] < r.previousUpper[0]);
                    assertEquals(r.previousUpper[0] - r.previousForecast[0], r.previousForecast[0] - r.previousLower[0],
                        1e-9 * Math.abs(x));
                }
            }
            double coverage = (double) inside / scored;
            // binomial sd at 95 % over 5000 events: 0.3 %; the adaptive quantile keeps the miss rate at alpha
            assertEquals(0.95, coverage, 0.01, kind + " key " + key + ": coverage " + coverage);
        }
    }
}
