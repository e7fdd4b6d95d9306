package org.flinkrtrl.core.grad;

import org.flinkrtrl.core.math.Kernels;

/**
 * Thin QR of a tall column-major matrix by CholeskyQR2, and its Q applied to small matrices: the factorisation of M
 * in the OK step (spec C.5 steps 2 and 5) in four passes over M's columns on the kernels, instead of the
 * column-by-column sweeps of {@link HouseholderQr}.
 *
 * <p><b>Algorithm</b> (Fukaya, Nakatsukasa, Yanagisawa, Yamamoto 2014; Yamamoto et al., ETNA 44, 2015):
 * <ol>
 *   <li>{@code G = X^T X}, {@code G = R1^T R1} (Cholesky), {@code Q1 = X R1^-1};</li>
 *   <li>the same once more on Q1: {@code Q1^T Q1 = R2^T R2}, {@code Q = Q1 R2^-1}, {@code R = R2 R1}.</li>
 * </ol>
 * Q is never formed: {@link #apply} computes {@code Q Y = Q1 (R2^-1 Y)}, one product on the kernels.
 *
 * <p><b>When it is used.</b> One CholeskyQR pass loses orthogonality as {@code u kappa^2}; the second pass restores
 * it to O(u) (and the factorisation's residual to O(u kappa |X|)) whenever
 * {@code 8 kappa sqrt((rows cols + cols (cols + 1)) u) <= 1} (Yamamoto et al., Theorem 3.3 and 3.6), with
 * {@code u = 2^-53}. Rounding in the Gram matrix and in the Cholesky factorisation is componentwise relative to the
 * column norms, so kappa here is the condition number of X with unit columns, bounded from above by
 * {@code kappa_F = |R1 D^-1|_F |D R1^-1|_F}, {@code D = diag(|x_j|)}. {@link #decompose} computes that bound and
 * returns false (the caller then factors with Householder) when a column is zero or not finite, a Cholesky pivot is
 * not positive, or {@code kappa_F} exceeds {@link #KAPPA_SAFETY} times below the theorem's limit; also when the
 * second Gram matrix fails the same test. In OK that happens for the first r steps after a reset (zero terms) and
 * when H maps the terms onto nearly parallel directions.
 *
 * <p><b>Column order and the sparse lead column</b> as in {@link HouseholderQr}: the matrix ({@link #matrix()}, rows
 * x cols, column-major, shared with the Householder fallback and only read here) is factored in the logical order
 * {@code [lead | stored 0 .. cols-2]}, the lead column stored last and zero outside the ascending rows
 * {@code leadRows}. R has a positive diagonal (Householder's may be negative: Q's columns then differ in sign, the
 * products Q R and Q Y of the OK step with canonical singular-pair signs do not).
 *
 * <p>All buffers are allocated at construction; nothing allocates afterwards.
 */
final class CholeskyQr2 {
    /** How far below the theorem's limit on kappa the scaled condition bound must stay. */
    static final double KAPPA_SAFETY = 16.0;

    private final int rows;
    private final int cols;
    private final int rest;
    private final Kernels kern;
    private final int[] leadRows;
    private final double kappaMax;

    /** The matrix to factor (not owned: the fallback QR's). */
    private final double[] a;
    /** Q1's dense columns (logical 1..cols-1; column-major, leading dimension rows) and its lead column at leadRows. */
    private final double[] q1;
    private final double[] q1Lead;
    /** Gram matrices (upper triangles), Cholesky factors, their inverses, R = R2 R1: cols x cols row-major. */
    private final double[] gram;
    private final double[] r1;
    private final double[] s1;
    private final double[] r2;
    private final double[] s2;
    private final double[] rf;
    /** Small product coefficients: (R1^-1)^T's dense block, or (R2^-1 Y)^T without its lead row. */
    private final double[] coef;
    private final double[] t3;
    private final double[] ones;
    /**
     * Coefficients of Q1's dense columns in M's columns for the unstored second pass, (cols) x (cols - 1) row-major:
     * row j < cols - 1 for M's dense column j, the last row for the lead column.
     */
    private final double[] comb;
    /** One column of R2^-1 Y in {@link #apply}. */
    private final double[] work;
    /** True when the last {@link #decompose} left Q1 unstored (see {@link #apply}). */
    private boolean unstored;

