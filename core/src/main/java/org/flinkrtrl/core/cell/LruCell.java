package org.flinkrtrl.core.cell;

import org.flinkrtrl.core.math.LruKernels;
import org.flinkrtrl.core.math.Rng;

/**
 * The linear recurrent unit (Orvieto et al. 2023) in the form trained online by Zucchet et al. (NeurIPS 2023): N
 * complex units {@code h_t = lambda (.) h_{t-1} + gamma (.) (B x_t)} with {@code lambda = exp(-exp(nu) + i
 * exp(theta))}, so {@code |lambda| < 1} for every finite nu (see {@link #MIN_DECAY} for floating point), and
 * {@code gamma = exp(gamma_log)} (docs/spec-lru.md). exp, sin and cos are {@code LruMath}'s (deterministic, within 2 ulp),
 * so the plain and SIMD kernels give the same bits. The transform of the latest W the learner updated is computed
 * right after the update ({@link #prepare}) and reused by the next step when W is unchanged since.
 * Real arithmetic only: a complex number is a pair of doubles.
 *
 * <p>The state vector the learner carries and the readout sees is {@code [Re h_t (N); Im h_t (N); x_t (n_x)]}
 * ({@link #hiddenSize()} = 2N + n_x): the input passes through unchanged so that the readout (an MLP, see
 * {@code MlpReadout}) acts on {@code [Re h, Im h, x]}. Its last n_x entries do not depend on the parameters and the
 * recurrence ignores them on input.
 *
 * <p>Parameters, flat (no k x m structure): {@code [nu (N) | theta (N) | gamma_log (N) | Re B (N x n_x, row-major)
 * | Im B (N x n_x)]}. Initialisation ({@link #initWeights}): |lambda|^2 uniform on [r_min^2, r_max^2] (uniform on
 * the ring's area), arg lambda uniform on [0, max_phase], gamma = sqrt(1 - |lambda|^2), and each of Re B, Im B
 * ~ N(0, 1 / (2 n_x)).
 */
public final class LruCell implements Cell {
    /**
     * Floor of the decay rate: {@code |lambda| = exp(-(exp(nu) + MIN_DECAY))}, so {@code |lambda| <= exp(-2^-40) < 1}
     * also in floating point, where {@code exp(-exp(nu))} rounds to exactly 1 once nu < -36.7. The derivative with
     * respect to nu is unchanged ({@code -exp(nu) lambda}).
     */
    public static final double MIN_DECAY = 0x1p-40;

    private static final LruKernels KERNELS = LruKernels.get();

    private final int units;
    private final int nx;
    private final double rMin;
    private final double rMax;
    private final double maxPhase;

    /**
     * The parameter transform of the latest {@link #prepare}: nu, theta, gamma_log it was computed from and its
     * outputs. Derived, not state: {@link #forward} uses it only when W's first 3N entries equal {@link #cacheW}
     * bit for bit (so a W written by anything else is transformed afresh), which gives the same bits as computing it.
     */
    private final double[] cacheW;
    private final double[] cacheExpNu;
    private final double[] cacheExpTheta;
    private final double[] cacheGamma;
    private final double[] cacheLamRe;
    private final double[] cacheLamIm;
    private boolean cached;
    /** Whether the latest {@link #forward} took the prepared transform (for tests). */
    boolean usedPrepared;

    /** With the settings' default ring (0.4, 0.99, pi). */
    public LruCell(int units, int inputs) {
        this(units, inputs, 0.4, 0.99, Math.PI);
    }

    /**
     * @param units    N, the number of complex units (>= 1).
     * @param inputs   n_x (>= 1).
     * @param rMin     smallest initial |lambda|, in [0, rMax).
     * @param rMax     largest initial |lambda|, in (rMin, 1).
     * @param maxPhase largest initial arg lambda, in (0, 2 pi].
     */
    public LruCell(int units, int inputs, double rMin, double rMax, double maxPhase) {
        if (units < 1 || inputs < 1) {
            throw new IllegalArgumentException("LRU units and inputs must be >= 1, got " + units + ", " + inputs);
        }
        if (!(rMin >= 0 && rMin < rMax && rMax < 1)) {
            throw new IllegalArgumentException("LRU ring needs 0 <= r_min < r_max < 1, got r_min=" + rMin
                + ", r_max=" + rMax);
        }
        if (!(maxPhase > 0 && maxPhase <= 2 * Math.PI)) {
            throw new IllegalArgumentException("LRU max_phase must be in (0, 2 pi], got " + maxPhase);
        }
        this.units = units;
        this.nx = inputs;
        this.rMin = rMin;
        this.rMax = rMax;
        this.maxPhase = maxPhase;
        this.cacheW = new double[3 * units];
        this.cacheExpNu = new double[units];
        this.cacheExpTheta = new double[units];
        this.cacheGamma = new double[units];
        this.cacheLamRe = new double[units];
        this.cacheLamIm = new double[units];
    }

