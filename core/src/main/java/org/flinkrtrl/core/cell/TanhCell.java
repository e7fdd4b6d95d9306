package org.flinkrtrl.core.cell;

import org.flinkrtrl.core.math.Kernels;

/**
 * Vanilla cell h' = tanh(W a): k = n, D = diag(1 - h'^2), H = D W_h (spec A.1 item 1). The tanh is the kernels'
 * ({@link Kernels#tanh}, {@link Kernels#forWidth} of n, the estimators' choice for this cell): {@code Math.tanh} on
 * the plain kernels, a deterministic lane-wise tanh within 2 ulp of it on the SIMD kernels.
 */
public final class TanhCell implements Cell {
    private final int n;
    private final int nx;
    private final Kernels kern;

    public TanhCell(int hidden, int input) {
        if (hidden < 1 || input < 0) {
            throw new IllegalArgumentException("hidden must be >= 1 and input >= 0, got " + hidden + ", " + input);
        }
        this.n = hidden;
        this.nx = input;
        this.kern = Kernels.forWidth(hidden);
    }

    @Override public int hiddenSize() { return n; }
    @Override public int inputSize() { return nx; }
    @Override public int gates() { return 1; }

    @Override
    public void forward(double[] W, double[] h, double[] x, CellStep s) {
        Presynaptic.fill(h, x, s);
        Presynaptic.multWa(W, s);
        kern.tanh(s.z, 0, s.hNext, 0, n);
        for (int j = 0; j < n; j++) {
            double y = s.hNext[j];
            s.dDiag[j] = 1.0 - y * y;
            s.hDiag[j] = 0.0;
        }
    }
}
