package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.flinkrtrl.core.math.Kernels;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/**
 * {@link CholeskyQr2} against {@link HouseholderQr} on OK's M shape (vec D_t as the sparse lead column, stored last):
 * the same R up to the signs of its rows, the same {@code Q Y} up to the signs of Y's rows, {@code Q^T Q = I} and
 * {@code Q R = X} to round-off, {@code Q^T 1}, the input left unchanged; and the refusals that send a matrix to the
 * Householder fallback (zero column, rank deficiency, condition beyond the CholeskyQR2 bound). Every check runs on
 * the plain kernels and, when the JVM has jdk.incubator.vector, on the SIMD kernels (count 4 takes the SIMD Gram and
 * 4 x 4 product kernels).
 */
class CholeskyQr2Test {
    private static final double TOL = 1e-12;

    private static Kernels[] kernels() {
        Kernels v = Kernels.vector();
        return v == null ? new Kernels[] {Kernels.plain()} : new Kernels[] {Kernels.plain(), v};
    }

    /** Rows of vec D_t for an n x k D = [diag | diag ...], as OkRtrlScratch declares them. */
    private static int[] leadRows(int n, int k) {
        int[] idx = new int[k];
        for (int j = 0, t = 0; j < n; j++) {
            for (int b = 0; b < k / n; b++) {
                idx[t++] = j * k + b * n + j;
            }
        }
        return idx;
    }

    /** A random M: cols - 1 dense Gaussian columns with the given column scales, then the sparse lead column. */
    private static double[] randomM(Rng rng, int rows, int cols, int[] lead, double[] scales) {
        double[] a = new double[rows * cols];
        for (int c = 0; c < cols - 1; c++) {
            for (int i = 0; i < rows; i++) {
                a[c * rows + i] = scales[c] * rng.nextGaussian();
            }
        }
        for (int idx : lead) {
            a[(cols - 1) * rows + idx] = 0.5 + rng.nextDouble();
        }
        return a;
    }

    /** Logical column l (lead first) of a stored matrix. */
    private static double at(double[] stored, int rows, int cols, int i, int l) {
        return stored[(l == 0 ? cols - 1 : l - 1) * rows + i];
    }

    /** Q (rows x cols, column c at c rows) of a factorisation, through apply with Y = I. */
    private static double[] qOf(CholeskyQr2 qr, int rows, int cols) {
        double[] eye = new double[cols * cols];
        for (int i = 0; i < cols; i++) {
            eye[i * cols + i] = 1.0;
        }
        double[] q = new double[rows * cols];
        qr.apply(eye, cols, q);
        return q;
    }