    /**
     * @param a        the rows x cols column-major matrix, lead column last (kept by reference and only read)
     * @param leadRows ascending rows outside which the lead column is zero; kept by reference
     */
    CholeskyQr2(double[] a, int rows, int cols, int[] leadRows, Kernels kernels) {
        if (cols < 2 || rows < cols || a.length < rows * cols || leadRows.length == 0) {
            throw new IllegalArgumentException("CholeskyQR2 needs rows >= cols >= 2 and a sparse lead column, got "
                + rows + " x " + cols);
        }
        this.a = a;
        this.rows = rows;
        this.cols = cols;
        this.rest = cols - 1;
        this.kern = kernels;
        this.leadRows = leadRows;
        double u = Math.ulp(1.0) / 2;
        this.kappaMax = 1.0 / (8.0 * Math.sqrt(((double) rows * cols + cols * (cols + 1.0)) * u)) / KAPPA_SAFETY;
        this.q1 = new double[rest * rows];
        this.q1Lead = new double[leadRows.length];
        this.gram = new double[cols * cols];
        this.r1 = new double[cols * cols];
        this.s1 = new double[cols * cols];
        this.r2 = new double[cols * cols];
        this.s2 = new double[cols * cols];
        this.rf = new double[cols * cols];
        this.coef = new double[cols * cols];
        this.t3 = new double[cols * cols];
        this.ones = new double[cols];
        this.comb = new double[cols * rest];
        this.work = new double[cols];
    }

    /** The Gram matrix buffer, cols x cols row-major (logical order); see {@link #decompose(boolean)}. */
    double[] gramMatrix() {
        return gram;
    }

    /** The largest scaled condition bound {@link #decompose} accepts. */
    double kappaMax() {
        return kappaMax;
    }

    /** The matrix being factored (shared with the Householder fallback). */
    double[] matrix() {
        return a;
    }

    /** R after a successful {@link #decompose}: cols x cols row-major, upper triangular, logical column order. */
    double[] rFactor() {
        return rf;
    }

    /**
     * Factors {@link #matrix()} (left unchanged). Returns false, with nothing usable computed, when the matrix is
     * too ill-conditioned for CholeskyQR2 (see the class comment); the caller then uses Householder.
     */
    boolean decompose() {
        return decompose(false);
    }

    /**
     * {@link #decompose()} with the Gram matrix of the dense columns already in {@link #gramMatrix()} (rows and
     * columns 1 .. cols-1, upper triangle) when {@code denseGramGiven}, e.g. from {@link Kernels#gemmTermsGram}.
     */
    boolean decompose(boolean denseGramGiven) {
        int c0 = rest * rows;
        // Pass 1: G = X^T X.
        if (cols == 5) {
            leadGram5();
        } else {
            double g00 = 0.0;
            for (int idx : leadRows) {
                double v = a[c0 + idx];
                g00 += v * v;
            }
            gram[0] = g00;
            for (int l = 1; l < cols; l++) {
                int base = (l - 1) * rows;
                double acc = 0.0;
                for (int idx : leadRows) {
                    acc += a[c0 + idx] * a[base + idx];
                }
                gram[l] = acc;
            }
        }
        if (!denseGramGiven) {
            kern.gram(a, 0, rows, rows, rest, gram, cols + 1, cols);
        }
        if (!cholesky(r1, s1)) {
            return false;
        }
        // Passes 2 and 3 in one, when the kernels have it: the Gram matrix of Q1 = X R1^-1 without storing Q1.
        for (int j = 0; j < rest; j++) {
            for (int l = 0; l < rest; l++) {
                comb[j * rest + l] = j <= l ? s1[(j + 1) * cols + l + 1] : 0.0;
            }
        }
        for (int l = 0; l < rest; l++) {
            comb[rest * rest + l] = s1[l + 1];
        }
        unstored = kern.triangularCombinationGram(rest, a, 0, rows, rows, comb, rest, gram, cols + 1, cols);
        if (unstored) {
            // Q1's lead column (sparse) and its Gram entries, from Q1's dense entries at the lead rows recomputed
            // with the kernel's FMA chain.
            if (cols == 5) {
                unstoredLeadGram5();
                return secondFactor();
            }
            double lead = s1[0];
            double g00 = 0.0;
            for (int t = 0; t < leadRows.length; t++) {
                double v = lead * a[c0 + leadRows[t]];
                q1Lead[t] = v;
                g00 += v * v;
            }
            gram[0] = g00;
            for (int l = 1; l < cols; l++) {
                double acc = 0.0;
                for (int t = 0; t < leadRows.length; t++) {
                    acc += q1Lead[t] * Kernels.triangularCombinationAt(rest, l - 1, a, 0, rows, leadRows[t], comb,
                        rest);
                }
                gram[l] = acc;
            }
            return secondFactor();
        }
        // Pass 2: Q1 = X R1^-1, the dense columns as one product, then the lead column's part.
        for (int l = 1; l < cols; l++) {
            for (int i = 1; i < cols; i++) {
                coef[(l - 1) * rest + i - 1] = i <= l ? s1[i * cols + l] : 0.0;
            }
        }
        kern.gemm(rest, rest, rows, coef, 0, rest, a, 0, rows, q1, 0, rows);
        double lead = s1[0];
        for (int t = 0; t < leadRows.length; t++) {
            int idx = leadRows[t];
            double d = a[c0 + idx];
            q1Lead[t] = lead * d;
            for (int l = 1; l < cols; l++) {
                q1[(l - 1) * rows + idx] += s1[l] * d;
            }
        }
        // Pass 3: G = Q1^T Q1, R2, R = R2 R1.
        double g00 = 0.0;
        for (double v : q1Lead) {
            g00 += v * v;
        }
        gram[0] = g00;
        for (int l = 1; l < cols; l++) {
            int base = (l - 1) * rows;
            double acc = 0.0;
            for (int t = 0; t < leadRows.length; t++) {
                acc += q1Lead[t] * q1[base + leadRows[t]];
            }
            gram[l] = acc;
        }
        kern.gram(q1, 0, rows, rows, rest, gram, cols + 1, cols);
        return secondFactor();
    }

