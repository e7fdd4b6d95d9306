package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.qr.QRDecompositionHouseholderColumn_DDRM;
import org.flinkrtrl.core.math.Kernels;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/**
 * {@link HouseholderQr} against oracles: EJML's column Householder QR (same sign conventions, so R and Q agree
 * entry by entry on full-rank input), the explicitly formed {@code Q = H_0 ... H_{p-1}} built from the stored
 * reflectors for the compact-WY {@link HouseholderQr#apply} and {@link HouseholderQr#transposeTimesOnes}, and the
 * defining properties {@code Q R = A}, {@code Q^T Q = I} where no oracle applies (zero columns). Every check runs on
 * the plain kernels and, when the JVM has jdk.incubator.vector, on the SIMD kernels.
 */
class HouseholderQrTest {
    private static final double TOL = 1e-12;

    private static Kernels[] kernels() {
        Kernels v = Kernels.vector();
        return v == null ? new Kernels[] {Kernels.plain()} : new Kernels[] {Kernels.plain(), v};
    }

    /** The logical matrix (lead column first) of a stored column-major rows x cols matrix (lead column last). */
    private static DMatrixRMaj logical(double[] stored, int rows, int cols) {
        DMatrixRMaj a = new DMatrixRMaj(rows, cols);
        for (int l = 0; l < cols; l++) {
            int c = l == 0 ? cols - 1 : l - 1;
            for (int i = 0; i < rows; i++) {
                a.set(i, l, stored[c * rows + i]);
            }
        }
        return a;
    }