    @Test
    void factorsLikeHouseholderOnOkShapes() {
        for (Kernels kern : kernels()) {
            Rng rng = new Rng(23);
            for (int[] shape : new int[][] {{32, 32, 5}, {16, 16, 5}, {8, 24, 5}, {16, 16, 3}, {6, 6, 2}, {12, 12, 7}}) {
                int n = shape[0];
                int k = shape[1];
                int cols = shape[2];
                int rows = n * k;
                int[] lead = leadRows(n, k);
                double[] scales = new double[cols - 1];
                for (int c = 0; c < scales.length; c++) {
                    scales[c] = Math.pow(10.0, -c); // column norms over four decades: scaling is harmless
                }
                double[] stored = randomM(rng, rows, cols, lead, scales);
                String where = kern.name() + " " + n + "x" + k + " cols " + cols;
                CholeskyQr2 cq = new CholeskyQr2(stored.clone(), rows, cols, lead, kern);
                double[] before = cq.matrix().clone();
                assertTrue(cq.decompose(), where + ": well-conditioned input accepted");
                assertArrayEquals(before, cq.matrix(), where + ": input unchanged");
                HouseholderQr hq = new HouseholderQr(rows, cols, lead, kern);
                System.arraycopy(stored, 0, hq.matrix(), 0, stored.length);
                hq.decompose();
                double[] rc = cq.rFactor();
                double[] rh = hq.rFactor();
                double rScale = 0.0;
                for (double v : rh) {
                    rScale = Math.max(rScale, Math.abs(v));
                }
                double[] sign = new double[cols];
                for (int i = 0; i < cols; i++) {
                    assertTrue(rc[i * cols + i] > 0.0, where + ": positive diagonal");
                    sign[i] = Math.signum(rh[i * cols + i]);
                    for (int j = 0; j < cols; j++) {
                        assertEquals(sign[i] * rh[i * cols + j], rc[i * cols + j], TOL * rScale,
                            where + ": R[" + i + "][" + j + "] = Householder's up to the row sign");
                    }
                }
                double[] q = qOf(cq, rows, cols);
                for (int a = 0; a < cols; a++) {
                    for (int b = 0; b < cols; b++) {
                        double d = 0.0;
                        for (int i = 0; i < rows; i++) {
                            d += q[a * rows + i] * q[b * rows + i];
                        }
                        assertEquals(a == b ? 1.0 : 0.0, d, 1e-14, where + ": Q^T Q at " + a + "," + b);
                    }
                }
                for (int l = 0; l < cols; l++) {
                    double colScale = Math.sqrt(rc[l * cols + l] * rc[l * cols + l] + (l > 0 ? rc[l] * rc[l] : 0.0));
                    for (int i = 0; i < rows; i++) {
                        double qr = 0.0;
                        for (int t = 0; t <= l; t++) {
                            qr += q[t * rows + i] * rc[t * cols + l];
                        }
                        assertEquals(at(stored, rows, cols, i, l), qr, 1e-13 * Math.max(colScale, scales[0]),
                            where + ": (Q R)[" + i + "][" + l + "]");
                    }
                }
                // Q Y against Householder's Q [Y; 0] with Y's rows signed like R's.
                int yCols = cols - 1;
                double[] y = new double[cols * yCols];
                double[] ys = new double[cols * yCols];
                for (int i = 0; i < y.length; i++) {
                    y[i] = rng.nextGaussian();
                    ys[i] = sign[i / yCols] * y[i];
                }
                double[] outC = new double[rows * yCols];
                double[] outH = new double[rows * yCols];
                cq.apply(y, yCols, outC);
                hq.apply(ys, yCols, outH);
                for (int i = 0; i < outC.length; i++) {
                    assertEquals(outH[i], outC[i], TOL * 10, where + ": Q Y at " + i);
                }
                double[] onesC = cq.transposeTimesOnes();
                double[] onesH = hq.transposeTimesOnes();
                for (int j = 0; j < cols; j++) {
                    assertEquals(sign[j] * onesH[j], onesC[j], 1e-11, where + ": Q^T 1 at " + j);
                }
            }
        }
    }

    @Test
    void refusesZeroColumnsRankDeficiencyAndIllConditioning() {
        int n = 16;
        int k = 16;
        int rows = n * k;
        int cols = 5;
        int[] lead = leadRows(n, k);
        for (Kernels kern : kernels()) {
            Rng rng = new Rng(5);
            double[] ones = {1, 1, 1, 1};
            // a zero term (the first steps after a reset)
            double[] zero = randomM(rng, rows, cols, lead, ones);
            Arrays.fill(zero, 2 * rows, 3 * rows, 0.0);
            assertFalse(new CholeskyQr2(zero, rows, cols, lead, kern).decompose(), kern.name() + ": zero column");
            // an all-zero lead column
            double[] zeroLead = randomM(rng, rows, cols, lead, ones);
            Arrays.fill(zeroLead, 4 * rows, 5 * rows, 0.0);
            assertFalse(new CholeskyQr2(zeroLead, rows, cols, lead, kern).decompose(), kern.name() + ": zero lead");
            // two equal columns
            double[] equal = randomM(rng, rows, cols, lead, ones);
            System.arraycopy(equal, 0, equal, 3 * rows, rows);
            assertFalse(new CholeskyQr2(equal, rows, cols, lead, kern).decompose(), kern.name() + ": rank 4");
            // a column that differs from another by a relative 1e-6: kappa ~ 1e6, beyond the bound; 1e-2 is accepted
            for (double eps : new double[] {1e-6, 1e-2}) {
                double[] near = randomM(rng, rows, cols, lead, ones);
                for (int i = 0; i < rows; i++) {
                    near[3 * rows + i] = near[i] + eps * rng.nextGaussian();
                }
                CholeskyQr2 cq = new CholeskyQr2(near, rows, cols, lead, kern);
                assertEquals(eps > 1e-4, cq.decompose(), kern.name() + ": nearly parallel columns, eps " + eps);
            }
            // non-finite entries
            double[] nan = randomM(rng, rows, cols, lead, ones);
            nan[7] = Double.NaN;
            assertFalse(new CholeskyQr2(nan, rows, cols, lead, kern).decompose(), kern.name() + ": NaN");
        }
    }