    /**
     * Row 0 of X^T X for 5 columns: the lead column against itself and the 4 dense columns over the lead rows, the
     * five sums of the loop form (each in the order of the rows) in one pass, so that their add chains overlap.
     */
    private void leadGram5() {
        int c0 = 4 * rows;
        int r1 = rows;
        int r2 = 2 * rows;
        int r3 = 3 * rows;
        double g00 = 0.0;
        double g01 = 0.0;
        double g02 = 0.0;
        double g03 = 0.0;
        double g04 = 0.0;
        for (int idx : leadRows) {
            double d = a[c0 + idx];
            g00 += d * d;
            g01 += d * a[idx];
            g02 += d * a[r1 + idx];
            g03 += d * a[r2 + idx];
            g04 += d * a[r3 + idx];
        }
        gram[0] = g00;
        gram[1] = g01;
        gram[2] = g02;
        gram[3] = g03;
        gram[4] = g04;
    }

    /**
     * The unstored second pass's lead part for 5 columns: Q1's lead column at the lead rows ({@code q1Lead}) and row
     * 0 of Q1^T Q1, Q1's dense entries there by {@link Kernels#triangularCombinationAt}'s FMA chains written out;
     * the loop form's five sums in one pass.
     */
    private void unstoredLeadGram5() {
        int c0 = 4 * rows;
        int r1 = rows;
        int r2 = 2 * rows;
        int r3 = 3 * rows;
        double[] c = comb; // 5 x 4: row i < 4 for dense column i, row 4 for the lead column
        double lead = s1[0];
        double g00 = 0.0;
        double g01 = 0.0;
        double g02 = 0.0;
        double g03 = 0.0;
        double g04 = 0.0;
        for (int t = 0; t < leadRows.length; t++) {
            int idx = leadRows[t];
            double x0 = a[idx];
            double x1 = a[r1 + idx];
            double x2 = a[r2 + idx];
            double x3 = a[r3 + idx];
            double x4 = a[c0 + idx];
            double v = lead * x4;
            q1Lead[t] = v;
            double e0 = Math.fma(x4, c[16], Math.fma(x0, c[0], 0.0));
            double e1 = Math.fma(x4, c[17], Math.fma(x1, c[5], Math.fma(x0, c[1], 0.0)));
            double e2 = Math.fma(x4, c[18], Math.fma(x2, c[10], Math.fma(x1, c[6], Math.fma(x0, c[2], 0.0))));
            double e3 = Math.fma(x4, c[19],
                Math.fma(x3, c[15], Math.fma(x2, c[11], Math.fma(x1, c[7], Math.fma(x0, c[3], 0.0)))));
            g00 += v * v;
            g01 += v * e0;
            g02 += v * e1;
            g03 += v * e2;
            g04 += v * e3;
        }
        gram[0] = g00;
        gram[1] = g01;
        gram[2] = g02;
        gram[3] = g03;
        gram[4] = g04;
    }

