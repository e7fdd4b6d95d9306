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
 * r-OK RTRL (spec C.5, C.6, H): a rank-r Kronecker sum {@code G~ = sum_i u_i^T (x) A_i} reduced back to r terms
 * after every step by the minimum-variance unbiased {@link OptimalMixing}.
 *
 * <p>One step: {@code V = [u_1..u_r | a_t]} (m x (r+1)), {@code M = [vec(H A_1)..vec(H A_r) | vec D_t]}
 * (nk x (r+1)); Householder thin QR {@code V = Qv Rv}, {@code M = QM RM}; {@code C = Rv RM^T = Xc Sigma Yc^T}
 * (descending); {@code P = Opt(sigma)}; {@code U <- Qv (Xc P)}, {@code vec A <- QM (Yc P)} (the same P on both sides,
 * so {@code |u_l| = |A_l|_F}). When m or nk is below r+1 (e.g. r >= n) the thin factors have min(., r+1) columns and
 * the spectrum is padded with zeros, which makes the reduction exact as it must be (Kronecker rank <= r).
 *
 * <p><b>Canonical signs of the singular pairs.</b> An SVD returns each pair (x_j, y_j) only up to a joint sign
 * flip, which relabels the Rademacher signs of the mixed components (same distribution, different realisation). The
 * sign is therefore fixed by a basis-independent rule on the full-space component: {@code 1^T (Qv x_j) > 0} (the sum
 * of the entries of the unit m-vector a_j), computed as {@code (Qv^T 1)^T x_j} by applying the stored reflectors to
 * the all-ones vector (O(m r)); if that is exactly 0, {@code 1^T vec(QM y_j) > 0} (sum of the entries of B_j); if
 * both are exactly 0 the pair is left as the SVD returned it. With it, a realisation depends only on the stream,
 * the parameters and the generator, not on the SVD implementation, the kernels or the column order (up to round-off,
 * amplified near ties of the spectrum). This changed the realisations (not the distribution) relative to versions
 * without the rule; the checkpoint format is unchanged.
 *
 * <p>Implementation (issue 6; same mathematics as the plain EJML version, kept as the test reference
 * {@code OkRtrlReference}, up to floating-point reassociation):
 * <ul>
 *   <li>factors are stored term-major ({@code A_i} is one contiguous row-major n x k block, {@code u_i} one
 *       contiguous m-vector), and {@code V}, {@code M} column-major, so every column operation is unit-stride;</li>
 *   <li>{@code H A_i} is one n x n by n x k product per term on the {@link Kernels} (SIMD when the Vector API is
 *       present) with {@code H = diag(hDiag) + D W_h} formed once per step in g n^2 flops;</li>
 *   <li>the QRs are an in-place Householder QR with EJML's conventions (same signs of R), but an all-zero column
 *       gets R[j,j] = 0 and the identity reflector (EJML 0.46.1 writes a stale value there, which broke the first
 *       reduction after a mid-stream reset);</li>
 *   <li>the new column (a_t in V, D_t in M) is factored FIRST (the same permutation on both sides; with the
 *       canonical signs the realisation is unchanged up to round-off). vec D_t has only g n nonzeros (the diagonal
 *       blocks), so M's first reflector is equally sparse: its norm, its application to the r propagated columns,
 *       its Gram entries and its share of the rebuild cost O(g n r) instead of O(n k r);</li>
 *   <li>{@code QM (Yc P)} and {@code Qv (Xc P)} apply the stored reflectors in compact-WY form
 *       ({@code I - U T U^T}, T from the reflector Gram accumulated during the QR) to the small (r+1) x r factors:
 *       one kernel product of 2 nk r (r+1) flops, the tall Q is never formed;</li>
 *   <li>the small core is plain loops: C = Rv RM^T, its SVD by one-sided Jacobi ({@link SmallSvd}, descending,
 *       pairs kept together, any shape pv x pm), Opt, Xc P and Yc P; no EJML in the step.</li>
 * </ul>
 * Only the factors (u_i, A_i) and the mixing diagnostics belong to an instance; every other buffer lives only
 * within a step and is the calling thread's, shared by all instances of the same shape ({@link ThreadScratch}):
 * with one model per key they are held once per task thread instead of once per key. They are bound at the start of
 * {@link #step} and {@link #gradient}; a step allocates nothing once its thread has seen the shape.
 */
public final class OkRtrl implements GradientEstimator {
    private static final int TAG = 0x4f4b5231; // "OKR1"
    /** Singular values at most this fraction of sigma_1 are treated as exact zeros (numerical rank). */
    static final double RANK_TOL = 1e-13;

    private final int n;
    private final int k;
    private final int m;
    private final int r;
    private final int r1;
    private final int nk;
    private final int pv;
    private final int pm;
    private final int ns;
    private final Kernels kern;

    private static final ThreadScratch<Scratch> SCRATCH = new ThreadScratch<>();

    /** The per-step buffers of one shape (see the field comments below); nothing in them outlives a step. */
    private static final class Scratch {
        final double[] vq, mq, gammaV, gammaM, hMat, rv, rm, cMat, xc, yc, sigma, pMat, xp, yp, y, yt, gramV, gramM,
            gDots, tMat, wMat, zNegT, onesV, onesM;
        final SmallSvd svd;

        Scratch(int n, int k, int m, int r) {
            int r1 = r + 1;
            int nk = n * k;
            int pv = Math.min(m, r1);
            int pm = Math.min(nk, r1);
            vq = new double[r1 * m];
            mq = new double[r1 * nk];
            gammaV = new double[pv];
            gammaM = new double[pm];
            hMat = new double[n * n];
            rv = new double[pv * r1];
            rm = new double[pm * r1];
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
            gramV = new double[r1 * r1];
            gramM = new double[r1 * r1];
            gDots = new double[r1];
            tMat = new double[r1 * r1];
            wMat = new double[r1 * r];
            zNegT = new double[r * r1];
            onesV = new double[m];
            onesM = new double[nk];
        }
    }

    private final ThreadScratch.Shape shape;

    /** u_i, term-major: u_i = uT[i m .. (i+1) m). */
    private final double[] uT;
    /** A_i, term-major: A_i (row-major n x k) = aT[i nk .. (i+1) nk). */
    private final double[] aT;
    /** V (m x (r+1)) column-major; after the QR its reflectors (below the diagonal). */
    private double[] vq;
    /** M (nk x (r+1)) column-major; after the QR its reflectors (below the diagonal). */
    private double[] mq;
    private double[] gammaV;
    private double[] gammaM;
    /** H_t, n x n row-major. */
    private double[] hMat;
    /** R factors, pv x (r+1) and pm x (r+1) row-major (zero below the diagonal). */
    private double[] rv;
    private double[] rm;
    /** Core C = Rv RM^T, pv x pm row-major. */
    private double[] cMat;
    private SmallSvd svd;
    /** Singular vectors of C as columns, (r+1) x (r+1) row-major; columns ns.. stay zero. */
    private double[] xc;
    private double[] yc;
    private double[] sigma;
    /** P ((r+1) x r), Xc P (pv x r), Yc P (pm x r), row-major. */
    private double[] pMat;
    private double[] xp;
    private double[] yp;
    private double[] y;
    private double[] yt;
    /** Reflector Gram matrices u_i . u_j (i < j, upper part) of V's and M's QR, filled by {@link #householderQr}. */
    private double[] gramV;
    private double[] gramM;
    /** Workspace of the QR: u_i . x_j over the rows below j. */
    private double[] gDots;
    /** Compact-WY workspace of {@link #applyQ}: T, U^T Y and -(T U^T Y)^T. */
    private double[] tMat;
    private double[] wMat;
    private double[] zNegT;
    /** Row indices of vec(D_t)'s nonzeros (D_t = [diag | diag | ...], g blocks), ascending. */
    private final int[] dIdx;
    /** Q^T 1 on the V side (and, only when needed, on the M side) for {@link #canonicalSigns}. */
    private double[] onesV;
    private double[] onesM;
    private final OptimalMixing mixing;

    public OkRtrl(Cell cell, int rank) {
        this(cell, rank, false);
    }

    /**
     * @param pairMix true for this project's pair-mix r-KF baseline (spec C.4): same machinery, but only the two
     *                smallest singular components are ever mixed. Unbiased, never lower variance than OK.
     */
    public OkRtrl(Cell cell, int rank, boolean pairMix) {
        this(cell, rank, pairMix, Kernels.forWidth(cell.preActivations()));
    }

    /** With explicit kernels (tests compare the plain and the SIMD path). */
    OkRtrl(Cell cell, int rank, Kernels kernels) {
        this(cell, rank, false, kernels);
    }

    OkRtrl(Cell cell, int rank, boolean pairMix, Kernels kernels) {
        if (rank < 1) {
            throw new IllegalArgumentException("OK rank must be >= 1, got " + rank);
        }
        this.kern = kernels;
        this.n = cell.hiddenSize();
        this.k = cell.preActivations();
        this.m = cell.presynapticSize();
        this.r = rank;
        this.r1 = rank + 1;
        this.nk = n * k;
        this.pv = Math.min(m, r1);
        this.pm = Math.min(nk, r1);
        this.ns = Math.min(pv, pm);
        this.uT = new double[r * m];
        this.aT = new double[r * nk];
        this.shape = new ThreadScratch.Shape(n, k, m, r);
        this.dIdx = new int[k];
        for (int j = 0, t = 0; j < n; j++) {
            for (int b = 0; b < cell.preActivations() / n; b++) {
                dIdx[t++] = j * k + b * n + j;
            }
        }
        this.mixing = new OptimalMixing(r, pairMix);
    }

    @Override
    public Method method() {
        return Method.OK;
    }

    public int rank() {
        return r;
    }

    /** True for the pair-mix baseline (spec C.4) instead of the optimal reduction. */
    public boolean isPairMix() {
        return mixing.isPairMixOnly();
    }

    /** Name of the kernels in use ("plain", "vector-256", ...). */
    public String kernels() {
        return kern.name();
    }

    @Override
    public void reset() {
        Arrays.fill(uT, 0.0);
        Arrays.fill(aT, 0.0);
    }

    /** Points the buffer fields at the calling thread's buffers for this shape. */
    private void bindScratch() {
        Scratch w = SCRATCH.get(shape);
        if (w == null) {
            w = SCRATCH.put(shape, new Scratch(n, k, m, r));
        }
        if (w.mq == mq) {
            return;
        }
        vq = w.vq;
        mq = w.mq;
        gammaV = w.gammaV;
        gammaM = w.gammaM;
        hMat = w.hMat;
        rv = w.rv;
        rm = w.rm;
        cMat = w.cMat;
        svd = w.svd;
        xc = w.xc;
        yc = w.yc;
        sigma = w.sigma;
        pMat = w.pMat;
        xp = w.xp;
        yp = w.yp;
        y = w.y;
        yt = w.yt;
        gramV = w.gramV;
        gramM = w.gramM;
        gDots = w.gDots;
        tMat = w.tMat;
        wMat = w.wMat;
        zNegT = w.zNegT;
        onesV = w.onesV;
        onesM = w.onesM;
    }

    @Override
    public void step(double[] W, CellStep s, Rng rng) {
        StateIO.checkShape(s, n, k, m, "OkRtrl");
        bindScratch();
        // 1. Propagate (M_i = H A_i, one n x n by n x k product per term) and append (a_t, D_t).
        s.denseH(W, hMat);
        kern.gemmTerms(r, n, n, k, hMat, 0, n, aT, 0, k, nk, mq, 0, k, nk);
        int dCol = r * nk;
        Arrays.fill(mq, dCol, dCol + nk, 0.0);
        for (int b = 0; b < s.g; b++) {
            for (int j = 0; j < n; j++) {
                mq[dCol + j * k + b * n + j] = s.dDiag[b * n + j];
            }
        }
        System.arraycopy(uT, 0, vq, 0, r * m);
        System.arraycopy(s.a, 0, vq, r * m, m);
        // 2. Householder thin QR of V and M in place (R -> rv, rm; reflectors stay in vq, mq).
        householderQr(vq, m, pv, gammaV, rv, gramV, null);
        householderQr(mq, nk, pm, gammaM, rm, gramM, dIdx);
        // C = Rv RM^T (both upper trapezoidal: only t >= max(a, b) contributes).
        for (int a = 0; a < pv; a++) {
            for (int b = 0; b < pm; b++) {
                double acc = 0.0;
                for (int t = Math.max(a, b); t < r1; t++) {
                    acc += rv[a * r1 + t] * rm[b * r1 + t];
                }
                cMat[a * pm + b] = acc;
            }
        }
        // 3. SVD of the small core, sorted descending with the singular vectors kept paired, canonical signs.
        if (!svd.decompose(cMat, pv, pm, pm, xc, r1, yc, r1, sigma)) {
            throw new IllegalStateException("OK-RTRL: SVD failed (non-finite influence state?)");
        }
        canonicalSigns();
        // Numerical rank: singular values below the SVD's resolution are round-off of an exactly rank-deficient
        // X (e.g. t <= r steps after a reset). Mixing such a sigma_j with sigma_1 would add a random error of size
        // sqrt(2 sigma_1 sigma_j) ~ 1e-8 sigma_1; zeroing it changes X by at most 1e-13 sigma_1.
        double floor = RANK_TOL * sigma[0];
        for (int j = 1; j < r1; j++) {
            if (sigma[j] <= floor) {
                sigma[j] = 0.0;
            }
        }
        // 4. Opt(sigma) -> P, 5. rebuild the factors with the same P on both sides, applying the reflectors.
        mixing.mix(sigma, rng, pMat);
        timesP(xc, pv, xp);
        timesP(yc, pm, yp);
        applyQ(vq, m, pv, gammaV, gramV, xp, uT, null);
        applyQ(mq, nk, pm, gammaM, gramM, yp, aT, dIdx);
    }

    /**
     * Fixes the joint sign of every singular pair (x_j, y_j) (the SVD returns each only up to a joint flip):
     * {@code 1^T (Qv x_j) > 0}, computed as {@code (Qv^T 1)^T x_j} with the stored reflectors applied to the all-ones
     * m-vector; when that is exactly 0, {@code 1^T vec(QM y_j) > 0} instead; when both are 0 the pair is left as the
     * SVD returned it. The full-space vectors {@code Qv x_j}, {@code QM y_j} do not depend on the bases, so the
     * rule picks the same realisation whatever the SVD, the kernels or the column order.
     */
    private void canonicalSigns() {
        reflectorsTransposeOnes(vq, m, pv, gammaV, onesV);
        boolean fallbackReady = false;
        double[] xd = xc;
        double[] yd = yc;
        for (int j = 0; j < ns; j++) {
            double s = 0.0;
            for (int i = 0; i < pv; i++) {
                s += onesV[i] * xd[i * r1 + j];
            }
            if (s == 0.0) {
                if (!fallbackReady) {
                    reflectorsTransposeOnes(mq, nk, pm, gammaM, onesM);
                    fallbackReady = true;
                }
                for (int i = 0; i < pm; i++) {
                    s += onesM[i] * yd[i * r1 + j];
                }
            }
            if (s < 0.0) {
                for (int i = 0; i < pv; i++) {
                    xd[i * r1 + j] = -xd[i * r1 + j];
                }
                for (int i = 0; i < pm; i++) {
                    yd[i * r1 + j] = -yd[i * r1 + j];
                }
            }
        }
    }

    /**
     * Physical column (offset {@code col(l) rows}) of logical column l of V and M: the new column (a_t, D_t), stored
     * last by the propagation, is factored FIRST, then the r propagated terms in order.
     */
    private int col(int l) {
        return l == 0 ? r : l - 1;
    }

    /** out[0..rows) = Q^T 1 = H_{p-1} ... H_0 1 for the reflectors {@link #householderQr} left in {@code q}. */
    private void reflectorsTransposeOnes(double[] q, int rows, int p, double[] gammas, double[] out) {
        Arrays.fill(out, 0, rows, 1.0);
        for (int j = 0; j < p; j++) {
            double g = gammas[j];
            if (g == 0.0) {
                continue;
            }
            kern.reflect(g, q, col(j) * rows + j + 1, rows - j - 1, out, j, rows, 1);
        }
    }

    /** out (rows x r) = F[0..rows, 0..ns) P[0..ns, :] for F = Xc or Yc ((r+1) x (r+1) row-major). */
    private void timesP(double[] f, int rows, double[] out) {
        for (int i = 0; i < rows; i++) {
            for (int l = 0; l < r; l++) {
                double acc = 0.0;
                for (int j = 0; j < ns; j++) {
                    acc += f[i * r1 + j] * pMat[j * r + l];
                }
                out[i * r + l] = acc;
            }
        }
    }

    /**
     * In-place Householder QR of the column-major rows x (r+1) matrix {@code q}, columns taken in the logical order
     * of {@link #col} (the new column first), with EJML's conventions ({@code H_j = I - gamma_j v_j v_j^T},
     * {@code v_j[j] = 1}, {@code R[j,j] = -sign(x_j) |x|}); the reflectors' tails overwrite the sub-diagonal part of
     * their column, the p x (r+1) R (logical column order) goes to {@code rd}. An all-zero column gets the identity
     * reflector (gamma 0) and R[j,j] = 0.
     *
     * <p>When {@code sparse} is not null, the first (logical) column is zero outside the sorted row indices
     * {@code sparse} (D_t: g n of the n k entries, index 0 among them); its norm, scaling, application to the other r
     * columns and its Gram entries then cost O(g n r) instead of O(n k r).
     *
     * <p>Also fills the upper part of {@code gram} with {@code u_i . u_j} (i < j) for {@link #applyQ}'s compact-WY
     * T: {@code u_i[j] + (u_i[j+1..] . x_j[j+1..]) / u0_j}, the dots taken in one pass over x_j (before it is
     * scaled) together with the previous dense reflectors.
     */
    private void householderQr(double[] q, int rows, int p, double[] gammas, double[] rd, double[] gram,
                               int[] sparse) {
        int c0 = r * rows; // logical column 0
        for (int j = 0; j < p; j++) {
            int cj = col(j) * rows;
            int len = rows - j;
            double x0 = q[cj + j];
            // Dots of x_j's tail with the earlier reflectors and with itself in one pass: logical 1..j-1 are
            // physical 0..j-2 and x_j (logical j >= 1) is physical j-1, so the j vectors are contiguous at stride
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
                rd[j * r1 + j] = 0.0;
                for (int i = first; i < j; i++) {
                    gram[i * r1 + j] = q[col(i) * rows + j]; // u_j = e_j
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
                    gram[i * r1 + j] = q[col(i) * rows + j] + d;
                }
                q[cj + j] = -tau;
                rd[j * r1 + j] = -tau;
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
            if (gamma != 0.0 && j + 1 < r1) {
                // logical columns j+1..r are physical j..r-1 (for j = 0 as well): heads at row j
                if (j == 0 && sparse != null) {
                    for (int c = 0; c < r; c++) {
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
                    kern.reflect(gamma, q, cj + j + 1, len - 1, q, j * rows + j, rows, r1 - j - 1);
                }
            }
            for (int l = j + 1; l < r1; l++) {
                rd[j * r1 + l] = q[col(l) * rows + j];
            }
        }
    }

    /** |x| computed with the entries scaled by max|x_i| (over/underflow safe, as EJML does). */
    private static double scaledNorm(double[] x, int off, int len) {
        double max = 0.0;
        for (int i = off; i < off + len; i++) {
            double a = Math.abs(x[i]);
            if (a > max || Double.isNaN(a)) {
                max = a;
            }
        }
        if (max == 0.0 || !Double.isFinite(max)) {
            return max == 0.0 ? 0.0 : Double.NaN;
        }
        double s = 0.0;
        for (int i = off; i < off + len; i++) {
            double a = x[i] / max;
            s += a * a;
        }
        return max * Math.sqrt(s);
    }

    /**
     * out (rows x r, term-major: column i at {@code i rows}) = Q [Y; 0] for the Q whose reflectors
     * {@link #householderQr} left in {@code q}: {@code H_0 H_1 ... H_{p-1} [Y; 0]}, with Y p x r row-major.
     *
     * <p>Compact-WY form (LAPACK dlarft/dlarfb): {@code H_0 ... H_{p-1} = I - U T U^T} with U the rows x p unit
     * lower trapezoidal reflector matrix and T p x p upper triangular, so {@code Q [Y; 0] = [Y; 0] - U (T (U^T
     * [Y; 0]))}. The tall part is then one product, {@code out[p.., :]^T = -(T W)^T U[p.., :]^T}, on the kernels
     * (U stored column-major is U^T row-major: reflectors 1..p-1 are the contiguous physical columns 0..p-2), plus
     * reflector 0 (the new column, physical column r; sparse for M) as r axpys. T needs the reflectors' Gram
     * matrix, which {@link #householderQr} accumulated.
     */
    private void applyQ(double[] q, int rows, int p, double[] gammas, double[] gram, double[] yd,
                        double[] out, int[] sparse) {
        int tall = rows - p;
        // T (upper triangular): T[j][j] = gamma_j, T[0:j, j] = -gamma_j T[0:j, 0:j] G[0:j, j].
        for (int j = 0; j < p; j++) {
            double gj = gammas[j];
            for (int i = 0; i < j; i++) {
                double acc = 0.0;
                for (int t = i; t < j; t++) {
                    acc += tMat[i * r1 + t] * gram[t * r1 + j];
                }
                tMat[i * r1 + j] = -gj * acc;
            }
            tMat[j * r1 + j] = gj;
        }
        // W = U_top^T Y (p x r), U_top unit lower triangular.
        for (int j = 0; j < p; j++) {
            int cj = col(j) * rows;
            for (int c = 0; c < r; c++) {
                double acc = yd[j * r + c];
                for (int e = j + 1; e < p; e++) {
                    acc += q[cj + e] * yd[e * r + c];
                }
                wMat[j * r + c] = acc;
            }
        }
        // Z = T W, stored transposed and negated (r x p) for the product.
        for (int j = 0; j < p; j++) {
            for (int c = 0; c < r; c++) {
                double acc = 0.0;
                for (int t = j; t < p; t++) {
                    acc += tMat[j * r1 + t] * wMat[t * r + c];
                }
                zNegT[c * r1 + j] = -acc;
            }
        }
        // Top p rows: out[e, c] = Y[e, c] + sum_{j <= e} U[e][j] (-Z[j, c]).
        for (int c = 0; c < r; c++) {
            int oc = c * rows;
            for (int e = 0; e < p; e++) {
                double acc = yd[e * r + c] + zNegT[c * r1 + e];
                for (int j = 0; j < e; j++) {
                    acc += q[col(j) * rows + e] * zNegT[c * r1 + j];
                }
                out[oc + e] = acc;
            }
        }
        if (tall <= 0) {
            return;
        }
        // Tall rows: out[p.., :]^T (r x tall, ld rows) = (-Z[1..p))^T (r x p-1) U[p.., 1..p)^T (p-1 x tall, ld rows),
        // then + (-Z[0, c]) u_0[p..].
        if (p > 1) {
            kern.gemm(r, p - 1, tall, zNegT, 1, r1, q, p, rows, out, p, rows);
        } else {
            for (int c = 0; c < r; c++) {
                Arrays.fill(out, c * rows + p, (c + 1) * rows, 0.0);
            }
        }
        int c0 = r * rows;
        for (int c = 0; c < r; c++) {
            double z = zNegT[c * r1];
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

    @Override
    public boolean gradient(double[] dLdh, double[] gradW) {
        bindScratch();
        // dL/dW (k x m) = Y U^T with Y[:, i] = A_i^T delta: y_i^T = delta^T A_i (1 x n by n x k), then
        // gradW = Y (k x r, row-major in yt) times U^T (r x m = uT, term-major), both on the kernels.
        kern.gemmTerms(r, 1, n, k, dLdh, 0, n, aT, 0, k, nk, y, 0, k, k);
        for (int i = 0; i < r; i++) {
            for (int q = 0; q < k; q++) {
                yt[q * r + i] = y[i * k + q];
            }
        }
        kern.gemm(k, r, m, yt, 0, r, uT, 0, m, gradW, 0, m);
        return true;
    }

    @Override
    public void influence(double[] out) {
        KroneckerSum.toDense(aT, uT, r, n, k, m, out);
    }

    /** V_OK = S^2/(K-1) - sum_J sigma_j^2 of the last step: the squared error that step's reduction added. */
    public double lastVariance() {
        return mixing.lastVariance();
    }

    /** K - 1 of the last step: output slots used for mixing. */
    public int lastMixedSlots() {
        return mixing.lastMixedSlots();
    }

    /** Fraction of the singular-value mass mixed in the last step. */
    public double lastMixedFraction() {
        return mixing.lastMixedFraction();
    }

    /** Sets term i directly (tests): u (length m) and A (n x k row-major). */
    void setTerm(int i, double[] u, double[] a) {
        System.arraycopy(u, 0, uT, i * m, m);
        System.arraycopy(a, 0, aT, i * nk, nk);
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        StateIO.writeHeader(out, TAG, n, k, m, r, mixing.isPairMixOnly() ? 1 : 0);
        // Layout of format version 1 (u as m x r and vec A as nk x r, row-major), independent of the term-major
        // layout in memory.
        StateArrays.writeTransposed(out, uT, r, m);
        StateArrays.writeTransposed(out, aT, r, nk);
        out.writeDouble(mixing.lastVariance());
        out.writeInt(mixing.lastKept());
        out.writeDouble(mixing.lastMixedFraction());
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateIO.readHeader(in, TAG, "OkRtrl", n, k, m, r, mixing.isPairMixOnly() ? 1 : 0);
        StateArrays.readTransposed(in, uT, r, m);
        StateArrays.readTransposed(in, aT, r, nk);
        double v = in.readDouble();
        int kept = in.readInt();
        double f = in.readDouble();
        mixing.setDiagnostics(v, kept, f);
    }
}
