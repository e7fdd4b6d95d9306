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
 * <p>One step, as in spec C.5:
 * <ol>
 *   <li>propagate and append: {@code V = [u_1..u_r | a_t]} (m x (r+1)), {@code M = [vec(H A_1)..vec(H A_r) | vec
 *       D_t]} (nk x (r+1));</li>
 *   <li>two thin QRs {@code V = Qv Rv} ({@link HouseholderQr}), {@code M = QM RM} ({@link CholeskyQr2} on the SIMD
 *       kernels, {@link HouseholderQr} on the plain ones and when M has a zero column or is too ill-conditioned
 *       for CholeskyQR2, e.g. the first r steps after a reset) and the core {@code C = Rv RM^T};</li>
 *   <li>{@code C = Xc Sigma Yc^T} ({@link SmallSvd}, descending, pairs kept together), canonical signs, singular
 *       values below the numerical rank set to 0;</li>
 *   <li>{@code P = Opt(sigma)} ({@link OptimalMixing});</li>
 *   <li>{@code U <- Qv (Xc P)}, {@code vec A <- QM (Yc P)}: the same P on both sides, so {@code |u_l| = |A_l|_F}.</li>
 * </ol>
 * When m or nk is below r+1 (e.g. r >= n) the thin factors have min(., r+1) columns and the spectrum is padded with
 * zeros, which makes the reduction exact as it must be (Kronecker rank <= r).
 *
 * <p><b>Canonical signs of the singular pairs.</b> An SVD returns each pair (x_j, y_j) only up to a joint sign
 * flip, which relabels the Rademacher signs of the mixed components (same distribution, different realisation). The
 * sign is therefore fixed by a basis-independent rule on the full-space component: {@code 1^T (Qv x_j) > 0} (the sum
 * of the entries of the unit m-vector a_j), computed as {@code (Qv^T 1)^T x_j}; if that is exactly 0,
 * {@code 1^T vec(QM y_j) > 0} (sum of the entries of B_j); if both are exactly 0 the pair is left as the SVD
 * returned it. A realisation then depends only on the stream, the parameters and the generator, not on the SVD
 * implementation, the kernels or the column order (up to round-off, amplified near ties of the spectrum).
 *
 * <p>Implementation (the same mathematics as the plain EJML version kept as the test reference
 * {@code OkRtrlReference}, up to floating-point reassociation):
 * <ul>
 *   <li>factors are stored term-major ({@code A_i} is one contiguous row-major n x k block, {@code u_i} one
 *       contiguous m-vector), and {@code V}, {@code M} column-major, so every column operation is unit-stride;</li>
 *   <li>{@code H A_i} is one n x n by n x k product per term on the {@link Kernels} (SIMD when the Vector API is
 *       present) with {@code H = diag(hDiag) + D W_h} formed once per step in g n^2 flops;</li>
 *   <li>the new column (a_t in V, D_t in M) is stored last and factored first (the same permutation on both sides;
 *       with the canonical signs the realisation does not depend on it). vec D_t has only g n nonzeros, so M's first
 *       reflector is equally sparse and costs O(g n r) instead of O(n k r);</li>
 *   <li>M's CholeskyQR2 is two Gram passes and one combination of M's columns on the kernels (instead of a
 *       Householder sweep per column); the rebuild applies its Q, or V's stored reflectors in compact-WY form, to
 *       the small (r+1) x r factors;</li>
 *   <li>the small core (C, its SVD, Opt, Xc P, Yc P) is plain loops; no EJML in the step.</li>
 * </ul>
 * Only the factors (u_i, A_i) and the mixing diagnostics belong to an instance; every other buffer (the two QRs,
 * H, the core and its SVD, the rebuild factors, the gradient's products) lives only within a step and is the
 * calling thread's, shared by all instances of the same shape and kernels ({@link ThreadScratch}): with one model
 * per key they are held once per task thread instead of once per key. They are bound at the start of
 * {@link #step} and {@link #gradient}; a step allocates nothing once its thread has seen the shape.
 */
public final class OkRtrl implements GradientEstimator {
    private static final int TAG = 0x4f4b5231; // "OKR1"
    /** Singular values at most this fraction of sigma_1 are treated as exact zeros (numerical rank). */
    static final double RANK_TOL = 1e-13;

    private static final ThreadScratch<OkRtrlScratch> SCRATCH = new ThreadScratch<>();

    private final ThreadScratch.Shape shape;
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

    /** u_i, term-major: u_i = uT[i m .. (i+1) m). */
    private final double[] uT;
    /** A_i, term-major: A_i (row-major n x k) = aT[i nk .. (i+1) nk). */
    private final double[] aT;
    /** The thin QRs of V (m x (r+1)) and M (nk x (r+1)), each with its new column stored last. */
    private HouseholderQr qrV;
    private HouseholderQr qrM;
    /**
     * CholeskyQR2 of M (null on the plain kernels and when nk < r+1); Householder is the fallback when M is too
     * ill-conditioned for it.
     */
    private CholeskyQr2 cqrM;
    /** True when this step's propagation left the Gram matrix of M's dense columns in {@link #cqrM}. */
    private boolean denseGram;
    /** True when this step's M was factored by {@link #cqrM}. */
    private boolean gramQr;
    /** V and M, column-major: the QRs' matrices. */
    private double[] vq;
    private double[] mq;
    /** H_t, n x n row-major. */
    private double[] hMat;
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
    /** Gradient workspace: y_i^T = delta^T A_i (term-major) and its transpose Y (k x r). */
    private double[] y;
    private double[] yt;
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
        this.shape = new ThreadScratch.Shape(kernels, n, k, m, r);
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

    /** Points the buffer fields at the calling thread's buffers for this shape and kernels. */
    private void bindScratch() {
        OkRtrlScratch w = SCRATCH.get(shape);
        if (w == null) {
            w = SCRATCH.put(shape, new OkRtrlScratch(n, k, m, r, kern));
        }
        if (w.qrV == qrV) {
            return;
        }
        qrV = w.qrV;
        qrM = w.qrM;
        cqrM = w.cqrM;
        vq = qrV.matrix();
        mq = qrM.matrix();
        hMat = w.hMat;
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
    }

    /**
     * The largest singular value of the latest step's core (the r + 1 terms' sum before the reduction, whose
     * spectral norm it is): NaN when the SVD saw a non-finite entry. Not state: recomputed by every step.
     */
    private double scale;

    @Override
    public double influenceScale() {
        return scale;
    }

    @Override
    public void step(double[] W, CellStep s, Rng rng) {
        StateIO.checkShape(s, n, k, m, "OkRtrl");
        bindScratch();
        // 1. Propagate (M_i = H A_i) and append (a_t, D_t).
        propagateAndAppend(W, s);
        // 2. Two thin QRs, and C = Rv RM^T.
        qrV.decompose();
        gramQr = cqrM != null && cqrM.decompose(denseGram);
        if (!gramQr) {
            qrM.decompose();
        }
        coreProduct();
        // 3. SVD of the small core, sorted descending with the singular vectors kept paired, canonical signs.
        if (!svd.decompose(cMat, pv, pm, pm, xc, r1, yc, r1, sigma)) {
            // a non-finite influence state (overflowed): the learner resets it (influenceScale is NaN)
            scale = Double.NaN;
            return;
        }
        scale = sigma[0];
        canonicalSigns();
        zeroBelowNumericalRank();
        // 4. Opt(sigma) -> P.
        mixing.mix(sigma, rng, pMat);
        // 5. New state: U = Qv (Xc P), vec A = QM (Yc P), the same P on both sides.
        timesP(xc, pv, xp);
        timesP(yc, pm, yp);
        qrV.apply(xp, r, uT);
        if (gramQr) {
            cqrM.apply(yp, r, aT);
        } else {
            qrM.apply(yp, r, aT);
        }
    }

    /** V = [u_1..u_r | a_t], M = [vec(H A_1)..vec(H A_r) | vec D_t], one n x n by n x k product per term. */
    private void propagateAndAppend(double[] W, CellStep s) {
        s.denseH(W, hMat, kern);
        // With CholeskyQR2 at r = 4 the kernels may take the Gram matrix of M's dense columns in the same pass.
        denseGram = cqrM != null && r == 4
            && kern.gemmTermsGram(n, n, k, hMat, 0, n, aT, 0, k, nk, mq, 0, nk, cqrM.gramMatrix(), r1 + 1, r1);
        if (!denseGram) {
            kern.gemmTerms(r, n, n, k, hMat, 0, n, aT, 0, k, nk, mq, 0, k, nk);
        }
        int dCol = r * nk;
        Arrays.fill(mq, dCol, dCol + nk, 0.0);
        for (int b = 0; b < s.g; b++) {
            for (int j = 0; j < n; j++) {
                mq[dCol + j * k + b * n + j] = s.dDiag[b * n + j];
            }
        }
        System.arraycopy(uT, 0, vq, 0, r * m);
        System.arraycopy(s.a, 0, vq, r * m, m);
    }

    /** C = Rv RM^T (both upper trapezoidal: only t >= max(a, b) contributes). */
    private void coreProduct() {
        double[] rv = qrV.rFactor();
        double[] rm = gramQr ? cqrM.rFactor() : qrM.rFactor();
        for (int a = 0; a < pv; a++) {
            for (int b = 0; b < pm; b++) {
                double acc = 0.0;
                for (int t = Math.max(a, b); t < r1; t++) {
                    acc += rv[a * r1 + t] * rm[b * r1 + t];
                }
                cMat[a * pm + b] = acc;
            }
        }
    }

    /**
     * Fixes the joint sign of every singular pair (x_j, y_j) (the SVD returns each only up to a joint flip):
     * {@code 1^T (Qv x_j) > 0}, computed as {@code (Qv^T 1)^T x_j} with the stored reflectors applied to the all-ones
     * m-vector; when that is exactly 0, {@code 1^T vec(QM y_j) > 0} instead; when both are 0 the pair is left as the
     * SVD returned it. The full-space vectors {@code Qv x_j}, {@code QM y_j} do not depend on the bases, so the
     * rule picks the same realisation whatever the SVD, the kernels or the column order.
     */
    private void canonicalSigns() {
        double[] onesV = qrV.transposeTimesOnes();
        double[] onesM = null; // computed only when some pair needs the fallback
        for (int j = 0; j < ns; j++) {
            double s = 0.0;
            for (int i = 0; i < pv; i++) {
                s += onesV[i] * xc[i * r1 + j];
            }
            if (s == 0.0) {
                if (onesM == null) {
                    onesM = gramQr ? cqrM.transposeTimesOnes() : qrM.transposeTimesOnes();
                }
                for (int i = 0; i < pm; i++) {
                    s += onesM[i] * yc[i * r1 + j];
                }
            }
            if (s < 0.0) {
                for (int i = 0; i < pv; i++) {
                    xc[i * r1 + j] = -xc[i * r1 + j];
                }
                for (int i = 0; i < pm; i++) {
                    yc[i * r1 + j] = -yc[i * r1 + j];
                }
            }
        }
    }

    /**
     * Numerical rank: singular values below the SVD's resolution are round-off of an exactly rank-deficient X (e.g.
     * t <= r steps after a reset). Mixing such a sigma_j with sigma_1 would add a random error of size
     * sqrt(2 sigma_1 sigma_j) ~ 1e-8 sigma_1; zeroing it changes X by at most 1e-13 sigma_1.
     */
    private void zeroBelowNumericalRank() {
        double floor = RANK_TOL * sigma[0];
        for (int j = 1; j < r1; j++) {
            if (sigma[j] <= floor) {
                sigma[j] = 0.0;
            }
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

    /** True when the last step factored M by CholeskyQR2, false when by Householder (tests). */
    boolean lastStepUsedCholeskyQr2() {
        return gramQr;
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
