package org.flinkrtrl.core.grad;

/** Dense form of a Kronecker-sum influence estimate, shared by the estimators that store one (OK, KF). */
final class KroneckerSum {
    private KroneckerSum() {}

    /**
     * out[j, p k + q] = sum_i A_i[j, q] u_i[p] (spec A), an n x (k m) row-major matrix.
     *
     * @param a term-major factors: A_i (n x k, row-major) starts at a[i n k]. Not modified.
     * @param u term-major vectors: u_i (length m) starts at u[i m]. Not modified.
     */
    static void toDense(double[] a, double[] u, int r, int n, int k, int m, double[] out) {
        int nk = n * k;
        int cols = k * m;
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < m; p++) {
                int off = j * cols + p * k;
                for (int q = 0; q < k; q++) {
                    double acc = 0.0;
                    for (int i = 0; i < r; i++) {
                        acc += a[i * nk + j * k + q] * u[i * m + p];
                    }
                    out[off + q] = acc;
                }
            }
        }
    }
}
