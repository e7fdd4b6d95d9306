package org.flinkrtrl.core.grad;

import java.util.Arrays;
import org.flinkrtrl.core.math.Kernels;

/**
 * In-place thin Householder QR of a tall column-major matrix, and its Q applied to small matrices in compact-WY form:
 * the two factorisations of the OK step (spec C.5 step 2) and the rebuild through them (step 5), without ever forming
 * the tall Q.
 *
 * <p><b>Column order.</b> The matrix ({@link #matrix()}, rows x cols, column-major) is factored in the logical order
 * {@code [lead | stored 0 .. cols-2]}: its LAST stored column, the lead column, is factored first. In OK the lead
 * column is the new term ({@code a_t} in V, {@code vec D_t} in M), which the propagation writes last; R and Q refer
 * to the logical order.
 *
 * <p><b>Conventions</b> (EJML's, so R has the same signs): {@code H_j = I - gamma_j u_j u_j^T} with
 * {@code u_j[0..j) = 0}, {@code u_j[j] = 1}, {@code R[j,j] = -sign(x_j) |x|}; the tails {@code u_j[j+1..]} overwrite
 * the sub-diagonal part of their column and {@code Q = H_0 H_1 ... H_{p-1}}, {@code p = min(rows, cols)}. An all-zero
 * column gets the identity reflector ({@code gamma = 0}) and {@code R[j,j] = 0}, exactly (EJML 0.46.1's
 * {@code QRDecompositionHouseholder_DDRM} leaves a stale value there).
 *
 * <p><b>Sparse lead column.</b> When the lead column is zero outside a known ascending set of rows (vec D_t: g n of
 * the n k entries, row 0 among them), its norm, scaling, application to the other columns and its Gram entries cost
 * O(g n cols) instead of O(n k cols).
 *
 * <p><b>Compact WY</b> (LAPACK dlarft/dlarfb): {@code H_0 ... H_{p-1} = I - U T U^T} with U the rows x p unit lower
 * trapezoidal reflector matrix and T p x p upper triangular. T needs the reflectors' Gram matrix {@code u_i . u_j},
 * which {@link #decompose} accumulates in the same pass over each column. {@link #apply} then costs one kernel product
 * of 2 rows p yCols flops for the tall part.
 *
 * <p>All buffers are allocated at construction; nothing allocates afterwards.
 */
final class HouseholderQr {
    private final int rows;
    private final int cols;
    /** Number of stored columns before the lead column; the lead column starts at {@code rest * rows}. */
    private final int rest;
    private final int p;
    private final Kernels kern;
    /** Ascending row indices outside which the lead column is zero (index 0 among them), or null when dense. */
    private final int[] leadRows;

    /** The matrix (rows x cols, column-major); after {@link #decompose} the reflector tails below the diagonal. */
    private final double[] a;
    private final double[] gammas;
    /** R, p x cols row-major in logical column order, zero below the diagonal. */
    private final double[] rf;
    /** Reflector Gram matrix {@code u_i . u_j} (i < j, upper part; leading dimension cols). */
    private final double[] gram;
    /** Workspace of the QR: the dots of a column's tail with the earlier reflectors and with itself. */
    private final double[] gDots;
    /** Compact-WY workspace of {@link #apply}: T, U_top^T Y, and -(T U_top^T Y)^T (leading dimension cols). */
    private final double[] tMat;
    private final double[] wMat;
    private final double[] zNegT;
    /** Q^T 1 (the full H_{p-1} ... H_0 1) for {@link #transposeTimesOnes}. */
    private final double[] ones;

