package org.flinkrtrl.core.grad;

import java.util.Arrays;
import org.flinkrtrl.core.math.Rng;

/**
 * Opt(sigma) of spec C.6: the minimum-variance unbiased reduction of r+1 orthonormal Kronecker components with
 * weights {@code sigma_1 >= ... >= sigma_{r+1} >= 0} to r terms, as a random coefficient matrix P ((r+1) x r).
 *
 * <p>With 1-based indices: the split {@code m*} is the smallest feasible {@code j in 1..r}, where j is feasible when
 * {@code (r+1-j) sigma_j <= T_j (1 + 1e-12)}, {@code T_j = sum_{i>=j} sigma_i}. Components {@code j < m*} are kept
 * ({@code P[j,j] = sqrt(sigma_j)}); the {@code K = r+2-m*} components {@code J = {m*..r+1}} are mixed into K-1 slots:
 * <pre>
 *   S = T_{m*},  d_j = (K-1) sigma_j / S,  w_j = sqrt(max(0, 1 - d_j)) (renormalised to |w| = 1),
 *   Z[i,l] = delta_il - w_i w_l / (1 + w_K)  (i < K),   Z[K,l] = -w_l      (l = 1..K-1),
 *   P[J_i, m*-1+l] = sqrt(S/(K-1)) eps_i Z[i,l],   eps_i in {-1,+1}, one fresh sign per MIXED component.
 * </pre>
 * Then {@code E[P P^T] = diag(sigma)} and, for every sign draw, {@code ||P P^T - diag(sigma)||_F^2 = V_OK =
 * S^2/(K-1) - sum_J sigma_j^2}. S = 0 gives zero mixed terms. Allocation-free after construction.
 *
 * <p>With {@code pairMixOnly} it is this project's "pair-mix" r-KF baseline of spec C.4 (not from the OK paper):
 * always {@code m* = r}, i.e. only the two smallest components are mixed (K = 2, V = 2 sigma_r sigma_{r+1}).
 */
public final class OptimalMixing {
    /** Relative tolerance of the feasibility test (pitfall G.4). */
    static final double FEASIBILITY_TOL = 1e-12;

    private final int r;
    private final boolean pairMixOnly;
    private final double[] w;
    private final double[] eps;

    private double lastVariance;
    private int lastKept;
    private double lastMixedFraction;

    /** @param rank r >= 1, the number of output terms. */
    public OptimalMixing(int rank) {
        this(rank, false);
    }

    /**
     * @param rank        r >= 1, the number of output terms.
     * @param pairMixOnly true for the pair-mix baseline (spec C.4): mix only the two smallest components.
     */
    public OptimalMixing(int rank, boolean pairMixOnly) {
        if (rank < 1) {
            throw new IllegalArgumentException("rank must be >= 1, got " + rank);
        }
        this.r = rank;
        this.pairMixOnly = pairMixOnly;
        this.w = new double[rank + 1];
        this.eps = new double[rank + 1];
    }

    public int rank() {
        return r;
    }

    public boolean isPairMixOnly() {
        return pairMixOnly;
    }

    /**
     * Draws P for the given spectrum.
     *
     * @param sigma r+1 singular values in descending order (negative values, from round-off, count as 0). Not
     *              modified.
     * @param rng   source of the Rademacher signs.
     * @param p     output, (r+1) x r row-major ({@code p[j*r + l]}); overwritten.
     */
    public void mix(double[] sigma, Rng rng, double[] p) {
        final int r1 = r + 1;
        Arrays.fill(p, 0, r1 * r, 0.0);
        double total = 0.0;
        for (int j = 0; j < r1; j++) {
            total += Math.max(0.0, sigma[j]);
        }
        // Backward scan for the smallest feasible split (0-based mStar in 0..r-1; r-1 is always feasible).
        int mStar = r - 1;
        double s = sig(sigma, r - 1) + sig(sigma, r);
        for (int j = r - 2; j >= 0 && !pairMixOnly; j--) {
            double tail = s + sig(sigma, j);
            if ((r - j) * sig(sigma, j) <= tail * (1.0 + FEASIBILITY_TOL)) {
                mStar = j;
                s = tail;
            } else {
                break; // feasibility is monotone in j
            }
        }
        for (int j = 0; j < mStar; j++) {
            p[j * r + j] = Math.sqrt(sig(sigma, j));
        }
        int kMixed = r1 - mStar;
        int slots = kMixed - 1;
        double sumSq = 0.0;
        for (int i = 0; i < kMixed; i++) {
            double v = sig(sigma, mStar + i);
            sumSq += v * v;
        }
        lastKept = mStar;
        lastMixedFraction = total > 0.0 ? s / total : 0.0;
        if (!(s > 0.0)) {
            lastVariance = 0.0; // all mixed components are zero: the K-1 mixed terms are zero
            return;
        }
        lastVariance = Math.max(0.0, s * s / slots - sumSq);
        // 1 - d_j computed as (S - (K-1) sigma_j) / S: forming d_j first would turn d_j = 1 into 1 - ulp and
        // w_j into sqrt(ulp) ~ 1e-8, an error the square root amplifies (e.g. sigma = (s1, s2, 0) must be exact).
        double wn = 0.0;
        for (int i = 0; i < kMixed; i++) {
            double wi = Math.sqrt(Math.max(0.0, (s - slots * sig(sigma, mStar + i)) / s));
            w[i] = wi;
            wn += wi * wi;
        }
        wn = Math.sqrt(wn);
        for (int i = 0; i < kMixed; i++) {
            w[i] /= wn;
            eps[i] = rng.nextSign();
        }
        double wK = w[kMixed - 1];
        double inv = 1.0 / (1.0 + wK);
        double gain = Math.sqrt(s / slots);
        for (int i = 0; i < kMixed; i++) {
            int row = (mStar + i) * r + mStar;
            double ge = gain * eps[i];
            if (i < kMixed - 1) {
                double wi = w[i] * inv;
                for (int l = 0; l < slots; l++) {
                    double z = (i == l ? 1.0 : 0.0) - wi * w[l];
                    p[row + l] = ge * z;
                }
            } else {
                for (int l = 0; l < slots; l++) {
                    p[row + l] = -ge * w[l];
                }
            }
        }
    }

    private static double sig(double[] sigma, int j) {
        double v = sigma[j];
        return v > 0.0 ? v : 0.0;
    }

    /** V_OK = S^2/(K-1) - sum_J sigma_j^2 of the last {@link #mix}: the squared error of every draw. */
    public double lastVariance() {
        return lastVariance;
    }

    /** Number of kept components of the last {@link #mix}, m* - 1 in the spec's 1-based notation. */
    public int lastKept() {
        return lastKept;
    }

    /** K of the last {@link #mix}: the number of mixed components. */
    public int lastMixedCount() {
        return r + 1 - lastKept;
    }

    /** K - 1 of the last {@link #mix}: the number of output slots used for mixing. */
    public int lastMixedSlots() {
        return r - lastKept;
    }

    /** S / sum(sigma) of the last {@link #mix}: the fraction of the singular-value mass that was mixed. */
    public double lastMixedFraction() {
        return lastMixedFraction;
    }

    /** Diagnostics are part of the checkpointed state so a restored estimator reports the same values. */
    void setDiagnostics(double variance, int kept, double mixedFraction) {
        this.lastVariance = variance;
        this.lastKept = kept;
        this.lastMixedFraction = mixedFraction;
    }
}
