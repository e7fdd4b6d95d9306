package org.flinkrtrl.core.cell;

import org.flinkrtrl.core.math.Kernels;

/** Shared forward pieces of every cell: building a = [h; x; 1] and z = W a. */
final class Presynaptic {
    private Presynaptic() {}

    static void fill(double[] h, double[] x, CellStep s) {
        System.arraycopy(h, 0, s.a, 0, s.n);
        System.arraycopy(x, 0, s.a, s.n, s.nx);
        s.a[s.m - 1] = 1.0;
    }

    /**
     * z = W a on the plain kernels, whichever kernels the estimators use: each z_q is one sum over p in ascending
     * order from 0.0, so z has the same bits on every JVM (four rows run side by side in the kernel's 4-row block).
     * The vanilla cell's tanh of z does not: it is the kernels' ({@code TanhCell}).
     */
    static void multWa(double[] W, CellStep s) {
        Kernels.plain().gemm(s.k, s.m, 1, W, 0, s.m, s.a, 0, 1, s.z, 0, 1);
    }
}
