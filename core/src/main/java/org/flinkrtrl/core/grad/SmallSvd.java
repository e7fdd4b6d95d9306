package org.flinkrtrl.core.grad;

/**
 * Allocation-free SVD of a small dense matrix (OK's (r+1) x (r+1) core, or pv x pm when m or nk is below r+1):
 * {@code A = X diag(s) Y^T} with {@code s} descending and the singular vectors paired, {@code ns = min(rows, cols)}
 * of each (the compact SVD).
 *
 * <p>One-sided (Hestenes) Jacobi on {@code B = A} (rows >= cols) or {@code B = A^T}: plane rotations from the right
 * orthogonalise B's columns, {@code B J = W}; then {@code sigma_c = |W_c|}, the rotated identity J holds one side's
 * singular vectors and {@code W_c / sigma_c} the other's. A pair of columns is rotated while
 * {@code |w_p . w_q| > TOL |w_p| |w_q|}; a sweep visits the pairs in round-robin order ({@link #pairOrder}) and the
 * sweeps stop when no pair is rotated (for 5 x 5 typically 5-7 sweeps). The input is
 * scaled by a power of two near its largest entry first (no over/underflow in the squared norms). Columns whose norm is exactly zero
 * (or below {@link #TINY} of the largest entry) get sigma = 0 and an orthonormal completion on the W side (Gram-Schmidt
 * against the other vectors, on the unit vector with the largest residual). Jacobi is accurate to round-off relative
 * to each singular value's scale, at least as accurate as bidiagonalisation + QR.
 *
 * <p>The signs of the pairs are arbitrary (the caller fixes them, see {@link OkRtrl}). Not thread-safe; all buffers
 * are allocated at construction.
 */
final class SmallSvd {
    /** Orthogonality threshold of the Jacobi rotations (relative). */
    static final double TOL = 4.0e-16;
    /** Columns below this fraction of the largest input entry are treated as exact zeros. */
    static final double TINY = 1e-150;
    private static final int MAX_SWEEPS = 80;

    private final int maxDim;
    /** W, column-major, big x small. */
    private final double[] w;
    /** J, column-major, small x small. */
    private final double[] v;
    private final double[] norm;
    private final int[] order;
    private final double[] cand;
    private int lastSweeps;
    /** The sweep's pair order (p < q), round-robin for {@link #pairsFor} columns. */
    final int[] pairs;
    private int pairsFor = -1;

    /** @param maxRows, maxCols the largest shape this instance will decompose. */
    SmallSvd(int maxRows, int maxCols) {
        this.maxDim = Math.max(maxRows, maxCols);
        int small = Math.min(maxRows, maxCols);
        this.w = new double[maxDim * small];
        this.v = new double[small * small];
        this.norm = new double[small];
        this.order = new int[small];
        this.cand = new double[maxDim];
        this.pairs = new int[small * Math.max(small - 1, 0) + 2];
    }

    /**
     * Fills {@link #pairs} with the nc (nc - 1) / 2 column pairs of a sweep in round-robin (tournament) order: each
     * round is a set of disjoint pairs, so consecutive rotations are independent and their latency chains (a dot,
     * two square roots, two divisions) overlap in the core instead of running one after the other as in the cyclic
     * row order. Returns the number of pairs.
     */
    int pairOrder(int nc) {
        int count = nc * (nc - 1) / 2;
        if (pairsFor == nc) {
            return count;
        }
        int players = nc % 2 == 0 ? nc : nc + 1; // an odd count gets a bye: player nc
        int t = 0;
        for (int round = 0; round < players - 1; round++) {
            for (int i = 0; i < players / 2; i++) {
                int a = i == 0 ? players - 1 : (round + i) % (players - 1);
                int b = (round - i + players - 1) % (players - 1);
                if (i == 0) {
                    b = round;
                }
                if (a >= nc || b >= nc) {
                    continue;
                }
                pairs[t++] = Math.min(a, b);
                pairs[t++] = Math.max(a, b);
            }
        }
        pairsFor = nc;
        return count;
    }

    /** Sweeps the last {@link #decompose} needed (diagnostics, tests). */
    int lastSweeps() {
        return lastSweeps;
    }

