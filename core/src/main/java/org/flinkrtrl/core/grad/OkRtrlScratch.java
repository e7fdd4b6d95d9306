package org.flinkrtrl.core.grad;

import org.flinkrtrl.core.math.Kernels;

/**
 * The per-step buffers of {@link OkRtrl} for one shape and kernels (the field comments in OkRtrl say what each holds):
 * the two thin QRs, H, the core matrix and its SVD, the rebuild factors and the gradient's products. Nothing in them
 * outlives a step, so one set per thread serves every model of that shape.
 */
final class OkRtrlScratch {
    final HouseholderQr qrV;
    final HouseholderQr qrM;
    /** CholeskyQR2 of M (on qrM's matrix), or null on the plain kernels or when M has fewer rows than columns. */
    final CholeskyQr2 cqrM;
    final double[] hMat, cMat, xc, yc, sigma, pMat, xp, yp, y, yt;
    final SmallSvd svd;

    OkRtrlScratch(int n, int k, int m, int r, Kernels kernels) {
        int r1 = r + 1;
        int pv = Math.min(m, r1);
        int pm = Math.min(n * k, r1);
        qrV = new HouseholderQr(m, r1, null, kernels);
        int[] dRows = diagonalRows(n, k);
        qrM = new HouseholderQr(n * k, r1, dRows, kernels);
        // CholeskyQR2 pays off on the SIMD kernels only (plain, n = 16 and 32, r = 4: 7-9 % slower steps than with
        // Householder), so the plain kernels keep Householder for every step.
        cqrM = n * k >= r1 && kernels != Kernels.plain()
            ? new CholeskyQr2(qrM.matrix(), n * k, r1, dRows, kernels) : null;
        hMat = new double[n * n];
        cMat = new double[pv * pm];
        svd = new SmallSvd(pv, pm);
        xc = new double[r1 * r1];
        yc = new double[r1 * r1];
        sigma = new double[r1];
        pMat = new double[r1 * r];
        xp = new double[pv * r];
        yp = new double[pm * r];
        y = new double[k * r];
        yt = new double[k * r];
    }

    /** Row indices of vec(D_t)'s nonzeros, ascending: D_t = [diag | diag | ...] (g = k / n blocks), row-major. */
    private static int[] diagonalRows(int n, int k) {
        int[] idx = new int[k];
        for (int j = 0, t = 0; j < n; j++) {
            for (int b = 0; b < k / n; b++) {
                idx[t++] = j * k + b * n + j;
            }
        }
        return idx;
    }
}