    /** R2 from Q1's Gram matrix and R = R2 R1; false when the Gram matrix is refused. */
    private boolean secondFactor() {
        if (!cholesky(r2, s2)) {
            return false;
        }
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double acc = 0.0;
                for (int t = i; t <= j; t++) {
                    acc += r2[i * cols + t] * r1[t * cols + j];
                }
                rf[i * cols + j] = acc;
            }
        }
        return true;
    }

    /**
     * Upper Cholesky factor R of the Gram matrix's upper triangle ({@code R^T R = G}, positive diagonal) and its
     * inverse S; false when a diagonal entry of G is not a positive finite number, a pivot is not positive or the
     * scaled condition bound {@code sqrt(cols sum_ij G_ii S_ij^2)} exceeds {@link #kappaMax()}.
     */
    private boolean cholesky(double[] r, double[] s) {
        return cols == 5 ? cholesky5(gram, kappaMax, r, s) : cholesky(gram, cols, kappaMax, r, s);
    }

    /** {@link #cholesky(double[], double[])} for any size: G's upper triangle in g, c x c row-major. */
    static boolean cholesky(double[] g, int c, double kappaMax, double[] r, double[] s) {
        for (int i = 0; i < c; i++) {
            double gii = g[i * c + i];
            if (!(gii > 0.0 && gii <= Double.MAX_VALUE)) {
                return false;
            }
            double d = gii;
            for (int t = 0; t < i; t++) {
                d -= r[t * c + i] * r[t * c + i];
            }
            if (!(d > 0.0)) {
                return false;
            }
            double rii = Math.sqrt(d);
            r[i * c + i] = rii;
            double inv = 1.0 / rii;
            for (int j = i + 1; j < c; j++) {
                double v = g[i * c + j];
                for (int t = 0; t < i; t++) {
                    v -= r[t * c + i] * r[t * c + j];
                }
                r[j * c + i] = 0.0;
                r[i * c + j] = v * inv;
            }
        }
        double norm2 = 0.0;
        for (int j = 0; j < c; j++) {
            s[j * c + j] = 1.0 / r[j * c + j];
            for (int i = j - 1; i >= 0; i--) {
                double acc = 0.0;
                for (int t = i + 1; t <= j; t++) {
                    acc += r[i * c + t] * s[t * c + j];
                }
                s[i * c + j] = -acc / r[i * c + i];
            }
            for (int i = 0; i <= j; i++) {
                double v = s[i * c + j];
                norm2 += g[i * c + i] * v * v;
            }
            for (int i = j + 1; i < c; i++) {
                s[i * c + j] = 0.0;
            }
        }
        return c * norm2 <= kappaMax * kappaMax; // false for NaN as well
    }

    /**
     * {@link #cholesky(double[], int, double, double[], double[])} for 5 x 5 (OK at r = 4), written out: the same
     * operations in the same order on locals (the same bits and the same answer, CholeskyQr2Test), the reciprocal of
     * each pivot computed once for R's row and S's diagonal (the loop form computes it twice), so that the
     * independent square roots, divisions and products of the 5 x 5 overlap instead of waiting on array stores.
     */
    static boolean cholesky5(double[] g, double kappaMax, double[] r, double[] s) {
        double g00 = g[0];
        double g01 = g[1];
        double g02 = g[2];
        double g03 = g[3];
        double g04 = g[4];
        double g11 = g[6];
        double g12 = g[7];
        double g13 = g[8];
        double g14 = g[9];
        double g22 = g[12];
        double g23 = g[13];
        double g24 = g[14];
        double g33 = g[18];
        double g34 = g[19];
        double g44 = g[24];
        if (!(g00 > 0.0 && g00 <= Double.MAX_VALUE && g11 > 0.0 && g11 <= Double.MAX_VALUE && g22 > 0.0
            && g22 <= Double.MAX_VALUE && g33 > 0.0 && g33 <= Double.MAX_VALUE && g44 > 0.0 && g44 <= Double.MAX_VALUE)) {
            return false;
        }
        double r00 = Math.sqrt(g00);
        double s00 = 1.0 / r00;
        double r01 = g01 * s00;
        double r02 = g02 * s00;
        double r03 = g03 * s00;
        double r04 = g04 * s00;
        double d1 = g11 - r01 * r01;
        if (!(d1 > 0.0)) {
            return false;
        }
        double r11 = Math.sqrt(d1);
        double s11 = 1.0 / r11;
        double r12 = (g12 - r01 * r02) * s11;
        double r13 = (g13 - r01 * r03) * s11;
        double r14 = (g14 - r01 * r04) * s11;
        double d2 = g22 - r02 * r02 - r12 * r12;
        if (!(d2 > 0.0)) {
            return false;
        }
        double r22 = Math.sqrt(d2);
        double s22 = 1.0 / r22;
        double r23 = (g23 - r02 * r03 - r12 * r13) * s22;
        double r24 = (g24 - r02 * r04 - r12 * r14) * s22;
        double d3 = g33 - r03 * r03 - r13 * r13 - r23 * r23;
        if (!(d3 > 0.0)) {
            return false;
        }
        double r33 = Math.sqrt(d3);
        double s33 = 1.0 / r33;
        double r34 = (g34 - r03 * r04 - r13 * r14 - r23 * r24) * s33;
        double d4 = g44 - r04 * r04 - r14 * r14 - r24 * r24 - r34 * r34;
        if (!(d4 > 0.0)) {
            return false;
        }
        double r44 = Math.sqrt(d4);
        double s44 = 1.0 / r44;
        double s01 = -(0.0 + r01 * s11) / r00;
        double s12 = -(0.0 + r12 * s22) / r11;
        double s02 = -(0.0 + r01 * s12 + r02 * s22) / r00;
        double s23 = -(0.0 + r23 * s33) / r22;
        double s13 = -(0.0 + r12 * s23 + r13 * s33) / r11;
        double s03 = -(0.0 + r01 * s13 + r02 * s23 + r03 * s33) / r00;
        double s34 = -(0.0 + r34 * s44) / r33;
        double s24 = -(0.0 + r23 * s34 + r24 * s44) / r22;
        double s14 = -(0.0 + r12 * s24 + r13 * s34 + r14 * s44) / r11;
        double s04 = -(0.0 + r01 * s14 + r02 * s24 + r03 * s34 + r04 * s44) / r00;
        double norm2 = 0.0 + g00 * s00 * s00
            + g00 * s01 * s01 + g11 * s11 * s11
            + g00 * s02 * s02 + g11 * s12 * s12 + g22 * s22 * s22
            + g00 * s03 * s03 + g11 * s13 * s13 + g22 * s23 * s23 + g33 * s33 * s33
            + g00 * s04 * s04 + g11 * s14 * s14 + g22 * s24 * s24 + g33 * s34 * s34 + g44 * s44 * s44;
        r[0] = r00;
        r[1] = r01;
        r[2] = r02;
        r[3] = r03;
        r[4] = r04;
        r[5] = 0.0;
        r[6] = r11;
        r[7] = r12;
        r[8] = r13;
        r[9] = r14;
        r[10] = 0.0;
        r[11] = 0.0;
        r[12] = r22;
        r[13] = r23;
        r[14] = r24;
        r[15] = 0.0;
        r[16] = 0.0;
        r[17] = 0.0;
        r[18] = r33;
        r[19] = r34;
        r[20] = 0.0;
        r[21] = 0.0;
        r[22] = 0.0;
        r[23] = 0.0;
        r[24] = r44;
        s[0] = s00;
        s[1] = s01;
        s[2] = s02;
        s[3] = s03;
        s[4] = s04;
        s[5] = 0.0;
        s[6] = s11;
        s[7] = s12;
        s[8] = s13;
        s[9] = s14;
        s[10] = 0.0;
        s[11] = 0.0;
        s[12] = s22;
        s[13] = s23;
        s[14] = s24;
        s[15] = 0.0;
        s[16] = 0.0;
        s[17] = 0.0;
        s[18] = s33;
        s[19] = s34;
        s[20] = 0.0;
        s[21] = 0.0;
        s[22] = 0.0;
        s[23] = 0.0;
        s[24] = s44;
        return 5 * norm2 <= kappaMax * kappaMax; // false for NaN as well
    }

    /** {@code Q^T 1} (the sums of Q's columns) after {@link #decompose}, length cols; O(rows cols). */
    double[] transposeTimesOnes() {
        if (unstored) {
            // Q^T 1 = R2^-T R1^-T (X^T 1)
            double e0 = 0.0;
            for (int idx : leadRows) {
                e0 += a[rest * rows + idx];
            }
            ones[0] = e0;
            for (int l = 1; l < cols; l++) {
                double acc = 0.0;
                for (int i = (l - 1) * rows, end = i + rows; i < end; i++) {
                    acc += a[i];
                }
                ones[l] = acc;
            }
            upperTransposedTimes(s1, ones, t3, cols);
            upperTransposedTimes(s2, t3, ones, cols);
            return ones;
        }
        double e0 = 0.0;
        for (double v : q1Lead) {
            e0 += v;
        }
        t3[0] = e0;
        for (int l = 1; l < cols; l++) {
            double acc = 0.0;
            for (int i = (l - 1) * rows, end = i + rows; i < end; i++) {
                acc += q1[i];
            }
            t3[l] = acc;
        }
        upperTransposedTimes(s2, t3, ones, cols);
        return ones;
    }

    /** {@code out = S^T x} for the upper-triangular {@code cols x cols} row-major {@code S} (out and x distinct). */
    private static void upperTransposedTimes(double[] s, double[] x, double[] out, int cols) {
        for (int j = 0; j < cols; j++) {
            double acc = 0.0;
            for (int i = 0; i <= j; i++) {
                acc += s[i * cols + j] * x[i];
            }
            out[j] = acc;
        }
    }

    /**
     * out (rows x yCols; column c at {@code c rows}) = {@code Q Y = Q1 (R2^-1 Y)} after {@link #decompose}, with Y
     * cols x yCols row-major, yCols at most cols: one product of 2 rows (cols - 1) yCols flops for the dense
     * columns of Q1, plus the lead column at its rows.
     */
    void apply(double[] yd, int yCols, double[] out) {
        if (unstored) {
            applyThroughX(yd, yCols, out);
            return;
        }
        for (int l = 0; l < cols; l++) {
            for (int c = 0; c < yCols; c++) {
                double acc = 0.0;
                for (int j = l; j < cols; j++) {
                    acc += s2[l * cols + j] * yd[j * yCols + c];
                }
                if (l == 0) {
                    t3[c] = acc;
                } else {
                    coef[c * rest + l - 1] = acc;
                }
            }
        }
        kern.gemm(yCols, rest, rows, coef, 0, rest, q1, 0, rows, out, 0, rows);
        for (int c = 0; c < yCols; c++) {
            double z = t3[c];
            int oc = c * rows;
            for (int t = 0; t < leadRows.length; t++) {
                out[oc + leadRows[t]] += z * q1Lead[t];
            }
        }
    }

    /**
     * {@link #apply} when Q1 was not stored: {@code Q Y = X (R1^-1 (R2^-1 Y))}, the same product associated the other
     * way, one combination of X's dense columns plus the lead column at its rows.
     */
    private void applyThroughX(double[] yd, int yCols, double[] out) {
        for (int c = 0; c < yCols; c++) {
            for (int l = 0; l < cols; l++) {
                double acc = 0.0;
                for (int j = l; j < cols; j++) {
                    acc += s2[l * cols + j] * yd[j * yCols + c];
                }
                work[l] = acc;
            }
            for (int i = 0; i < cols; i++) {
                double acc = 0.0;
                for (int l = i; l < cols; l++) {
                    acc += s1[i * cols + l] * work[l];
                }
                if (i == 0) {
                    t3[c] = acc;
                } else {
                    coef[c * rest + i - 1] = acc;
                }
            }
        }
        kern.gemm(yCols, rest, rows, coef, 0, rest, a, 0, rows, out, 0, rows);
        int c0 = rest * rows;
        for (int c = 0; c < yCols; c++) {
            double z = t3[c];
            int oc = c * rows;
            for (int idx : leadRows) {
                out[oc + idx] += z * a[c0 + idx];
            }
        }
    }
}