    private static double[] gaussian(Rng rng, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    /** Factors a copy of {@code stored} with a fresh or the given instance; returns the instance. */
    private static HouseholderQr factor(HouseholderQr qr, double[] stored) {
        System.arraycopy(stored, 0, qr.matrix(), 0, stored.length);
        qr.decompose();
        return qr;
    }

    /** R (p x cols) as a matrix. */
    private static DMatrixRMaj r(HouseholderQr qr, int cols) {
        int p = qr.reflectors();
        DMatrixRMaj out = new DMatrixRMaj(p, cols);
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < cols; j++) {
                out.set(i, j, qr.rFactor()[i * cols + j]);
            }
        }
        return out;
    }

    /** The full rows x rows {@code Q = H_0 H_1 ... H_{p-1}}, formed explicitly from the stored reflectors. */
    private static DMatrixRMaj explicitQ(HouseholderQr qr, int rows, int cols) {
        DMatrixRMaj stored = logical(qr.matrix(), rows, cols);
        DMatrixRMaj q = CommonOps_DDRM.identity(rows);
        for (int j = 0; j < qr.reflectors(); j++) {
            DMatrixRMaj u = new DMatrixRMaj(rows, 1);
            u.set(j, 0, 1.0);
            for (int i = j + 1; i < rows; i++) {
                u.set(i, 0, stored.get(i, j));
            }
            DMatrixRMaj h = CommonOps_DDRM.identity(rows);
            CommonOps_DDRM.multAddTransB(-qr.gamma(j), u, u, h);
            DMatrixRMaj next = new DMatrixRMaj(rows, rows);
            CommonOps_DDRM.mult(q, h, next);
            q = next;
        }
        return q;
    }

    /** Q [Y; 0] through {@link HouseholderQr#apply} (compact WY), as a rows x yCols matrix. */
    private static DMatrixRMaj applied(HouseholderQr qr, int rows, DMatrixRMaj y) {
        int p = qr.reflectors();
        int yCols = y.numCols;
        double[] yd = new double[p * yCols];
        for (int i = 0; i < p; i++) {
            for (int c = 0; c < yCols; c++) {
                yd[i * yCols + c] = y.get(i, c);
            }
        }
        double[] out = new double[rows * yCols];
        java.util.Arrays.fill(out, Double.NaN); // every entry must be written
        qr.apply(yd, yCols, out);
        DMatrixRMaj o = new DMatrixRMaj(rows, yCols);
        for (int c = 0; c < yCols; c++) {
            for (int i = 0; i < rows; i++) {
                o.set(i, c, out[c * rows + i]);
            }
        }
        return o;
    }

    private static double maxAbsDiff(DMatrixRMaj a, DMatrixRMaj b) {
        assertEquals(a.numRows, b.numRows);
        assertEquals(a.numCols, b.numCols);
        double d = 0.0;
        for (int i = 0; i < a.getNumElements(); i++) {
            d = Math.max(d, Math.abs(a.get(i) - b.get(i)));
        }
        return d;
    }

    private static double maxAbs(DMatrixRMaj a) {
        double d = 0.0;
        for (int i = 0; i < a.getNumElements(); i++) {
            d = Math.max(d, Math.abs(a.get(i)));
        }
        return d;
    }

    /**
     * Q R = A (logical order), the thin Q from the compact WY has orthonormal columns, the compact-WY product on a
     * random Y equals the explicitly formed Q times [Y; 0], and Q^T 1 equals the explicit Q's. Tolerances relative to
     * the largest entry involved.
     */
    private static void assertFactorisation(HouseholderQr qr, double[] stored, int rows, int cols, Rng rng,
                                            String where) {
        int p = qr.reflectors();
        DMatrixRMaj a = logical(stored, rows, cols);
        double scale = Math.max(maxAbs(a), Double.MIN_NORMAL);
        DMatrixRMaj thinQ = applied(qr, rows, CommonOps_DDRM.identity(p, p));
        DMatrixRMaj qr1 = new DMatrixRMaj(rows, cols);
        CommonOps_DDRM.mult(thinQ, r(qr, cols), qr1);
        assertTrue(maxAbsDiff(qr1, a) <= TOL * scale, where + ": Q R = A, off by " + maxAbsDiff(qr1, a));
        DMatrixRMaj qtq = new DMatrixRMaj(p, p);
        CommonOps_DDRM.multTransA(thinQ, thinQ, qtq);
        assertTrue(maxAbsDiff(qtq, CommonOps_DDRM.identity(p)) <= TOL, where + ": Q^T Q = I");
        for (int j = 0; j < p; j++) {
            for (int i = j + 1; i < p; i++) {
                assertEquals(0.0, qr.rFactor()[i * cols + j], where + ": R is upper triangular");
            }
        }

        DMatrixRMaj full = explicitQ(qr, rows, cols);
        for (int yCols : new int[] {1, cols - 1, cols}) {
            if (yCols < 1) {
                continue;
            }
            DMatrixRMaj y = new DMatrixRMaj(p, yCols, true, gaussian(rng, p * yCols));
            DMatrixRMaj padded = new DMatrixRMaj(rows, yCols);
            CommonOps_DDRM.insert(y, padded, 0, 0);
            DMatrixRMaj expect = new DMatrixRMaj(rows, yCols);
            CommonOps_DDRM.mult(full, padded, expect);
            DMatrixRMaj got = applied(qr, rows, y);
            double yScale = maxAbs(y);
            assertTrue(maxAbsDiff(got, expect) <= TOL * yScale,
                where + ": compact WY vs explicit Q, " + yCols + " columns, off by " + maxAbsDiff(got, expect));
        }
        DMatrixRMaj ones = new DMatrixRMaj(rows, 1);
        CommonOps_DDRM.fill(ones, 1.0);
        DMatrixRMaj qtOnes = new DMatrixRMaj(rows, 1);
        CommonOps_DDRM.multTransA(full, ones, qtOnes);
        double[] got = qr.transposeTimesOnes();
        for (int i = 0; i < rows; i++) {
            assertEquals(qtOnes.get(i), got[i], TOL * rows, where + ": Q^T 1 at " + i);
        }
    }

    /** Full-rank random input: R and the thin Q agree with EJML's column Householder QR entry by entry. */
    @Test
    void denseInputMatchesEjmlAndTheExplicitQ() {
        int[][] shapes = {{1, 1}, {7, 1}, {5, 5}, {10, 5}, {34, 5}, {64, 9}, {3, 5}, {1024, 5}, {48, 17}};
        for (Kernels kern : kernels()) {
            Rng rng = new Rng(7);
            for (int[] sh : shapes) {
                int rows = sh[0];
                int cols = sh[1];
                String where = kern.name() + " " + rows + "x" + cols;
                double[] stored = gaussian(rng, rows * cols);
                HouseholderQr qr = factor(new HouseholderQr(rows, cols, null, kern), stored);
                assertFactorisation(qr, stored, rows, cols, rng, where);

                QRDecompositionHouseholderColumn_DDRM ejml = new QRDecompositionHouseholderColumn_DDRM();
                assertTrue(ejml.decompose(logical(stored, rows, cols)));
                int p = qr.reflectors();
                DMatrixRMaj er = ejml.getR(new DMatrixRMaj(p, cols), true);
                DMatrixRMaj eq = ejml.getQ(new DMatrixRMaj(rows, p), true);
                assertTrue(maxAbsDiff(r(qr, cols), er) <= TOL * maxAbs(er), where + ": R as EJML's");
                assertTrue(maxAbsDiff(applied(qr, rows, CommonOps_DDRM.identity(p)), eq) <= TOL,
                    where + ": Q as EJML's");
            }
        }
    }

    /**
     * Zero columns (the factors right after a reset, a saturated cell's D_t): an all-zero column gets R[j,j] = 0,
     * its whole R column is exactly 0, its reflector is the identity, and Q stays orthonormal with Q R = A, also on
     * an instance that factored full-rank input before (a stale value from the previous matrix would break Q R = A).
     */
    @Test
    void zeroColumnsGiveZeroRColumnsAndAnOrthonormalQ() {
        int rows = 12;
        int cols = 5;
        for (Kernels kern : kernels()) {
            Rng rng = new Rng(3);
            HouseholderQr qr = new HouseholderQr(rows, cols, null, kern);
            // stored column c is logical c + 1; the lead (logical 0) is stored last
            int[][] zeroStored = {{0, 1, 2, 3}, {4}, {1}, {0, 2}, {0, 1, 2, 3, 4}, {3, 4}};
            for (int[] zeros : zeroStored) {
                factor(qr, gaussian(rng, rows * cols)); // reused instance: full rank first
                double[] stored = gaussian(rng, rows * cols);
                for (int c : zeros) {
                    java.util.Arrays.fill(stored, c * rows, (c + 1) * rows, 0.0);
                }
                factor(qr, stored);
                String where = kern.name() + " zero stored columns " + java.util.Arrays.toString(zeros);
                assertFactorisation(qr, stored, rows, cols, rng, where);
                for (int c : zeros) {
                    int l = c == cols - 1 ? 0 : c + 1;
                    assertEquals(0.0, qr.gamma(l), where + ": identity reflector");
                    for (int i = 0; i < qr.reflectors(); i++) {
                        assertEquals(0.0, qr.rFactor()[i * cols + l], where + ": R[" + i + "," + l + "]");
                    }
                }
            }
        }
    }

    /**
     * A lead column declared sparse (the pattern of vec D_t for n = 4 and k = 8: two diagonal blocks) gives the
     * factorisation of the same matrix treated as dense up to round-off, and an exact one; also when the lead column
     * is zero at row 0 and when it is zero everywhere.
     */
    @Test
    void sparseLeadColumnFactorsLikeTheDenseOne() {
        int n = 4;
        int k = 8;
        int rows = n * k;
        int[] lead = new int[k];
        for (int j = 0, t = 0; j < n; j++) {
            for (int b = 0; b < k / n; b++) {
                lead[t++] = j * k + b * n + j;
            }
        }
        for (Kernels kern : kernels()) {
            Rng rng = new Rng(11);
            for (int cols : new int[] {1, 2, 5, 9}) {
                for (int variant = 0; variant < 3; variant++) {
                    double[] stored = gaussian(rng, rows * cols);
                    int c0 = (cols - 1) * rows;
                    java.util.Arrays.fill(stored, c0, c0 + rows, 0.0);
                    if (variant < 2) {
                        for (int idx : lead) {
                            stored[c0 + idx] = rng.nextGaussian();
                        }
                    }
                    if (variant == 1) {
                        stored[c0] = 0.0;
                    }
                    String where = kern.name() + " cols " + cols + " variant " + variant;
                    HouseholderQr sparse = factor(new HouseholderQr(rows, cols, lead, kern), stored);
                    HouseholderQr dense = factor(new HouseholderQr(rows, cols, null, kern), stored);
                    assertFactorisation(sparse, stored, rows, cols, rng, where + " (sparse)");
                    double scale = maxAbs(r(dense, cols));
                    assertTrue(maxAbsDiff(r(sparse, cols), r(dense, cols)) <= TOL * scale, where + ": R as dense");
                    for (int j = 0; j < sparse.reflectors(); j++) {
                        assertEquals(dense.gamma(j), sparse.gamma(j), TOL, where + ": gamma " + j);
                    }
                    int p = sparse.reflectors();
                    DMatrixRMaj y = new DMatrixRMaj(p, cols, true, gaussian(rng, p * cols));
                    assertTrue(maxAbsDiff(applied(sparse, rows, y), applied(dense, rows, y)) <= TOL * maxAbs(y),
                        where + ": Q [Y; 0] as dense");
                    // the lead reflector is as sparse as the lead column
                    for (int i = 1; i < rows; i++) {
                        if (java.util.Arrays.binarySearch(lead, i) < 0) {
                            assertEquals(0.0, sparse.matrix()[c0 + i], where + ": reflector 0 at row " + i);
                        }
                    }
                }
            }
        }
    }

    /** Columns near the ends of the double range take the scaled norm: R scales exactly with the input. */
    @Test
    void tinyAndHugeColumnsScale() {
        int rows = 9;
        int cols = 4;
        for (Kernels kern : kernels()) {
            Rng rng = new Rng(5);
            double[] base = gaussian(rng, rows * cols);
            DMatrixRMaj r0 = r(factor(new HouseholderQr(rows, cols, null, kern), base), cols);
            for (double s : new double[] {0x1p-600, 0x1p600}) { // powers of two: scaling is exact
                double[] scaled = base.clone();
                for (int i = 0; i < scaled.length; i++) {
                    scaled[i] *= s;
                }
                HouseholderQr qr = factor(new HouseholderQr(rows, cols, null, kern), scaled);
                DMatrixRMaj rs = r(qr, cols);
                CommonOps_DDRM.scale(1.0 / s, rs);
                assertTrue(maxAbsDiff(rs, r0) <= TOL * maxAbs(r0), kern.name() + " scale " + s);
                assertFactorisation(qr, scaled, rows, cols, rng, kern.name() + " scale " + s);
            }
        }
    }

    @Test
    void rejectsASparseLeadWithoutRowZero() {
        assertThrows(IllegalArgumentException.class, () -> new HouseholderQr(8, 3, new int[] {1, 5}, Kernels.plain()));
        assertThrows(IllegalArgumentException.class, () -> new HouseholderQr(0, 3, null, Kernels.plain()));
    }
}
