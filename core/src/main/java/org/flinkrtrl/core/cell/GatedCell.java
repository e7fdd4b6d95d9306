package org.flinkrtrl.core.cell;

/**
 * The authors' gated cell, a depth-1 highway cell with a coupled carry gate (spec A.1 item 2):
 * z = [z_c; z_f], c = 2 sigma(z_c) - 1, f = sigma(z_f), h' = f .* h + (1 - f) .* c; k = 2n.
 * D = [diag((1-f) .* c') | diag((h - c) .* f')], H = diag(f) + D W_h.
 */
public final class GatedCell implements Cell {
    private final int n;
    private final int nx;

    public GatedCell(int hidden, int input) {
        if (hidden < 1 || input < 0) {
            throw new IllegalArgumentException("hidden must be >= 1 and input >= 0, got " + hidden + ", " + input);
        }
        this.n = hidden;
        this.nx = input;
    }

    @Override public int hiddenSize() { return n; }
    @Override public int inputSize() { return nx; }
    @Override public int gates() { return 2; }

    @Override
    public void forward(double[] W, double[] h, double[] x, CellStep s) {
        Presynaptic.fill(h, x, s);
        Presynaptic.multWa(W, s);
        for (int j = 0; j < n; j++) {
            double sc = sigmoid(s.z[j]);
            double c = 2.0 * sc - 1.0;
            double cPrime = 2.0 * sc * (1.0 - sc);
            double f = sigmoid(s.z[n + j]);
            double fPrime = f * (1.0 - f);
            s.hNext[j] = f * h[j] + (1.0 - f) * c;
            s.hDiag[j] = f;
            s.dDiag[j] = (1.0 - f) * cPrime;
            s.dDiag[n + j] = (h[j] - c) * fPrime;
        }
    }

    static double sigmoid(double v) {
        if (v >= 0) {
            return 1.0 / (1.0 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1.0 + e);
    }
}
