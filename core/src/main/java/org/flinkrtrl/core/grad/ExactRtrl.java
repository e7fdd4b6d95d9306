package org.flinkrtrl.core.grad;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.math.Kernels;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.core.math.ThreadScratch;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * Exact RTRL with the dense influence matrix {@code G} (n x km, {@code G[j, p k + q] = dh_j/dW[q,p]}), updated as
 * {@code G <- H_t G + F_t} with {@code F_t[j, p k + q] = a_t[p] D_t[j, q]} (spec B); O(n^2 k m) time per step.
 * Only G belongs to an instance; the product's target and H_t are the calling thread's ({@link ThreadScratch}).
 */
public final class ExactRtrl implements GradientEstimator {
    private static final int TAG = 0x52544c31; // "RTL1"

    private final int n;
    private final int k;
    private final int m;
    private final int cols;
    private final double[] g;
    private final ThreadScratch.Shape shape;
    private final Kernels kern;

    private static final ThreadScratch<Scratch> SCRATCH = new ThreadScratch<>();

    /** Per-step buffers: H_t G + F_t before it is copied to G, and H_t (n x n row-major). */
    private static final class Scratch {
        final double[] next;
        final double[] hMat;

        Scratch(int n, int cols) {
            next = new double[n * cols];
            hMat = new double[n * n];
        }
    }

    public ExactRtrl(Cell cell) {
        this.n = cell.hiddenSize();
        this.k = cell.preActivations();
        this.m = cell.presynapticSize();
        this.cols = k * m;
        this.g = new double[n * cols];
        this.shape = new ThreadScratch.Shape(null, n, k, m);
        this.kern = Kernels.forWidth(k);
    }

    @Override
    public Method method() {
        return Method.RTRL;
    }

    /** The Frobenius norm of G (a scan of the n x k m state; the step itself is O(n^2 k m)). */
    @Override
    public double influenceScale() {
        return StateIO.norm(g, g.length);
    }

    @Override
    public void reset() {
        Arrays.fill(g, 0.0);
    }

    @Override
    public void step(double[] W, CellStep s, Rng rng) {
        StateIO.checkShape(s, n, k, m, "ExactRtrl");
        Scratch w = SCRATCH.get(shape);
        if (w == null) {
            w = SCRATCH.put(shape, new Scratch(n, cols));
        }
        double[] hMat = w.hMat;
        double[] next = w.next;
        s.denseH(W, hMat);
        kern.gemm(n, n, cols, hMat, 0, n, g, 0, cols, next, 0, cols);
        double[] a = s.a;
        for (int b = 0; b < s.g; b++) {
            for (int j = 0; j < n; j++) {
                int q = b * n + j;
                double d = s.dDiag[q];
                if (d == 0.0) {
                    continue;
                }
                int row = j * cols;
                for (int p = 0; p < m; p++) {
                    next[row + p * k + q] += a[p] * d;
                }
            }
        }
        System.arraycopy(next, 0, g, 0, g.length);
    }

    @Override
    public boolean gradient(double[] dLdh, double[] gradW) {
        Arrays.fill(gradW, 0, k * m, 0.0);
        for (int j = 0; j < n; j++) {
            double dj = dLdh[j];
            if (dj == 0.0) {
                continue;
            }
            int row = j * cols;
            for (int p = 0; p < m; p++) {
                int off = row + p * k;
                for (int q = 0; q < k; q++) {
                    gradW[q * m + p] += dj * g[off + q];
                }
            }
        }
        return true;
    }

    @Override
    public void influence(double[] out) {
        System.arraycopy(g, 0, out, 0, n * cols);
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        StateIO.writeHeader(out, TAG, n, k, m);
        StateArrays.writeDoubles(out, g, n * cols);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateIO.readHeader(in, TAG, "ExactRtrl", n, k, m);
        StateArrays.readDoubles(in, g, n * cols);
    }
}
