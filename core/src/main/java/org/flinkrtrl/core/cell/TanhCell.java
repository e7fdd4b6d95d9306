package org.flinkrtrl.core.cell;

/** Vanilla cell h' = tanh(W a): k = n, D = diag(1 - h'^2), H = D W_h (spec A.1 item 1). */
public final class TanhCell implements Cell {
    private final int n;
    private final int nx;

    public TanhCell(int hidden, int input) {
        if (hidden < 1 || input < 0) {
            throw new IllegalArgumentException("hidden must be >= 1 and input >= 0, got " + hidden + ", " + input);
        }
        this.n = hidden;
        this.nx = input;
    }

    @Override public int hiddenSize() { return n; }
    @Override public int inputSize() { return nx; }
    @Override public int gates() { return 1; }

    @Override
    public void forward(double[] W, double[] h, double[] x, CellStep s) {
        Presynaptic.fill(h, x, s);
        Presynaptic.multWa(W, s);
        for (int j = 0; j < n; j++) {
            double y = Math.tanh(s.z[j]);
            s.hNext[j] = y;
            s.dDiag[j] = 1.0 - y * y;
            s.hDiag[j] = 0.0;
        }
    }
}
