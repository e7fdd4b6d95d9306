package org.flinkrtrl.core.math;

import java.util.Arrays;

/**
 * The element-wise kernels of the online LRU (its traces and their gradient, docs/spec-lru.md) and of its MLP
 * readout's backward pass, on structure-of-arrays complex vectors: the real and imaginary parts of N units in two
 * arrays, so that one SIMD lane holds one unit.
 *
 * <p>This class is the plain-Java implementation; {@link #get()} returns the Vector API one
 * ({@code org.flinkrtrl.core.math.VectorLruKernels}, compiled with the other SIMD kernels, see {@link Kernels})
 * exactly when {@link Kernels#get()} is the SIMD family, so the LRU and the dense methods always run on the same
 * family. The cell's B x and recurrence, the trace updates and the gradient are element-wise (B x: each sum in input
 * order) with the same operations in the same order in both (identical bits); the readout's backward pass sums in another order on SIMD (reassociation only).
 * Stateless and thread-safe; nothing allocates.
 *
 * <p>Trace layout: lambda, gamma, B x, e_lambda, e_gamma are length-N arrays (unit i at index i); E_B is stored
 * column by column, {@code E_B[i, j]} at {@code [j N + i]}, so its update runs over units for each input.
 */
public class LruKernels {
    static final String VECTOR_CLASS = "org.flinkrtrl.core.math.VectorLruKernels";

    static final LruKernels PLAIN = new LruKernels();

    private static final LruKernels INSTANCE = load();

    protected LruKernels() {}

    /** The kernels of this JVM: SIMD exactly when {@link Kernels#get()} is. */
    public static LruKernels get() {
        return INSTANCE;
    }

    /** The plain-Java kernels. */
    public static LruKernels plain() {
        return PLAIN;
    }