    @Test
    void conditionBoundFollowsTheTheorem() {
        CholeskyQr2 cq = new CholeskyQr2(new double[1024 * 5], 1024, 5, leadRows(32, 32), Kernels.plain());
        // 1 / (8 sqrt((1024 * 5 + 30) 2^-53)) / 16 = 1.66e5 / 16
        assertEquals(1.0 / (8.0 * Math.sqrt(5150 * Math.pow(2, -53))) / 16.0, cq.kappaMax(), 1e-6);
        assertTrue(cq.kappaMax() > 1e4 && cq.kappaMax() < 2e4);
    }

    /**
     * The written-out 5 x 5 factorisation has the loop form's bits (R, S) and answer, on Gram matrices of random
     * 64 x 5 matrices with column scales over 12 decades, nearly parallel columns (refused or accepted by the
     * condition bound), and invalid ones (zero, negative, infinite or NaN diagonal; a non-positive pivot).
     */
    @Test
    void writtenOutFiveByFiveFactorisationHasTheLoopFormsBits() {
        Rng rng = new Rng(41);
        double kappaMax = 1e4;
        int accepted = 0;
        int refused = 0;
        for (int trial = 0; trial < 3000; trial++) {
            int rows = 64;
            double[] x = new double[rows * 5];
            for (int c = 0; c < 5; c++) {
                double scale = Math.pow(10.0, -6 + 12 * rng.nextDouble());
                for (int i = 0; i < rows; i++) {
                    x[c * rows + i] = scale * rng.nextGaussian();
                }
            }
            if (trial % 3 == 1) { // column 3 nearly parallel to column 1
                double eps = Math.pow(10.0, -1 - 7 * rng.nextDouble());
                for (int i = 0; i < rows; i++) {
                    x[3 * rows + i] = x[rows + i] * (1.0 + eps * rng.nextGaussian());
                }
            }
            double[] g = new double[25];
            for (int i = 0; i < 5; i++) {
                for (int j = i; j < 5; j++) {
                    double acc = 0.0;
                    for (int t = 0; t < rows; t++) {
                        acc += x[i * rows + t] * x[j * rows + t];
                    }
                    g[i * 5 + j] = acc;
                }
            }
            if (trial % 50 == 7) {
                int d = rng.nextInt(5);
                double[] bad = {0.0, -1.0, Double.POSITIVE_INFINITY, Double.NaN};
                g[d * 5 + d] = bad[rng.nextInt(bad.length)];
            } else if (trial % 50 == 17) {
                g[12] = g[2] * g[2] / g[0]; // pivot 2 is 0 or below in rounding
            }
            double[] r1 = new double[25];
            double[] s1 = new double[25];
            double[] r2 = new double[25];
            double[] s2 = new double[25];
            boolean loop = CholeskyQr2.cholesky(g, 5, kappaMax, r1, s1);
            boolean written = CholeskyQr2.cholesky5(g, kappaMax, r2, s2);
            assertEquals(loop, written, "trial " + trial);
            if (loop) {
                accepted++;
                for (int i = 0; i < 25; i++) {
                    assertEquals(Double.doubleToRawLongBits(r1[i]), Double.doubleToRawLongBits(r2[i]), "R " + i);
                    assertEquals(Double.doubleToRawLongBits(s1[i]), Double.doubleToRawLongBits(s2[i]), "S " + i);
                }
            } else {
                refused++;
            }
        }
        assertTrue(accepted > 1000 && refused > 500, accepted + " accepted, " + refused + " refused");
    }
}