    /**
     * The parameter transform of W now, right after the optimiser's step on W (so that its latency overlaps the
     * readout's update), for the next {@link #forward}. This makes the cell hold 8N doubles of derived values.
     */
    @Override
    public void prepare(double[] W) {
        KERNELS.transform(units, W, MIN_DECAY, cacheExpNu, cacheExpTheta, cacheGamma, cacheLamRe, cacheLamIm);
        System.arraycopy(W, 0, cacheW, 0, 3 * units);
        cached = true;
    }

    /** N, the number of complex units. */
    public int units() {
        return units;
    }

    /** 2N + n_x: [Re h; Im h; x]. */
    @Override
    public int hiddenSize() {
        return 2 * units + nx;
    }

    @Override
    public int inputSize() {
        return nx;
    }

    @Override
    public int gates() {
        return 1;
    }

    @Override
    public int parameterCount() {
        return 3 * units + 2 * units * nx;
    }

    /** Offset of nu in the flat parameters (theta, gamma_log, Re B and Im B follow, see the class comment). */
    public int nuOffset() { return 0; }
    public int thetaOffset() { return units; }
    public int gammaLogOffset() { return 2 * units; }
    public int bReOffset() { return 3 * units; }
    public int bImOffset() { return 3 * units + units * nx; }

    @Override
    public LruStep newStep() {
        return new LruStep(units, nx);
    }

    @Override
    public void forward(double[] W, double[] h, double[] x, CellStep step) {
        LruStep s = (LruStep) step;
        int n = units;
        int hs = hiddenSize();
        double[] a = s.a;
        System.arraycopy(h, 0, a, 0, hs);
        System.arraycopy(x, 0, a, hs, nx);
        a[hs + nx] = 1.0;
        // nu, theta, gamma_log -> exp(nu), exp(theta), gamma, lambda with LruMath's deterministic functions (the same
        // bits on either kernel family, interpreted or compiled).
        usedPrepared = cached && java.util.Arrays.equals(W, 0, 3 * n, cacheW, 0, 3 * n);
        if (!usedPrepared) {
            KERNELS.transform(n, W, MIN_DECAY, s.expNu, s.expTheta, s.gamma, s.lamRe, s.lamIm);
        }
        double[] bxr = s.bxRe;
        double[] bxi = s.bxIm;
        KERNELS.bx(n, nx, W, bReOffset(), bImOffset(), x, bxr, bxi);
        // the prepared transform is copied, not referenced: a reference store into the long-lived step would cost a
        // GC write barrier
        if (usedPrepared) {
            KERNELS.recurrence(n, cacheExpNu, cacheExpTheta, cacheGamma, cacheLamRe, cacheLamIm, s.expNu, s.expTheta,
                s.gamma, s.lamRe, s.lamIm, h, bxr, bxi, s.hNext);
        } else {
            KERNELS.recurrence(n, s.expNu, s.expTheta, s.gamma, s.lamRe, s.lamIm, s.expNu, s.expTheta, s.gamma,
                s.lamRe, s.lamIm, h, bxr, bxi, s.hNext);
        }
        double[] hn = s.hNext;
        System.arraycopy(x, 0, hn, 2 * n, nx);
    }

    /**
     * The ring initialisation of the class comment. {@code scale} (the dense cells' weight std) is not used: the
     * LRU's scales follow from the ring and the input normalisation gamma.
     */
    @Override
    public void initWeights(double[] W, Rng rng, double scale) {
        int n = units;
        for (int i = 0; i < n; i++) {
            double u1 = 1.0 - rng.nextDouble(); // (0, 1]: |lambda|^2 = r_min^2 + u1 (r_max^2 - r_min^2) > 0
            double u2 = 1.0 - rng.nextDouble(); // (0, 1]: theta > 0, so log(theta) is finite
            double mod2 = rMin * rMin + u1 * (rMax * rMax - rMin * rMin);
            W[i] = Math.log(-0.5 * Math.log(mod2));
            W[n + i] = Math.log(maxPhase * u2);
            W[2 * n + i] = 0.5 * Math.log(1.0 - mod2);
        }
        double std = 1.0 / Math.sqrt(2.0 * nx);
        for (int p = bReOffset(); p < W.length; p++) {
            W[p] = std * rng.nextGaussian();
        }
    }
}
