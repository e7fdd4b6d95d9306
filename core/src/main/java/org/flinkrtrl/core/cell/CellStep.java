package org.flinkrtrl.core.cell;

import org.flinkrtrl.core.math.Kernels;

/**
 * Workspace for one time step of a cell: the presynaptic vector, the new hidden state and the derivatives RTRL
 * needs, in the structured form every cell of spec section A.1 shares.
 *
 * <p>Shapes (spec notation): {@code n} hidden units, {@code k = g n} pre-activations, {@code m = n + n_x + 1}.
 * {@code W} is {@code k x m}, row-major, acting on {@code a = [h; x; 1]}, so its first {@code n} columns are
 * {@code W_h}.
 * <ul>
 *   <li>{@code D_t = [diag(dDiag[0..n)) | diag(dDiag[n..2n)) | ...]} ({@code n x k}, {@code g} diagonal blocks);</li>
 *   <li>{@code H_t = diag(hDiag) + D_t W_h} ({@code hDiag} is the direct dependence of {@code h'} on {@code h} at
 *       fixed {@code z}; all zero for the vanilla cell).</li>
 * </ul>
 * Buffers are allocated once; a step allocates nothing.
 */
public class CellStep {
    public final int n;
    public final int nx;
    public final int g;
    public final int k;
    public final int m;
    /** a_t = [h_t; x_t; 1], length m. */
    public final double[] a;
    /** z_t = W a_t, length k. */
    public final double[] z;
    /** h_{t+1}, length n. */
    public final double[] hNext;
    /** Diagonal of dPhi/dh at fixed z, length n. */
    public final double[] hDiag;
    /** The g diagonal blocks of D_t, length k (block b is entries [b n, (b+1) n)). */
    public final double[] dDiag;

    public CellStep(int n, int nx, int g) {
        this.n = n;
        this.nx = nx;
        this.g = g;
        this.k = g * n;
        this.m = n + nx + 1;
        this.a = new double[m];
        this.z = new double[k];
        this.hNext = new double[n];
        this.hDiag = new double[n];
        this.dDiag = new double[k];
    }

    /** Copies every field of {@code other} (same shape) into this step. */
    public void copyFrom(CellStep other) {
        System.arraycopy(other.a, 0, a, 0, m);
        System.arraycopy(other.z, 0, z, 0, k);
        System.arraycopy(other.hNext, 0, hNext, 0, n);
        System.arraycopy(other.hDiag, 0, hDiag, 0, n);
        System.arraycopy(other.dDiag, 0, dDiag, 0, k);
    }

    /** Writes D_t densely as an n x k row-major matrix into {@code out}. */
    public void denseD(double[] out) {
        java.util.Arrays.fill(out, 0, n * k, 0.0);
        for (int b = 0; b < g; b++) {
            for (int j = 0; j < n; j++) {
                out[j * k + b * n + j] = dDiag[b * n + j];
            }
        }
    }

    /**
     * Writes H_t = diag(hDiag) + D_t W_h densely as an n x n row-major matrix into {@code out}: g n^2 flops, against
     * the 2 n^2 cols of the product it then feeds. {@code H X} computed as {@code denseH} followed by one n x n
     * product equals {@link #multH} up to floating-point reassociation ({@code (d_j W_jp) X_pc} instead of
     * {@code d_j (W_jp X_pc)}) and needs n/k of its flops (half for the gated cell).
     *
     * @param W the k x m recurrent weights the step was computed with. Not modified.
     * @param out n x n, row-major. Modified.
     */
    public void denseH(double[] W, double[] out) {
        denseH(W, out, Kernels.plain());
    }

    /**
     * {@link #denseH(double[], double[])} with its row scalings on the given kernels: a plain product per entry and,
     * for g > 1, a plain product added, so the same bits on every kernel set.
     */
    public void denseH(double[] W, double[] out, Kernels kernels) {
        for (int j = 0; j < n; j++) {
            int oRow = j * n;
            kernels.scale(dDiag[j], W, j * m, out, oRow, n);
            for (int b = 1; b < g; b++) {
                kernels.addScaled(dDiag[b * n + j], W, (b * n + j) * m, out, oRow, n);
            }
        }
        // The diagonal afterwards: a scalar load right behind the row's vector store would wait for it.
        for (int j = 0; j < n; j++) {
            out[j * n + j] += hDiag[j];
        }
    }

    /** out (length k) = D_t^T v for v of length n. */
    public void multDT(double[] v, double[] out) {
        for (int b = 0; b < g; b++) {
            int off = b * n;
            for (int j = 0; j < n; j++) {
                out[off + j] = dDiag[off + j] * v[j];
            }
        }
    }

    /**
     * out = H_t X for X an n x cols row-major matrix, computed as diag(hDiag) X + D_t (W_h X) without forming H.
     *
     * @param W   the k x m recurrent weights the step was computed with. Not modified.
     * @param X   n x cols, row-major. Not modified.
     * @param out n x cols, row-major. Modified. May not alias X.
     * @param tmp workspace of at least k x cols.
     */
    public void multH(double[] W, double[] X, int cols, double[] out, double[] tmp) {
        // tmp (k x cols) = W_h X
        for (int q = 0; q < k; q++) {
            int tRow = q * cols;
            java.util.Arrays.fill(tmp, tRow, tRow + cols, 0.0);
            int wRow = q * m;
            for (int p = 0; p < n; p++) {
                double w = W[wRow + p];
                if (w == 0.0) {
                    continue;
                }
                int xRow = p * cols;
                for (int c = 0; c < cols; c++) {
                    tmp[tRow + c] += w * X[xRow + c];
                }
            }
        }
        for (int j = 0; j < n; j++) {
            int oRow = j * cols;
            double hd = hDiag[j];
            for (int c = 0; c < cols; c++) {
                out[oRow + c] = hd * X[oRow + c];
            }
            for (int b = 0; b < g; b++) {
                double d = dDiag[b * n + j];
                int tRow = (b * n + j) * cols;
                for (int c = 0; c < cols; c++) {
                    out[oRow + c] += d * tmp[tRow + c];
                }
            }
        }
    }

    /** out (length n) = H_t^T v = hDiag .* v + W_h^T (D_t^T v); tmp needs length k. out may not alias v. */
    public void multHT(double[] W, double[] v, double[] out, double[] tmp) {
        multDT(v, tmp);
        for (int j = 0; j < n; j++) {
            out[j] = hDiag[j] * v[j];
        }
        for (int q = 0; q < k; q++) {
            double t = tmp[q];
            if (t == 0.0) {
                continue;
            }
            int wRow = q * m;
            for (int p = 0; p < n; p++) {
                out[p] += W[wRow + p] * t;
            }
        }
    }
}
