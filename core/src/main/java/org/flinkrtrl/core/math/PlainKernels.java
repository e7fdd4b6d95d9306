package org.flinkrtrl.core.math;

/**
 * Plain-Java {@link Kernels}: always available. The product is register-blocked over 4 rows of C with the column
 * loop innermost (C2 auto-vectorises it); the dot product keeps 4 independent partial sums so it is not one long
 * dependency chain.
 */
final class PlainKernels extends Kernels {
    static final PlainKernels INSTANCE = new PlainKernels();

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public void gemm(int rows, int inner, int cols, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                     double[] c, int cOff, int ldc) {
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            int a0 = aOff + i * lda;
            int c0 = cOff + i * ldc;
            int x = 0;
            for (; x + 2 <= cols; x += 2) {
                gemm4x2(inner, a, a0, lda, b, bOff + x, ldb, c, c0 + x, ldc);
            }
            if (x < cols) {
                gemm4x1(inner, a, a0, lda, b, bOff + x, ldb, c, c0 + x, ldc);
            }
        }
        for (; i < rows; i++) {
            int a0 = aOff + i * lda;
            int c0 = cOff + i * ldc;
            int x = 0;
            for (; x + 4 <= cols; x += 4) {
                gemm1x4(inner, a, a0, b, bOff + x, ldb, c, c0 + x);
            }
            for (; x < cols; x++) {
                c[c0 + x] = dotCol(inner, a, a0, b, bOff + x, ldb);
            }
        }
    }

    /**
     * A 4 x 2 block of C in 8 scalar accumulators (the A and B values of one p are loaded once for the block, and no
     * partial sum goes through memory). Each entry is summed over p in ascending order from 0.0, as before.
     */
    private static void gemm4x2(int inner, double[] a, int a0, int lda, double[] b, int bp0, int ldb, double[] c,
                                int c0, int ldc) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        double s00 = 0.0;
        double s01 = 0.0;
        double s10 = 0.0;
        double s11 = 0.0;
        double s20 = 0.0;
        double s21 = 0.0;
        double s30 = 0.0;
        double s31 = 0.0;
        int bp = bp0;
        for (int p = 0; p < inner; p++, bp += ldb) {
            double b0 = b[bp];
            double b1 = b[bp + 1];
            double v = a[a0 + p];
            s00 += v * b0;
            s01 += v * b1;
            v = a[a1 + p];
            s10 += v * b0;
            s11 += v * b1;
            v = a[a2 + p];
            s20 += v * b0;
            s21 += v * b1;
            v = a[a3 + p];
            s30 += v * b0;
            s31 += v * b1;
        }
        c[c0] = s00;
        c[c0 + 1] = s01;
        c[c0 + ldc] = s10;
        c[c0 + ldc + 1] = s11;
        c[c0 + 2 * ldc] = s20;
        c[c0 + 2 * ldc + 1] = s21;
        c[c0 + 3 * ldc] = s30;
        c[c0 + 3 * ldc + 1] = s31;
    }

    /** One row, 4 columns of C (4 independent accumulators). */
    private static void gemm1x4(int inner, double[] a, int a0, double[] b, int bp0, int ldb, double[] c, int c0) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int bp = bp0;
        for (int p = 0; p < inner; p++, bp += ldb) {
            double v = a[a0 + p];
            s0 += v * b[bp];
            s1 += v * b[bp + 1];
            s2 += v * b[bp + 2];
            s3 += v * b[bp + 3];
        }
        c[c0] = s0;
        c[c0 + 1] = s1;
        c[c0 + 2] = s2;
        c[c0 + 3] = s3;
    }

    /** sum_p a[a0 + p] b[bp0 + p ldb], p ascending from 0.0. */
    /**
     * One column of a 4-row block: four sums over p in ascending order from 0.0 (each the same bits as
     * {@link #dotCol}), run side by side so the four dependent add chains overlap (matrix-vector products).
     */
    private static void gemm4x1(int inner, double[] a, int a0, int lda, double[] b, int bp0, int ldb, double[] c,
                                int c0, int ldc) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int bp = bp0;
        for (int p = 0; p < inner; p++, bp += ldb) {
            double bv = b[bp];
            s0 += a[a0 + p] * bv;
            s1 += a[a1 + p] * bv;
            s2 += a[a2 + p] * bv;
            s3 += a[a3 + p] * bv;
        }
        c[c0] = s0;
        c[c0 + ldc] = s1;
        c[c0 + 2 * ldc] = s2;
        c[c0 + 3 * ldc] = s3;
    }

    private static double dotCol(int inner, double[] a, int a0, double[] b, int bp0, int ldb) {
        double s = 0.0;
        int bp = bp0;
        for (int p = 0; p < inner; p++, bp += ldb) {
            s += a[a0 + p] * b[bp];
        }
        return s;
    }

    @Override
    public double dot(double[] x, int xOff, double[] y, int yOff, int len) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            s0 += x[xOff + i] * y[yOff + i];
            s1 += x[xOff + i + 1] * y[yOff + i + 1];
            s2 += x[xOff + i + 2] * y[yOff + i + 2];
            s3 += x[xOff + i + 3] * y[yOff + i + 3];
        }
        for (; i < len; i++) {
            s0 += x[xOff + i] * y[yOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void reflect(double gamma, double[] v, int vOff, int len, double[] x, int xOff, int stride, int ncols) {
        int c = 0;
        for (; c + 2 <= ncols; c += 2) {
            int x0 = xOff + c * stride;
            int x1 = x0 + stride;
            double s0 = 0.0;
            double s1 = 0.0;
            double t0 = 0.0;
            double t1 = 0.0;
            int i = 0;
            for (; i + 2 <= len; i += 2) {
                double va = v[vOff + i];
                double vb = v[vOff + i + 1];
                s0 += va * x[x0 + 1 + i];
                s1 += va * x[x1 + 1 + i];
                t0 += vb * x[x0 + 2 + i];
                t1 += vb * x[x1 + 2 + i];
            }
            for (; i < len; i++) {
                s0 += v[vOff + i] * x[x0 + 1 + i];
                s1 += v[vOff + i] * x[x1 + 1 + i];
            }
            double w0 = gamma * (x[x0] + (s0 + t0));
            double w1 = gamma * (x[x1] + (s1 + t1));
            x[x0] -= w0;
            x[x1] -= w1;
            for (i = 0; i < len; i++) {
                double vi = v[vOff + i];
                x[x0 + 1 + i] -= w0 * vi;
                x[x1 + 1 + i] -= w1 * vi;
            }
        }
        for (; c < ncols; c++) {
            reflect1(this, gamma, v, vOff, len, x, xOff + c * stride);
        }
    }

    /** One pass over the vectors for count 4 (10 partial sums, each over its own entries in ascending order). */
    @Override
    public void gram(double[] x, int xOff, int len, int stride, int count, double[] out, int outOff, int ldo) {
        if (count != 4) {
            super.gram(x, xOff, len, stride, count, out, outOff, ldo);
            return;
        }
        int x1 = xOff + stride;
        int x2 = x1 + stride;
        int x3 = x2 + stride;
        double s00 = 0.0;
        double s01 = 0.0;
        double s02 = 0.0;
        double s03 = 0.0;
        double s11 = 0.0;
        double s12 = 0.0;
        double s13 = 0.0;
        double s22 = 0.0;
        double s23 = 0.0;
        double s33 = 0.0;
        for (int i = 0; i < len; i++) {
            double a0 = x[xOff + i];
            double a1 = x[x1 + i];
            double a2 = x[x2 + i];
            double a3 = x[x3 + i];
            s00 += a0 * a0;
            s01 += a0 * a1;
            s02 += a0 * a2;
            s03 += a0 * a3;
            s11 += a1 * a1;
            s12 += a1 * a2;
            s13 += a1 * a3;
            s22 += a2 * a2;
            s23 += a2 * a3;
            s33 += a3 * a3;
        }
        int o = outOff;
        out[o] = s00;
        out[o + 1] = s01;
        out[o + 2] = s02;
        out[o + 3] = s03;
        o += ldo;
        out[o + 1] = s11;
        out[o + 2] = s12;
        out[o + 3] = s13;
        o += ldo;
        out[o + 2] = s22;
        out[o + 3] = s23;
        o += ldo;
        out[o + 3] = s33;
    }
}
