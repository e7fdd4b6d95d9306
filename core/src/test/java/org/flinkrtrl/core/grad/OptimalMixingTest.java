package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/**
 * Spec F.3 in coefficient space: the reduction's error {@code E = P P^T - diag(sigma)} has, for every sign draw,
 * {@code ||E||^2 = V_OK = S^2/(K-1) - sum_J sigma_j^2}, and mean zero over draws.
 */
class OptimalMixingTest {

    /** ||P P^T - diag(sigma)||_F^2, accumulating P P^T - diag(sigma) into {@code sumE} if non-null. */
    static double errorSq(double[] p, double[] sigma, int r, double[] sumE) {
        int r1 = r + 1;
        double e2 = 0.0;
        for (int i = 0; i < r1; i++) {
            for (int j = 0; j < r1; j++) {
                double v = 0.0;
                for (int l = 0; l < r; l++) {
                    v += p[i * r + l] * p[j * r + l];
                }
                if (i == j) {
                    v -= sigma[i];
                }
                if (sumE != null) {
                    sumE[i * r1 + j] += v;
                }
                e2 += v * v;
            }
        }
        return e2;
    }

    private static double sumSq(double[] sigma) {
        double s = 0.0;
        for (double v : sigma) {
            s += v * v;
        }
        return s;
    }

    /** Checks the deterministic error identity for {@code draws} sign draws; returns V_OK. */
    static double checkDeterministic(double[] sigma, int draws, Rng rng) {
        return checkDeterministic(sigma, draws, rng, false);
    }

    static double checkDeterministic(double[] sigma, int draws, Rng rng, boolean pairMix) {
        int r = sigma.length - 1;
        OptimalMixing mix = new OptimalMixing(r, pairMix);
        double[] p = new double[(r + 1) * r];
        double tol = 1e-10 * Math.max(sumSq(sigma), Double.MIN_NORMAL);
        double v = Double.NaN;
        for (int d = 0; d < draws; d++) {
            mix.mix(sigma, rng, p);
            double e2 = errorSq(p, sigma, r, null);
            v = mix.lastVariance();
            assertEquals(v, e2, tol, () -> "sigma=" + Arrays.toString(sigma));
            for (double x : p) {
                assertTrue(Double.isFinite(x));
            }
        }
        return v;
    }

    @Test
    void specTableRows() {
        Rng rng = new Rng(3);
        double[][] sig = {{3, 1}, {10, 3, 1, 0.5, 0.2}, {1, 0.9, 0.8, 0.7, 0.6}};
        double[] vOk = {6.0, 0.2, 0.7};
        int[] mStar = {1, 4, 1};
        int[] kMixed = {2, 2, 5};
        for (int row = 0; row < sig.length; row++) {
            double v = checkDeterministic(sig[row], 1000, rng);
            assertEquals(vOk[row], v, 1e-12, "V_OK row " + row);
            OptimalMixing mix = new OptimalMixing(sig[row].length - 1);
            mix.mix(sig[row], rng, new double[sig[row].length * (sig[row].length - 1)]);
            assertEquals(mStar[row], mix.lastKept() + 1, "m* row " + row);
            assertEquals(kMixed[row], mix.lastMixedCount(), "K row " + row);
            assertEquals(kMixed[row] - 1, mix.lastMixedSlots());
        }
    }

    @Test
    void pairMixSpecTableColumn() {
        Rng rng = new Rng(4);
        double[][] sig = {{3, 1}, {10, 3, 1, 0.5, 0.2}, {1, 0.9, 0.8, 0.7, 0.6}};
        double[] vPair = {6.0, 0.2, 0.84};
        for (int row = 0; row < sig.length; row++) {
            double v = checkDeterministic(sig[row], 1000, rng, true);
            assertEquals(vPair[row], v, 1e-12, "pair-mix V row " + row);
            assertTrue(v >= checkDeterministic(sig[row], 1, rng, false) - 1e-12, "pair-mix never beats OK");
        }
    }

