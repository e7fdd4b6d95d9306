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
            int c0 = cOff + i * ldc;
            int c1 = c0 + ldc;
            int c2 = c1 + ldc;
            int c3 = c2 + ldc;
            int a0 = aOff + i * lda;
            int a1 = a0 + lda;
            int a2 = a1 + lda;
            int a3 = a2 + lda;
            for (int x = 0; x < cols; x++) {
                c[c0 + x] = 0.0;
                c[c1 + x] = 0.0;
                c[c2 + x] = 0.0;
                c[c3 + x] = 0.0;
            }
            for (int p = 0; p < inner; p++) {
                double v0 = a[a0 + p];
                double v1 = a[a1 + p];
                double v2 = a[a2 + p];
                double v3 = a[a3 + p];
                int bRow = bOff + p * ldb;
                for (int x = 0; x < cols; x++) {
                    double bv = b[bRow + x];
                    c[c0 + x] += v0 * bv;
                    c[c1 + x] += v1 * bv;
                    c[c2 + x] += v2 * bv;
                    c[c3 + x] += v3 * bv;
                }
            }
        }
        for (; i < rows; i++) {
            int c0 = cOff + i * ldc;
            int a0 = aOff + i * lda;
            for (int x = 0; x < cols; x++) {
                c[c0 + x] = 0.0;
            }
            for (int p = 0; p < inner; p++) {
                double v0 = a[a0 + p];
                int bRow = bOff + p * ldb;
                for (int x = 0; x < cols; x++) {
                    c[c0 + x] += v0 * b[bRow + x];
                }
            }
        }
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
}
