package org.flinkrtrl.core.cell;

/** Shared forward pieces of every cell: building a = [h; x; 1] and z = W a. */
final class Presynaptic {
    private Presynaptic() {}

    static void fill(double[] h, double[] x, CellStep s) {
        System.arraycopy(h, 0, s.a, 0, s.n);
        System.arraycopy(x, 0, s.a, s.n, s.nx);
        s.a[s.m - 1] = 1.0;
    }

    static void multWa(double[] W, CellStep s) {
        int m = s.m;
        double[] a = s.a;
        for (int q = 0; q < s.k; q++) {
            int row = q * m;
            double acc = 0.0;
            for (int p = 0; p < m; p++) {
                acc += W[row + p] * a[p];
            }
            s.z[q] = acc;
        }
    }
}