    @Test
    void randomSpectraIncludingTiesZerosAndAllEqual() {
        Rng rng = new Rng(17);
        for (int trial = 0; trial < 400; trial++) {
            int r = 1 + rng.nextInt(8);
            double[] s = new double[r + 1];
            int kind = trial % 5;
            for (int j = 0; j <= r; j++) {
                switch (kind) {
                    case 0: s[j] = Math.exp(3 * rng.nextGaussian()); break;        // wide dynamic range
                    case 1: s[j] = 1 + rng.nextInt(3); break;                      // many ties
                    case 2: s[j] = rng.nextDouble() < 0.5 ? 0.0 : rng.nextDouble(); break; // zeros
                    case 3: s[j] = 2.5; break;                                     // all equal
                    default: s[j] = rng.nextDouble(); break;
                }
            }
            Arrays.sort(s);
            for (int j = 0; j <= r / 2; j++) { // descending
                double t = s[j];
                s[j] = s[r - j];
                s[r - j] = t;
            }
            double v = checkDeterministic(s, 5, rng);
            assertTrue(v >= 0.0);
            assertTrue(checkDeterministic(s, 2, rng, true) >= v - 1e-12 * sumSq(s), "pair-mix >= OK");
            if (kind == 3) {
                // all equal: everything is mixed, V = (r+1)^2 s^2 / r - (r+1) s^2 = (r+1) s^2 / r
                assertEquals((r + 1) * 2.5 * 2.5 / r, v, 1e-10 * sumSq(s));
            }
        }
    }

    @Test
    void allZeroSpectrumGivesZeroTerms() {
        OptimalMixing mix = new OptimalMixing(3);
        double[] p = new double[12];
        Arrays.fill(p, 7.0);
        mix.mix(new double[4], new Rng(1), p);
        for (double x : p) {
            assertEquals(0.0, x);
        }
        assertEquals(0.0, mix.lastVariance());
        assertEquals(0.0, mix.lastMixedFraction());
    }

    @Test
    void rankDeficientSpectrumIsExact() {
        // sigma_{r+1} = 0: keeping r components is exact, so the optimal variance must be 0.
        double[] s = {5, 2, 2, 0};
        checkDeterministic(s, 20, new Rng(2));
        OptimalMixing mix = new OptimalMixing(3);
        mix.mix(s, new Rng(2), new double[12]);
        assertEquals(0.0, mix.lastVariance(), 1e-12);
    }

    @Test
    void meanErrorIsZero() {
        Rng rng = new Rng(99);
        double[][] sig = {{3, 1}, {10, 3, 1, 0.5, 0.2}, {1, 0.9, 0.8, 0.7, 0.6}, {4, 4, 1, 1, 1, 0.1}};
        int draws = 50_000;
        for (double[] s : sig) {
            int r = s.length - 1;
            OptimalMixing mix = new OptimalMixing(r);
            double[] p = new double[(r + 1) * r];
            double[] sumE = new double[(r + 1) * (r + 1)];
            for (int d = 0; d < draws; d++) {
                mix.mix(s, rng, p);
                errorSq(p, s, r, sumE);
            }
            // Each entry of E has variance <= V_OK, so its mean has sd <= sqrt(V_OK / draws).
            double bound = 5 * Math.sqrt(mix.lastVariance() / draws) + 1e-12;
            double max = 0.0;
            for (double e : sumE) {
                max = Math.max(max, Math.abs(e / draws));
            }
            System.out.printf("F.3 mean error sigma=%s: max|E[err]| = %.2e (bound %.2e)%n", Arrays.toString(s), max,
                    bound);
            assertTrue(max <= bound, "max |mean error| " + max + " > " + bound);
        }
    }

    @Test
    void mixingIsRandomBeyondAGlobalSign() {
        // Guard against the pitfall of G.1: with one sign per mixed component, the off-diagonal entries of E
        // flip sign between draws (they are random), so two different draws must give different P.
        OptimalMixing mix = new OptimalMixing(4);
        double[] s = {1, 0.9, 0.8, 0.7, 0.6};
        Rng rng = new Rng(5);
        double[] p0 = new double[20];
        mix.mix(s, rng, p0);
        boolean differs = false;
        double[] p = new double[20];
        for (int d = 0; d < 20 && !differs; d++) {
            mix.mix(s, rng, p);
            differs = !Arrays.equals(p0, p) && !Arrays.equals(p0, negate(p));
        }
        assertTrue(differs, "mixing must be random beyond a global sign");
    }

    private static double[] negate(double[] p) {
        double[] q = p.clone();
        for (int i = 0; i < q.length; i++) {
            q[i] = -q[i];
        }
        return q;
    }

    @Test
    void rejectsRankBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new OptimalMixing(0));
    }
}