    /**
     * Decomposes {@code a} (rows x cols, row-major with leading dimension {@code lda}).
     *
     * @param x   out: rows x ns left singular vectors as columns, row-major with leading dimension ldx (only
     *            columns 0..ns-1 are written)
     * @param y   out: cols x ns right singular vectors, row-major with leading dimension ldy
     * @param s   out: the ns singular values, descending
     * @return false when the input is not finite (outputs undefined)
     */
    boolean decompose(double[] a, int rows, int cols, int lda, double[] x, int ldx, double[] y, int ldy,
                      double[] s) {
        boolean tall = rows >= cols;
        int big = tall ? rows : cols;
        int nc = tall ? cols : rows;
        double max = 0.0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double e = Math.abs(a[i * lda + j]);
                if (!(e <= Double.MAX_VALUE)) {
                    return false; // NaN or infinite
                }
                max = Math.max(max, e);
            }
        }
        // Scale by a power of two near 1/max (exact; 1/max itself would overflow for subnormal max).
        int exp = max == 0.0 ? 0 : Math.getExponent(max);
        double scale = Math.scalb(1.0, -exp);
        // W = B / max, column-major: column c of B is column c of A (tall) or row c of A (wide).
        for (int c = 0; c < nc; c++) {
            int wc = c * big;
            for (int i = 0; i < big; i++) {
                w[wc + i] = (tall ? a[i * lda + c] : a[c * lda + i]) * scale;
            }
        }
        for (int i = 0; i < nc * nc; i++) {
            v[i] = 0.0;
        }
        for (int c = 0; c < nc; c++) {
            v[c * nc + c] = 1.0;
            norm[c] = sumSq(w, c * big, big);
        }
        int sweep = 0;
        boolean rotated = nc > 1;
        boolean five = big == 5 && nc == 5; // OK's 5 x 5 core at r = 4: the same operations, unrolled
        while (rotated && sweep < MAX_SWEEPS) {
            rotated = false;
            sweep++;
            if (sweep > 1) { // the in-sweep norm updates below drift by round-off: every sweep starts from exact norms
                for (int c = 0; c < nc; c++) {
                    norm[c] = five ? sumSq5(w, c * 5) : sumSq(w, c * big, big);
                }
            }
            int npairs = pairOrder(nc);
            for (int pi = 0; pi < npairs; pi++) {
                {
                    int p = pairs[2 * pi];
                    int q = pairs[2 * pi + 1];
                    double alpha = norm[p];
                    double beta = norm[q];
                    if (alpha == 0.0 || beta == 0.0) {
                        continue;
                    }
                    int wp = p * big;
                    int wq = q * big;
                    double gamma = five ? dot5(w, wp, wq) : dot(w, wp, wq, big);
                    if (!(Math.abs(gamma) > TOL * Math.sqrt(alpha) * Math.sqrt(beta))) {
                        continue;
                    }
                    rotated = true;
                    // Rotation that zeroes the (p, q) entry of W^T W: tan(theta) = t, the smaller root of
                    // t^2 + 2 zeta t - 1 = 0 with zeta = (beta - alpha) / (2 gamma) (Rutishauser), written without the
                    // division for zeta: t = sign(d g) |g| / (|d| + sqrt(d^2 + g^2)), d = beta - alpha, g = 2 gamma
                    // (no overflow: the columns are scaled to entries <= 2). d = 0 gives t = 1 (45 degrees).
                    double d = beta - alpha;
                    double g = 2.0 * gamma;
                    double t = Math.abs(g) / (Math.abs(d) + Math.sqrt(d * d + g * g));
                    if (d != 0.0) { // t < 0 when d and g differ in sign (no branch on that sign)
                        t = Math.copySign(t, d * g);
                    }
                    double cs = 1.0 / Math.sqrt(1.0 + t * t);
                    double sn = cs * t;
                    if (five) {
                        rotate5(w, wp, wq, cs, sn);
                        rotate5(v, p * 5, q * 5, cs, sn);
                    } else {
                        rotate(w, wp, wq, big, cs, sn);
                        rotate(v, p * nc, q * nc, nc, cs, sn);
                    }
                    // In exact arithmetic the rotation moves t gamma between the two squared norms; the exact norms
                    // are recomputed at the start of every sweep and at the end.
                    norm[p] = Math.max(0.0, alpha - t * gamma);
                    norm[q] = beta + t * gamma;
                }
            }
        }
        lastSweeps = sweep;
        for (int c = 0; c < nc; c++) {
            norm[c] = sumSq(w, c * big, big);
        }
        // Sort descending (stable insertion sort on the indices; nc is small).
        for (int c = 0; c < nc; c++) {
            order[c] = c;
        }
        for (int i = 1; i < nc; i++) {
            int oi = order[i];
            double key = norm[oi];
            int j = i - 1;
            while (j >= 0 && norm[order[j]] < key) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = oi;
        }
        double zeroSq = TINY * TINY;
        // W-side vectors: normalised columns, then completions for the zero ones (they sort last).
        double[] wOut = tall ? x : y;
        int ldw = tall ? ldx : ldy;
        double[] vOut = tall ? y : x;
        int ldv = tall ? ldy : ldx;
        for (int k = 0; k < nc; k++) {
            int c = order[k];
            double nsq = norm[c];
            int wc = c * big;
            for (int i = 0; i < nc; i++) {
                vOut[i * ldv + k] = v[c * nc + i];
            }
            if (nsq > zeroSq) {
                double nrm = Math.sqrt(nsq);
                s[k] = Math.scalb(nrm, exp);
                double inv = 1.0 / nrm;
                for (int i = 0; i < big; i++) {
                    wOut[i * ldw + k] = w[wc + i] * inv;
                }
            } else {
                s[k] = 0.0;
                complete(wOut, ldw, big, k);
            }
        }
        return true;
    }

    /** Column k of out (big rows) = a unit vector orthogonal to its columns 0..k-1. */
    private void complete(double[] out, int ld, int big, int k) {
        double bestNorm = -1.0;
        int best = 0;
        for (int e = 0; e < big; e++) {
            double res = residual(out, ld, big, k, e);
            if (res > bestNorm + 1e-3) { // prefer the lowest index among near-equal residuals (deterministic)
                bestNorm = res;
                best = e;
            }
        }
        residual(out, ld, big, k, best);
        double nrm = Math.sqrt(sumSq(cand, 0, big));
        for (int i = 0; i < big; i++) {
            out[i * ld + k] = cand[i] / nrm;
        }
    }

    /** cand = e_e minus its projection on columns 0..k-1 (twice, for orthogonality); returns |cand|^2. */
    private double residual(double[] out, int ld, int big, int k, int e) {
        for (int i = 0; i < big; i++) {
            cand[i] = i == e ? 1.0 : 0.0;
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < k; j++) {
                double d = 0.0;
                for (int i = 0; i < big; i++) {
                    d += out[i * ld + j] * cand[i];
                }
                for (int i = 0; i < big; i++) {
                    cand[i] -= d * out[i * ld + j];
                }
            }
        }
        return sumSq(cand, 0, big);
    }

    /** {@link #rotate} for len 5, unrolled. */
    private static void rotate5(double[] a, int p, int q, double cs, double sn) {
        double ap0 = a[p];
        double ap1 = a[p + 1];
        double ap2 = a[p + 2];
        double ap3 = a[p + 3];
        double ap4 = a[p + 4];
        double aq0 = a[q];
        double aq1 = a[q + 1];
        double aq2 = a[q + 2];
        double aq3 = a[q + 3];
        double aq4 = a[q + 4];
        a[p] = cs * ap0 - sn * aq0;
        a[p + 1] = cs * ap1 - sn * aq1;
        a[p + 2] = cs * ap2 - sn * aq2;
        a[p + 3] = cs * ap3 - sn * aq3;
        a[p + 4] = cs * ap4 - sn * aq4;
        a[q] = sn * ap0 + cs * aq0;
        a[q + 1] = sn * ap1 + cs * aq1;
        a[q + 2] = sn * ap2 + cs * aq2;
        a[q + 3] = sn * ap3 + cs * aq3;
        a[q + 4] = sn * ap4 + cs * aq4;
    }

    /** {@link #dot} for len 5: the same two partial sums in the same order. */
    private static double dot5(double[] a, int p, int q) {
        double s0 = 0.0 + a[p] * a[q];
        double s1 = 0.0 + a[p + 1] * a[q + 1];
        s0 += a[p + 2] * a[q + 2];
        s1 += a[p + 3] * a[q + 3];
        s0 += a[p + 4] * a[q + 4];
        return s0 + s1;
    }

    /** {@link #sumSq} for len 5, the same order. */
    private static double sumSq5(double[] a, int off) {
        double s = 0.0 + a[off] * a[off];
        s += a[off + 1] * a[off + 1];
        s += a[off + 2] * a[off + 2];
        s += a[off + 3] * a[off + 3];
        s += a[off + 4] * a[off + 4];
        return s;
    }

    private static void rotate(double[] a, int p, int q, int len, double cs, double sn) {
        for (int i = 0; i < len; i++) {
            double ap = a[p + i];
            double aq = a[q + i];
            a[p + i] = cs * ap - sn * aq;
            a[q + i] = sn * ap + cs * aq;
        }
    }

    /** a[p..p+len) . a[q..q+len) with two partial sums (halves the FMA latency chain). */
    private static double dot(double[] a, int p, int q, int len) {
        double s0 = 0.0;
        double s1 = 0.0;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            s0 += a[p + i] * a[q + i];
            s1 += a[p + i + 1] * a[q + i + 1];
        }
        if (i < len) {
            s0 += a[p + i] * a[q + i];
        }
        return s0 + s1;
    }

    private static double sumSq(double[] a, int off, int len) {
        double s = 0.0;
        for (int i = off; i < off + len; i++) {
            s += a[i] * a[i];
        }
        return s;
    }
}
