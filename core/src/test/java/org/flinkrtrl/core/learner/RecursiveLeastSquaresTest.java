package org.flinkrtrl.core.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecursiveLeastSquaresTest {
    /**
     * The update as the textbook loops write it (g = P phi row by row, the triangle update mirrored, then the capped
     * division by lambda over the whole matrix), kept here as the oracle of the one-pass form's bits.
     */
    private static double reference(double[] theta, double[] cov, double[] phi, double y, double maxError, double lambda,
                                    double priorVariance) {
        int p = theta.length;
        double s0 = 0.0;
        for (int i = 0; i < p; i++) {
            s0 += theta[i] * phi[i];
        }
        double err = y - s0;
        double a = Math.abs(err);
        double w = a > maxError ? maxError / a : 1.0;
        double denom = lambda / w;
        double[] g = new double[p];
        for (int i = 0; i < p; i++) {
            double s = 0.0;
            for (int j = 0; j < p; j++) {
                s += cov[i * p + j] * phi[j];
            }
            g[i] = s;
            denom += phi[i] * s;
        }
        double inv = 1.0 / denom;
        double trace = 0.0;
        for (int i = 0; i < p; i++) {
            double ki = g[i] * inv;
            theta[i] += ki * err;
            for (int j = i; j < p; j++) {
                double v = cov[i * p + j] - ki * g[j];
                cov[i * p + j] = v;
                cov[j * p + i] = v;
            }
            trace += cov[i * p + i];
        }
        double f = Math.min(1.0 / lambda, Math.max(1.0, p * priorVariance / trace));
        for (int i = 0; i < cov.length; i++) {
            cov[i] *= f;
        }
        return err;
    }

    @Test
    void onePassUpdateGivesTheBitsOfTheTextbookLoops() {
        int p = 13;
        double lambda = 0.995;
        double prior = 100.0;
        RecursiveLeastSquares rls = new RecursiveLeastSquares(p, lambda, prior, new double[p]);
        double[] theta = new double[p];
        double[] cov = new double[p * p];
        for (int i = 0; i < p; i++) {
            cov[i * p + i] = prior;
        }
        SplittableRandom rnd = new SplittableRandom(11);
        double[] phi = new double[p];
        double x1 = 0;
        double x2 = 0;
        for (int t = 0; t < 20_000; t++) {
            double x = 1.5 * x1 - 0.7 * x2 + (t % 500 == 0 ? 40 : 1) * rnd.nextGaussian();
            phi[0] = 1.0;
            phi[1] = x1;
            phi[2] = x2;
            for (int k = 3; k < p; k++) {
                // features 5 and 9 stay 0, so the trace cap (the wind-up guard) is exercised
                phi[k] = k == 5 || k == 9 ? 0.0 : Math.sin(t * 0.01 * k) + 0.1 * rnd.nextGaussian();
            }
            double maxError = t % 3 == 0 ? Double.POSITIVE_INFINITY : 2.0;
            double e = rls.update(phi, x, maxError);
            double eRef = reference(theta, cov, phi, x, maxError, lambda, prior);
            assertEquals(Double.doubleToRawLongBits(eRef), Double.doubleToRawLongBits(e), "error at step " + t);
            assertArrayEquals(theta, rls.coefficients(), 0.0, "coefficients at step " + t);
            assertArrayEquals(cov, rls.covariance(), 0.0, "covariance at step " + t);
            assertTrue(rls.isFinite());
            x2 = x1;
            x1 = x;
        }
    }

    @Test
    void finitenessFollowsEveryWrite() {
        int p = 3;
        RecursiveLeastSquares rls = new RecursiveLeastSquares(p, 0.99, 1.0, new double[p]);
        assertTrue(rls.isFinite());
        rls.update(new double[] {1, 2, 3}, 1.0);
        assertTrue(rls.isFinite());
        // an infinite target: the coefficients become infinite
        rls.update(new double[] {1, 0, 0}, Double.POSITIVE_INFINITY);
        assertFalse(rls.isFinite());
        rls.reset();
        assertTrue(rls.isFinite());
        // a NaN feature: P and the coefficients turn NaN
        rls.update(new double[] {Double.NaN, 1, 0}, 1.0);
        assertFalse(rls.isFinite());
        rls.reset();
        // a covariance that overflows in the update: huge features of a direction P has not shrunk yet
        rls.update(new double[] {1e200, 1e200, 1e200}, 1.0);
        boolean scan = true;
        for (double v : rls.covariance()) {
            scan &= Double.isFinite(v);
        }
        for (double v : rls.coefficients()) {
            scan &= Double.isFinite(v);
        }
        assertEquals(scan, rls.isFinite());
        // a start from non-finite values is seen too
        double[] cov = new double[p * p];
        cov[4] = Double.NaN;
        rls.start(new double[p], cov);
        assertFalse(rls.isFinite());
        rls.start(new double[p], new double[p * p]);
        assertTrue(rls.isFinite());
    }
}