    private static LruKernels load() {
        if (Kernels.get() instanceof PlainKernels) {
            return PLAIN;
        }
        try {
            LruKernels k = (LruKernels) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
            return selfCheck(k) ? k : PLAIN;
        } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
            return PLAIN;
        }
    }

    /** Runs every kernel once on odd sizes (vector body and tails) and compares with the plain ones. */
    static boolean selfCheck(LruKernels k) {
        int n = 19;
        int nx = 3;
        double[][] a = new double[2][];
        for (int v = 0; v < 2; v++) {
            LruKernels impl = v == 0 ? k : PLAIN;
            double[] lr = fill(n, 1.0);
            double[] li = fill(n, 2.0);
            double[] g = fill(n, 3.0);
            double[] h = fill(2 * n + nx, 4.0);
            double[] bxr = fill(n, 5.0);
            double[] bxi = fill(n, 6.0);
            double[] e = fill(4 * n, 7.0);
            double[] eb = fill(2 * n * nx, 8.0);
            double[] dl = fill(2 * n, 9.0);
            double[] out = new double[3 * n + 2 * n * nx + 3 * 7 + 7 * (2 * n + 1) + 2 * n + n];
            impl.traces(n, lr, li, g, h, bxr, bxi, e, 0, e, n, e, 2 * n, e, 3 * n);
            impl.traceB(n, nx, lr, li, g, h, 2 * n, eb, 0, eb, n * nx);
            impl.diagGradient(n, lr, li, g, bxr, bxi, e, 0, e, n, e, 2 * n, e, 3 * n, dl, out);
            impl.bGradient(n, nx, eb, 0, eb, n * nx, dl, out, 3 * n, 3 * n + n * nx);
            int off = 3 * n + 2 * n * nx;
            double[] vv = fill(3 * 7 + 7 * (2 * n + 1), 10.0);
            double[] d = fill(7, 11.0);
            double[] dLdh = new double[2 * n];
            impl.denseBackward(vv, 21, 7, 2 * n, d, dl, out, off, dLdh);
            double[] t = fill(n, 12.0);
            t[3] = 30.0; // beyond the clamp
            t[5] = Double.NaN; // a lane block on the scalar path
            impl.biasTanh(t, n, vv, 1, 2);
            t[5] = 0.0;
            System.arraycopy(t, 0, out, out.length - 3 * n, n);
            double[] hx = fill(2 * n + 1, 13.0); // a 7 x (2n + 1) layer on [h; 1]
            hx[2 * n] = 1.0;
            double[] feat = new double[7];
            if (!impl.mlpFeatures(vv, 21, 7, 2 * n + 1, hx, new double[impl.lanes()], feat)) {
                Kernels.plain().multiDot(hx, 0, 2 * n, vv, 21, 2 * n + 1, 7, feat, 0);
                impl.biasTanh(feat, 7, vv, 21 + 2 * n, 2 * n + 1);
            }
            System.arraycopy(feat, 0, out, off + 7 * (2 * n + 1), 7); // after the layer's gradient
            System.arraycopy(dLdh, 0, out, out.length - 2 * n, 2 * n);
            // the fused step kernels: copies, recurrence, traces, gradient
            double[] wb = fill(2 * n * nx + 5, 17.0);
            double[] bb = new double[2 * n];
            impl.bx(n, nx, wb, 3, 3 + n * nx, h, bb, bb); // Re B x overwritten by Im B x (same array)
            double[] bb2 = new double[2 * n];
            impl.bx(n, nx, wb, 2, 2 + n * nx, h, bb2, Arrays.copyOf(bb2, n));
            double[][] c = new double[5][n];
            double[] hn = new double[2 * n];
            impl.recurrence(n, bxr, bxi, g, lr, li, c[0], c[1], c[2], c[3], c[4], h, bxr, bxi, hn);
            double[] tr = fill(4 * n, 14.0); // e_lambda (Re, Im), e_gamma (Re, Im)
            double[] tb = fill(2 * n * nx, 15.0); // E_B (Re, Im)
            double[] elr = Arrays.copyOfRange(tr, 0, n);
            double[] eli = Arrays.copyOfRange(tr, n, 2 * n);
            double[] egr = Arrays.copyOfRange(tr, 2 * n, 3 * n);
            double[] egi = Arrays.copyOfRange(tr, 3 * n, 4 * n);
            double[] ebr = Arrays.copyOfRange(tb, 0, n * nx);
            double[] ebi = Arrays.copyOfRange(tb, n * nx, 2 * n * nx);
            double[] ax = fill(2 * n + 2 * nx + 1, 16.0); // [h_{t-1}; x_{t-1}; x_t; 1]
            double[][] cp = new double[5][n];
            for (int rep = 0; rep < 2; rep++) {
                impl.stepTraces(n, nx, lr, li, g, bxr, bxi, cp[0], cp[1], cp[2], cp[3], cp[4], ax, bxr, bxi, elr, eli,
                    egr, egi, ebr, ebi);
            }
            double[] gw = new double[3 * n + 2 * n * nx];
            impl.gradient(n, nx, cp[0], cp[1], cp[2], cp[3], cp[4], elr, eli, egr, egi, ebr, ebi, dl, gw, 3 * n,
                3 * n + n * nx);
            double[][] parts = {out, e, eb, bb, bb2, c[0], c[1], c[2], c[3], c[4], hn, elr, eli, egr, egi, ebr, ebi, cp[0], cp[1], cp[2], cp[3], cp[4], gw};
            int len = 0;
            for (double[] part : parts) {
                len += part.length;
            }
            double[] all = new double[len];
            int at = 0;
            for (double[] part : parts) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            a[v] = all;
        }
        for (int i = 0; i < a[0].length; i++) {
            if (!(Math.abs(a[0][i] - a[1][i]) <= 1e-12 * (1 + Math.abs(a[1][i])))) {
                return false;
            }
        }
        return true;
    }

    private static double[] fill(int len, double seed) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = 0.5 * Math.sin(seed + 1.7 * i);
        }
        return v;
    }

    /** Short name for logs ("vector-512", "plain"). */
    public String name() {
        return "plain";
    }

    /**
     * The parameter transform of N units (docs/spec-lru.md L.1) with {@link LruMath}'s deterministic functions:
     * {@code en = exp(nu)}, {@code et = exp(theta)}, {@code g = exp(gamma_log)} and
     * {@code lambda = exp(-(en + minDecay)) (cos et + i sin et)} into {@code (lr, li)}; nu, theta, gamma_log are
     * {@code W[0, n)}, {@code W[n, 2n)}, {@code W[2n, 3n)}. The SIMD kernels give the same bits.
     */
    public void transform(int n, double[] W, double minDecay, double[] en, double[] et, double[] g, double[] lr,
                          double[] li) {
        // One function per loop: the calls of a loop are independent and overlap.
        for (int i = 0; i < n; i++) {
            en[i] = LruMath.exp(W[i]);
        }
        for (int i = 0; i < n; i++) {
            et[i] = LruMath.exp(W[n + i]);
        }
        for (int i = 0; i < n; i++) {
            g[i] = LruMath.exp(W[2 * n + i]);
        }
        for (int i = 0; i < n; i++) {
            lr[i] = LruMath.exp(-(en[i] + minDecay)); // |lambda| until the next two loops
        }
        for (int i = 0; i < n; i++) {
            li[i] = lr[i] * LruMath.sin(et[i]);
        }
        for (int i = 0; i < n; i++) {
            lr[i] = lr[i] * LruMath.cos(et[i]);
        }
    }

    /**
     * {@code B x} of the LRU cell: {@code bxr[i] = sum_j W[bRe + i n_x + j] x_j} and {@code bxi} likewise from
     * {@code bIm}, each sum from 0.0 in order j = 0, 1, ..; the SIMD kernels give the same bits.
     */
    public void bx(int n, int nx, double[] W, int bRe, int bIm, double[] x, double[] bxr, double[] bxi) {
        for (int i = 0; i < n; i++) {
            double br = 0.0;
            double bi = 0.0;
            int row = i * nx;
            for (int j = 0; j < nx; j++) {
                br += W[bRe + row + j] * x[j];
                bi += W[bIm + row + j] * x[j];
            }
            bxr[i] = br;
            bxi[i] = bi;
        }
    }

    /**
     * The LRU cell's recurrence {@code h_t = lambda (.) h_{t-1} + gamma (.) (B x_t)} of N units into {@code hn[0, 2N)}
     * ({@code [Re; Im]}, h_{t-1} as {@code [Re (N); Im (N)]} at the start of {@code h}), after copying the parameter
     * transform {@code (srcEn, srcEt, srcG, srcLr, srcLi)} into the step's arrays {@code (en, et, g, lr, li)} (the
     * source and destination may be the same arrays). Element-wise; the SIMD kernels give the same bits.
     */
    public void recurrence(int n, double[] srcEn, double[] srcEt, double[] srcG, double[] srcLr, double[] srcLi,
                           double[] en, double[] et, double[] g, double[] lr, double[] li, double[] h, double[] bxr,
                           double[] bxi, double[] hn) {
        System.arraycopy(srcEn, 0, en, 0, n);
        System.arraycopy(srcEt, 0, et, 0, n);
        System.arraycopy(srcG, 0, g, 0, n);
        System.arraycopy(srcLr, 0, lr, 0, n);
        System.arraycopy(srcLi, 0, li, 0, n);
        for (int i = 0; i < n; i++) {
            double hr = h[i];
            double hi = h[n + i];
            hn[i] = srcLr[i] * hr - srcLi[i] * hi + srcG[i] * bxr[i];
            hn[n + i] = srcLr[i] * hi + srcLi[i] * hr + srcG[i] * bxi[i];
        }
    }

    /**
     * The online LRU's trace step: copies the step's {@code (sLr, sLi, sG, sEn, sEt)} into the estimator's
     * {@code (lr, li, g, en, et)}, then {@link #traces} (h_{t-1} at the start of {@code a}) and {@link #traceB} (x_t at
     * {@code a[2N + n_x ..]}), all arrays at offset 0. Element-wise; the SIMD kernels give the same bits.
     */
    public void stepTraces(int n, int nx, double[] sLr, double[] sLi, double[] sG, double[] sEn, double[] sEt,
                           double[] lr, double[] li, double[] g, double[] en, double[] et, double[] a, double[] bxr,
                           double[] bxi, double[] elr, double[] eli, double[] egr, double[] egi, double[] ebr,
                           double[] ebi) {
        System.arraycopy(sLr, 0, lr, 0, n);
        System.arraycopy(sLi, 0, li, 0, n);
        System.arraycopy(sG, 0, g, 0, n);
        System.arraycopy(sEn, 0, en, 0, n);
        System.arraycopy(sEt, 0, et, 0, n);
        traces(n, lr, li, g, a, bxr, bxi, elr, 0, eli, 0, egr, 0, egi, 0);
        traceB(n, nx, lr, li, g, a, 2 * n + nx, ebr, 0, ebi, 0);
    }

    /**
     * The online LRU's whole parameter gradient: {@link #diagGradient} and {@link #bGradient}, all traces at offset
     * 0. The SIMD kernels give the same bits.
     */
    public void gradient(int n, int nx, double[] lr, double[] li, double[] gamma, double[] expNu, double[] expTheta,
                         double[] elr, double[] eli, double[] egr, double[] egi, double[] ebr, double[] ebi,
                         double[] dLdh, double[] gradW, int bRe, int bIm) {
        diagGradient(n, lr, li, gamma, expNu, expTheta, elr, 0, eli, 0, egr, 0, egi, 0, dLdh, gradW);
        bGradient(n, nx, ebr, 0, ebi, 0, dLdh, gradW, bRe, bIm);
    }

    /**
     * The MLP readout's activation in place: {@code f[i] = tanh(f[i] + V[bOff + i bStride])} for i < n, with
     * {@link #tanh}. The SIMD kernels give the same bits.
     */
    public void biasTanh(double[] f, int n, double[] V, int bOff, int bStride) {
        for (int i = 0; i < n; i++) {
            f[i] = tanh(f[i] + V[bOff + i * bStride]);
        }
    }

    /** Doubles per SIMD lane block (1 for the plain kernels). */
    public int lanes() {
        return 1;
    }

    /**
     * The MLP readout's features {@code feat[f] = tanh(V1[f] . [h; 1])} for the {@code rows} x {@code cols} row-major
     * V1 at {@code V[off ..]}, {@code hx = [h; 1]} (length >= cols), {@code tail} a scratch of {@link #lanes()}
     * doubles. Returns false (nothing written) when these kernels have no faster way than the shared
     * {@code Kernels.multiDot} and {@link #biasTanh}; the SIMD kernels sum each row over lane windows
     * (reassociation of the dot product only; the activation has the same bits).
     */
    public boolean mlpFeatures(double[] V, int off, int rows, int cols, double[] hx, double[] tail, double[] feat) {
        return false;
    }

    /** Below this {@code -2 |v|} the formula of {@link #tanh} rounds to +-1 exactly, so it is clamped there. */
    static final double TANH_CLAMP = -40.0;

    /**
     * tanh on {@link LruMath#exp}: {@code sign(v) (1 - e) / (1 + e)} with {@code e = exp(max(-2 |v|, -40))} (no
     * overflow; for |v| >= 20 both {@code 1 - e} and {@code 1 + e} round to 1, with or without the clamp, which keeps
     * the argument on the fast lane path). Deterministic (the lanes of the SIMD kernels compute the same bits),
     * within a few ulp of {@code Math.tanh}.
     */
    public static double tanh(double v) {
        double e = LruMath.exp(Math.max(-2.0 * Math.abs(v), TANH_CLAMP));
        return Math.copySign((1.0 - e) / (1.0 + e), v);
    }

    /**
     * The two diagonal traces of N units: {@code e_lambda <- lambda e_lambda + h_{t-1}},
     * {@code e_gamma <- lambda e_gamma + B x_t} (complex, element-wise; h_{t-1} as {@code [Re (N); Im (N)]} at the
     * start of {@code h}). Each output array is updated in place at its offset.
     */
    public void traces(int n, double[] lr, double[] li, double[] g, double[] h, double[] bxr, double[] bxi,
                       double[] elr, int elrOff, double[] eli, int eliOff, double[] egr, int egrOff,
                       double[] egi, int egiOff) {
        for (int i = 0; i < n; i++) {
            double er = elr[elrOff + i];
            double ei = eli[eliOff + i];
            elr[elrOff + i] = lr[i] * er - li[i] * ei + h[i];
            eli[eliOff + i] = lr[i] * ei + li[i] * er + h[n + i];
        }
        for (int i = 0; i < n; i++) {
            double er = egr[egrOff + i];
            double ei = egi[egiOff + i];
            egr[egrOff + i] = lr[i] * er - li[i] * ei + bxr[i];
            egi[egiOff + i] = lr[i] * ei + li[i] * er + bxi[i];
        }
    }

    /**
     * {@code E_B[i, j] <- lambda_i E_B[i, j] + gamma_i x_j} for the n_x inputs {@code x[xOff ..]}, E_B column by
     * column ({@code [j N + i]}) at {@code ebr[ebrOff ..]} (real) and {@code ebi[ebiOff ..]} (imaginary).
     */
    public void traceB(int n, int nx, double[] lr, double[] li, double[] g, double[] x, int xOff, double[] ebr,
                       int ebrOff, double[] ebi, int ebiOff) {
        for (int j = 0; j < nx; j++) {
            double xj = x[xOff + j];
            int r = ebrOff + j * n;
            int m = ebiOff + j * n;
            for (int i = 0; i < n; i++) {
                double br = ebr[r + i];
                double bi = ebi[m + i];
                ebr[r + i] = lr[i] * br - li[i] * bi + g[i] * xj;
                ebi[m + i] = lr[i] * bi + li[i] * br;
            }
        }
    }

    /**
     * The gradient of the 3N diagonal parameters {@code [nu | theta | gamma_log]} into {@code gradW[0, 3N)} from
     * {@code g = dL/dRe h + i dL/dIm h} ({@code dLdh[i]}, {@code dLdh[N + i]}): with {@code p = lambda e_lambda},
     * {@code q = conj(p) g}: {@code -exp(nu) Re q}, {@code exp(theta) Im q}, {@code gamma Re(conj(e_gamma) g)}.
     */
    public void diagGradient(int n, double[] lr, double[] li, double[] gamma, double[] expNu, double[] expTheta,
                             double[] elr, int elrOff, double[] eli, int eliOff, double[] egr, int egrOff,
                             double[] egi, int egiOff, double[] dLdh, double[] gradW) {
        diagGradientFrom(0, n, lr, li, gamma, expNu, expTheta, elr, elrOff, eli, eliOff, egr, egrOff, egi, egiOff,
            dLdh, gradW);
    }

    /** {@link #diagGradient} for the units {@code [from, n)} (also the SIMD kernels' scalar tail). */
    static void diagGradientFrom(int from, int n, double[] lr, double[] li, double[] gamma, double[] expNu,
                                 double[] expTheta, double[] elr, int elrOff, double[] eli, int eliOff, double[] egr,
                                 int egrOff, double[] egi, int egiOff, double[] dLdh, double[] gradW) {
        for (int i = from; i < n; i++) {
            double gr = dLdh[i];
            double gi = dLdh[n + i];
            double er = elr[elrOff + i];
            double ei = eli[eliOff + i];
            double pr = lr[i] * er - li[i] * ei;
            double pi = lr[i] * ei + li[i] * er;
            double qr = pr * gr + pi * gi;
            double qi = pr * gi - pi * gr;
            gradW[i] = -expNu[i] * qr;
            gradW[n + i] = expTheta[i] * qi;
            gradW[2 * n + i] = gamma[i] * (egr[egrOff + i] * gr + egi[egiOff + i] * gi);
        }
    }

    /**
     * The gradient of B: {@code dL/dRe B_ij + i dL/dIm B_ij = conj(E_B[i, j]) g_i}, written row-major (N x n_x) at
     * {@code gradW[bRe ..]} and {@code gradW[bIm ..]}, E_B column by column as in {@link #traceB}.
     */
    public void bGradient(int n, int nx, double[] ebr, int ebrOff, double[] ebi, int ebiOff, double[] dLdh,
                          double[] gradW, int bRe, int bIm) {
        for (int i = 0; i < n; i++) {
            double gr = dLdh[i];
            double gi = dLdh[n + i];
            int row = i * nx;
            for (int j = 0; j < nx; j++) {
                double br = ebr[ebrOff + j * n + i];
                double bi = ebi[ebiOff + j * n + i];
                gradW[bRe + row + j] = br * gr + bi * gi;
                gradW[bIm + row + j] = br * gi - bi * gr;
            }
        }
    }

    /**
     * Backward pass of a dense layer {@code z = V1 [h; 1]} ({@code rows} x (n + 1) row-major at {@code V[off ..]})
     * for the adjoint {@code d = dL/dz}: {@code gradV[off + f (n + 1) + j] = d_f h_j} (and {@code d_f} for the bias
     * column) and {@code dLdh[0, n) = V1^T d} (overwritten).
     */
    public void denseBackward(double[] V, int off, int rows, int n, double[] d, double[] h, double[] gradV,
                              int gOff, double[] dLdh) {
        java.util.Arrays.fill(dLdh, 0, n, 0.0);
        int cols = n + 1;
        for (int f = 0; f < rows; f++) {
            double df = d[f];
            int row = off + f * cols;
            int grow = gOff + f * cols;
            for (int j = 0; j < n; j++) {
                gradV[grow + j] = df * h[j];
                dLdh[j] += df * V[row + j];
            }
            gradV[grow + n] = df;
        }
    }
}
