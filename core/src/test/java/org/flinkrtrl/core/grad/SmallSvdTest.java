package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

/** {@link SmallSvd} against EJML's SVD: singular values, reconstruction, orthonormality, on many shapes. */
class SmallSvdTest {
    /**
     * The sweep's round-robin order: every pair p < q exactly once, and the pairs come in rounds of floor(nc / 2)
     * disjoint pairs (what lets consecutive rotations overlap).
     */
    @Test
    void sweepOrderIsRoundRobin() {
        for (int nc = 1; nc <= 8; nc++) {
            SmallSvd svd = new SmallSvd(nc, nc);
            int count = svd.pairOrder(nc);
            org.junit.jupiter.api.Assertions.assertEquals(nc * (nc - 1) / 2, count, "nc=" + nc);
            boolean[][] seen = new boolean[nc][nc];
            int perRound = nc / 2;
            for (int t = 0; t < count; t++) {
                int p = svd.pairs[2 * t];
                int q = svd.pairs[2 * t + 1];
                assertTrue(p < q && q < nc, "nc=" + nc + " pair " + p + "," + q);
                assertFalse(seen[p][q], "nc=" + nc + " pair " + p + "," + q + " twice");
                seen[p][q] = true;
                int roundStart = t - t % perRound;
                for (int u = roundStart; u < t; u++) {
                    int a = svd.pairs[2 * u];
                    int b = svd.pairs[2 * u + 1];
                    assertTrue(a != p && a != q && b != p && b != q, "nc=" + nc + ": round shares a column at " + t);
                }
            }
        }
    }


    private static void check(double[] a, int rows, int cols, String what) {
        int ns = Math.min(rows, cols);
        SmallSvd svd = new SmallSvd(rows + 2, cols + 1); // larger capacity than needed on purpose
        int ldx = ns + 1;
        int ldy = ns + 2;
        double[] x = new double[rows * ldx];
        double[] y = new double[cols * ldy];
        double[] s = new double[ns];
        assertTrue(svd.decompose(a, rows, cols, cols, x, ldx, y, ldy, s), what);
        SingularValueDecomposition_F64<DMatrixRMaj> ref = DecompositionFactory_DDRM.svd(rows, cols, false, false, true);
        assertTrue(ref.decompose(new DMatrixRMaj(rows, cols, true, a)), what);
        double[] sr = ref.getSingularValues().clone();
        java.util.Arrays.sort(sr);
        double norm = 0.0;
        for (double e : a) {
            norm = Math.max(norm, Math.abs(e));
        }
        double s1 = Math.max(sr[sr.length - 1], 1e-300);
        for (int k = 0; k < ns; k++) {
            assertTrue(k == 0 || s[k - 1] >= s[k], what + ": descending");
            double e = sr[ns - 1 - k];
            // relative to the singular value itself where it is well above round-off of the largest one
            assertTrue(Math.abs(s[k] - e) <= 1e-13 * e + 1e-14 * s1, what + ": sigma_" + k + " " + s[k] + " vs " + e);
        }
        double err = 0.0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double acc = 0.0;
                for (int k = 0; k < ns; k++) {
                    acc += x[i * ldx + k] * s[k] * y[j * ldy + k];
                }
                err = Math.max(err, Math.abs(acc - a[i * cols + j]));
            }
        }
        assertTrue(err <= 1e-14 * Math.max(s1, 1e-300) * Math.max(rows, cols), what + ": reconstruction " + err);
        for (int p = 0; p < ns; p++) {
            for (int q = 0; q < ns; q++) {
                double dx = 0.0;
                double dy = 0.0;
                for (int i = 0; i < rows; i++) {
                    dx += x[i * ldx + p] * x[i * ldx + q];
                }
                for (int j = 0; j < cols; j++) {
                    dy += y[j * ldy + p] * y[j * ldy + q];
                }
                double id = p == q ? 1.0 : 0.0;
                assertTrue(Math.abs(dx - id) < 1e-14 && Math.abs(dy - id) < 1e-14,
                    what + ": orthonormality (" + p + "," + q + ") " + dx + " " + dy);
            }
        }
    }

    private static double[] random(Random rnd, int rows, int cols, int rank, double scale) {
        double[] a = new double[rows * cols];
        for (int t = 0; t < rank; t++) {
            double[] u = new double[rows];
            double[] v = new double[cols];
            for (int i = 0; i < rows; i++) {
                u[i] = rnd.nextGaussian();
            }
            for (int j = 0; j < cols; j++) {
                v[j] = rnd.nextGaussian();
            }
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    a[i * cols + j] += scale * u[i] * v[j];
                }
            }
        }
        return a;
    }

    @Test
    void matchesEjmlOnRandomRankDeficientAndZeroMatrices() {
        Random rnd = new Random(42);
        int[][] shapes = {{1, 1}, {2, 2}, {3, 3}, {5, 5}, {9, 9}, {17, 17}, {5, 3}, {3, 5}, {4, 9}, {9, 4}, {1, 5},
            {5, 1}};
        for (int[] sh : shapes) {
            int rows = sh[0];
            int cols = sh[1];
            int ns = Math.min(rows, cols);
            for (int trial = 0; trial < 30; trial++) {
                double scale = Math.pow(10.0, rnd.nextInt(41) - 20);
                check(random(rnd, rows, cols, ns, scale), rows, cols, rows + "x" + cols + " full #" + trial);
                int rank = rnd.nextInt(ns + 1);
                check(random(rnd, rows, cols, rank, scale), rows, cols,
                    rows + "x" + cols + " rank " + rank + " #" + trial);
            }
            check(new double[rows * cols], rows, cols, rows + "x" + cols + " zero");
            // graded spectrum (Jacobi keeps the small ones accurate) and exact ties
            double[] g = new double[rows * cols];
            double[] t = new double[rows * cols];
            for (int k = 0; k < ns; k++) {
                g[k * cols + k] = Math.pow(10.0, -2 * k);
                t[k * cols + k] = 2.0;
            }
            check(g, rows, cols, rows + "x" + cols + " graded");
            check(t, rows, cols, rows + "x" + cols + " ties");
        }
    }

    @Test
    void rejectsNonFiniteInput() {
        SmallSvd svd = new SmallSvd(3, 3);
        double[] a = {1, 2, 3, 4, Double.NaN, 6, 7, 8, 9};
        assertFalse(svd.decompose(a, 3, 3, 3, new double[9], 3, new double[9], 3, new double[3]));
        a[4] = Double.POSITIVE_INFINITY;
        assertFalse(svd.decompose(a, 3, 3, 3, new double[9], 3, new double[9], 3, new double[3]));
    }
}
