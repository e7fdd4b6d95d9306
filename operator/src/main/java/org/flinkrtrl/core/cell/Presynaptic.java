package org.flinkrtrl.core.cell;

/** Shared forward pieces of every cell: building a = [h; x; 1] and z = W a. */
final class Presynaptic {
    private Presynaptic() {}

    static void fill(double[] h, double[] x, CellStep s) {
        System.arraycopy(h, 0, s.a, 0, s.n);
        System.arraycopy(x, 0, s.a, s.n, s.nx);
        s.a[s.m - 1] = 1.0;
    }

    /**
     * z = W a. Each z_q is one sum over p in ascending order from 0.0 (unchanged bits); four rows are summed side by
     * side so the four dependent add chains overlap instead of running one after the other.
     */
    static void multWa(double[] W, CellStep s) {
        int m = s.m;
        int k = s.k;
        double[] a = s.a;
        double[] z = s.z;
        int q = 0;
        for (; q + 4 <= k; q += 4) {
            int r0 = q * m;
            int r1 = r0 + m;
            int r2 = r1 + m;
            int r3 = r2 + m;
            double acc0 = 0.0;
            double acc1 = 0.0;
            double acc2 = 0.0;
            double acc3 = 0.0;
            for (int p = 0; p < m; p++) {
                double ap = a[p];
                acc0 += W[r0 + p] * ap;
                acc1 += W[r1 + p] * ap;
                acc2 += W[r2 + p] * ap;
                acc3 += W[r3 + p] * ap;
            }
            z[q] = acc0;
            z[q + 1] = acc1;
            z[q + 2] = acc2;
            z[q + 3] = acc3;
        }
        for (; q < k; q++) {
            int row = q * m;
            double acc = 0.0;
            for (int p = 0; p < m; p++) {
                acc += W[row + p] * a[p];
            }
            z[q] = acc;
        }
    }
}