    /**
     * @param leadRows ascending row indices outside which the lead column is always zero (must contain 0), or null
     *                 for a dense lead column; kept by reference
     */
    HouseholderQr(int rows, int cols, int[] leadRows, Kernels kernels) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("QR needs at least one row and one column, got " + rows + " x " + cols);
        }
        if (leadRows != null && (leadRows.length == 0 || leadRows[0] != 0)) {
            throw new IllegalArgumentException("the lead column's nonzero rows must start with row 0");
        }
        this.rows = rows;
        this.cols = cols;
        this.rest = cols - 1;
        this.p = Math.min(rows, cols);
        this.kern = kernels;
        this.leadRows = leadRows;
        this.a = new double[rows * cols];
        this.gammas = new double[p];
        this.rf = new double[p * cols];
        this.gram = new double[cols * cols];
        this.gDots = new double[cols];
        this.tMat = new double[cols * cols];
        this.wMat = new double[cols * cols];
        this.zNegT = new double[cols * cols];
        this.ones = new double[rows];
    }

    /** The matrix to factor, rows x cols column-major, lead column last; the caller fills it before {@link #decompose}. */
    double[] matrix() {
        return a;
    }

    /** Number of reflectors and rows of R: min(rows, cols). */
    int reflectors() {
        return p;
    }

    /** R after {@link #decompose}: p x cols row-major (leading dimension cols), logical column order. */
    double[] rFactor() {
        return rf;
    }

    /** gamma_j of reflector j (0 for the identity reflector of a zero column). */
    double gamma(int j) {
        return gammas[j];
    }

    /** Stored column (offset {@code column(l) * rows}) of logical column l: the lead column first. */
    private int column(int l) {
        return l == 0 ? rest : l - 1;
    }

    /**
     * Factors {@link #matrix()} in place: R to {@link #rFactor()}, the reflectors' tails to the sub-diagonal part of
     * their columns, their gammas and Gram matrix to this object.
     *
     * <p>The Gram entries are {@code u_i . u_j = u_i[j] + (u_i[j+1..] . x_j[j+1..]) / u0_j} (i < j), the dots taken in
     * one pass over x_j, before it is scaled, together with x_j's own squared tail norm.
     */
    void decompose() {
        double[] q = a;
        int[] sparse = leadRows;
        int c0 = rest * rows; // logical column 0
        for (int j = 0; j < p; j++) {
            int cj = column(j) * rows;
            int len = rows - j;
            double x0 = q[cj + j];
            // Dots of x_j's tail with the earlier reflectors and with itself in one pass: logical 1..j-1 are
            // stored 0..j-2 and x_j (logical j >= 1) is stored j-1, so the j vectors are contiguous at stride
            // rows; gDots[j] = |x_j[j+1..]|^2. Logical 0 separately (dense), or after the scaling below (sparse).
            double sumSq;
            if (j == 0) {
                if (sparse != null) {
                    sumSq = 0.0;
                    for (int idx : sparse) {
                        double v = q[cj + idx];
                        sumSq += v * v;
                    }
                } else {
                    sumSq = kern.dot(q, cj, q, cj, len);
                }
            } else {
                kern.multiDot(q, cj + j + 1, len - 1, q, j + 1, rows, j, gDots, 1);
                sumSq = x0 * x0 + gDots[j];
                if (sparse == null) {
                    gDots[0] = kern.dot(q, cj + j + 1, q, c0 + j + 1, len - 1);
                }
            }
            double tau;
            if (sumSq > 1e-280 && sumSq < 1e280) {
                tau = Math.sqrt(sumSq);
            } else {
                tau = scaledNorm(q, cj + j, len); // tiny, huge, zero or non-finite
            }
            double gamma;
            int first = sparse != null ? 1 : 0; // gram rows already known from gDots
            if (tau == 0.0) {
                gamma = 0.0;
                rf[j * cols + j] = 0.0;
                for (int i = first; i < j; i++) {
                    gram[i * cols + j] = q[column(i) * rows + j]; // u_j = e_j
                }
            } else {
                if (x0 < 0) {
                    tau = -tau;
                }
                double u0 = x0 + tau;
                gamma = u0 / tau;
                boolean safe = Math.abs(u0) > 1e-290;
                double inv = 1.0 / u0;
                if (j == 0 && sparse != null) {
                    for (int idx : sparse) {
                        if (idx > 0) {
                            q[cj + idx] = safe ? q[cj + idx] * inv : q[cj + idx] / u0;
                        }
                    }
                } else if (safe) {
                    for (int i = cj + j + 1; i < cj + rows; i++) {
                        q[i] *= inv;
                    }
                } else { // 1/u0 would overflow (subnormal column)
                    for (int i = cj + j + 1; i < cj + rows; i++) {
                        q[i] /= u0;
                    }
                }
                for (int i = first; i < j; i++) {
                    double d = safe ? gDots[i] * inv : gDots[i] / u0;
                    gram[i * cols + j] = q[column(i) * rows + j] + d;
                }
                q[cj + j] = -tau;
                rf[j * cols + j] = -tau;
            }
            if (j > 0 && sparse != null) {
                // u_0 . u_j with u_0 sparse and u_j = [0..0, 1, scaled tail] (or e_j): after the scaling.
                double acc = q[c0 + j];
                for (int idx : sparse) {
                    if (idx > j) {
                        acc += q[c0 + idx] * q[cj + idx];
                    }
                }
                gram[j] = acc;
            }
            gammas[j] = gamma;
            if (gamma != 0.0 && j + 1 < cols) {
                // logical columns j+1..cols-1 are stored j..cols-2 (for j = 0 as well): heads at row j
                if (j == 0 && sparse != null) {
                    for (int c = 0; c < rest; c++) {
                        int xc0 = c * rows;
                        double acc = q[xc0];
                        for (int idx : sparse) {
                            if (idx > 0) {
                                acc += q[cj + idx] * q[xc0 + idx];
                            }
                        }
                        double w = gamma * acc;
                        q[xc0] -= w;
                        for (int idx : sparse) {
                            if (idx > 0) {
                                q[xc0 + idx] -= w * q[cj + idx];
                            }
                        }
                    }
                } else {
                    kern.reflect(gamma, q, cj + j + 1, len - 1, q, j * rows + j, rows, cols - j - 1);
                }
            }
            for (int l = j + 1; l < cols; l++) {
                rf[j * cols + l] = q[column(l) * rows + j];
            }
        }
    }

    /** |x| computed with the entries scaled by max|x_i| (over/underflow safe, as EJML does). */
    private static double scaledNorm(double[] x, int off, int len) {
        double max = 0.0;
        for (int i = off; i < off + len; i++) {
            double v = Math.abs(x[i]);
            if (v > max || Double.isNaN(v)) {
                max = v;
            }
        }
        if (max == 0.0 || !Double.isFinite(max)) {
            return max == 0.0 ? 0.0 : Double.NaN;
        }
        double s = 0.0;
        for (int i = off; i < off + len; i++) {
            double v = x[i] / max;
            s += v * v;
        }
        return max * Math.sqrt(s);
    }

    /**
     * {@code Q^T 1 = H_{p-1} ... H_0 1} after {@link #decompose}, in an internal buffer of length rows (its first p
     * entries are the thin Q's {@code Q^T 1}); O(rows p).
     */
    double[] transposeTimesOnes() {
        Arrays.fill(ones, 1.0);
        for (int j = 0; j < p; j++) {
            double g = gammas[j];
            if (g == 0.0) {
                continue;
            }
            kern.reflect(g, a, column(j) * rows + j + 1, rows - j - 1, ones, j, rows, 1);
        }
        return ones;
    }

    /**
     * out (rows x yCols; column c at {@code c rows}) = {@code Q [Y; 0] = H_0 H_1 ... H_{p-1} [Y; 0]} after
     * {@link #decompose}, with Y p x yCols row-major, yCols at most cols.
     *
     * <p>In compact-WY form {@code Q [Y; 0] = [Y; 0] - U (T (U^T [Y; 0]))}: the top p rows from small loops, the tall
     * part as one product {@code out[p.., :]^T = -(T W)^T U[p.., 1..p)^T} on the kernels (U stored column-major is
     * U^T row-major: reflectors 1..p-1 are the contiguous stored columns 0..p-2), plus reflector 0 (the lead column,
     * sparse when declared so) as yCols axpys.
     */
    void apply(double[] yd, int yCols, double[] out) {
        double[] q = a;
        int[] sparse = leadRows;
        int tall = rows - p;
        // T (upper triangular): T[j][j] = gamma_j, T[0:j, j] = -gamma_j T[0:j, 0:j] G[0:j, j].
        for (int j = 0; j < p; j++) {
            double gj = gammas[j];
            for (int i = 0; i < j; i++) {
                double acc = 0.0;
                for (int t = i; t < j; t++) {
                    acc += tMat[i * cols + t] * gram[t * cols + j];
                }
                tMat[i * cols + j] = -gj * acc;
            }
            tMat[j * cols + j] = gj;
        }
        // W = U_top^T Y (p x yCols), U_top unit lower triangular.
        for (int j = 0; j < p; j++) {
            int cj = column(j) * rows;
            for (int c = 0; c < yCols; c++) {
                double acc = yd[j * yCols + c];
                for (int e = j + 1; e < p; e++) {
                    acc += q[cj + e] * yd[e * yCols + c];
                }
                wMat[j * yCols + c] = acc;
            }
        }
        // Z = T W, stored transposed and negated (yCols x p) for the product.
        for (int j = 0; j < p; j++) {
            for (int c = 0; c < yCols; c++) {
                double acc = 0.0;
                for (int t = j; t < p; t++) {
                    acc += tMat[j * cols + t] * wMat[t * yCols + c];
                }
                zNegT[c * cols + j] = -acc;
            }
        }
        // Top p rows: out[e, c] = Y[e, c] + sum_{j <= e} U[e][j] (-Z[j, c]).
        for (int c = 0; c < yCols; c++) {
            int oc = c * rows;
            for (int e = 0; e < p; e++) {
                double acc = yd[e * yCols + c] + zNegT[c * cols + e];
                for (int j = 0; j < e; j++) {
                    acc += q[column(j) * rows + e] * zNegT[c * cols + j];
                }
                out[oc + e] = acc;
            }
        }
        if (tall <= 0) {
            return;
        }
        // Tall rows: out[p.., :]^T (yCols x tall, ld rows) = (-Z[1..p))^T (yCols x p-1) U[p.., 1..p)^T
        // (p-1 x tall, ld rows), then + (-Z[0, c]) u_0[p..].
        if (p > 1) {
            kern.gemm(yCols, p - 1, tall, zNegT, 1, cols, q, p, rows, out, p, rows);
        } else {
            for (int c = 0; c < yCols; c++) {
                Arrays.fill(out, c * rows + p, (c + 1) * rows, 0.0);
            }
        }
        int c0 = rest * rows;
        for (int c = 0; c < yCols; c++) {
            double z = zNegT[c * cols];
            if (z == 0.0) {
                continue;
            }
            int oc = c * rows;
            if (sparse != null) {
                for (int idx : sparse) {
                    if (idx >= p) {
                        out[oc + idx] += z * q[c0 + idx];
                    }
                }
            } else {
                kern.axpy(z, q, c0 + p, out, oc + p, tall);
            }
        }
    }
}
