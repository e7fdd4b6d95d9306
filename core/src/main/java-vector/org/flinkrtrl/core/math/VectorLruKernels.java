package org.flinkrtrl.core.math;

import static jdk.incubator.vector.VectorOperators.ABS;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.AND;
import static jdk.incubator.vector.VectorOperators.DIV;
import static jdk.incubator.vector.VectorOperators.FMA;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.MUL;
import static jdk.incubator.vector.VectorOperators.NEG;
import static jdk.incubator.vector.VectorOperators.NOT;
import static jdk.incubator.vector.VectorOperators.OR;
import static jdk.incubator.vector.VectorOperators.SUB;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LruKernels} on the Java Vector API, {@code SPECIES_PREFERRED} doubles, one unit per lane. Loaded
 * reflectively by {@link LruKernels#get()} only when the SIMD {@link Kernels} are in use: never reference this
 * class directly. The element-wise kernels do the plain ones' operations in the same order (no FMA), so they give
 * the same bits; the readout's backward pass accumulates {@code V1^T d} with FMAs (reassociation only).
 *
 * <p>No method here takes or returns a vector: every vector lives inside one method, between a load from and a store
 * to an array. A vector passed to a helper is boxed on the heap whenever C2 does not inline that helper, and it does
 * not when the helper was already compiled on its own into more than {@code InlineSmallCode} bytes ("already compiled
 * into a big method"), which depends on the order of compilations: the LRU step allocated 1.5 KB per event for the
 * JVM's lifetime in about one JVM of dozens. AllocationTest's execution runs with {@code -XX:InlineSmallCode=500},
 * which provokes that case every time.
 *
 * <p>As in {@link VectorKernels} (its class comment): every operation is {@code lanewise(op, vector)} on the
 * receiver, never a convenience method of the JDK's {@code DoubleVector} or {@code LongVector} (whose virtual calls
 * sit at sites all species share); scalars are broadcast by {@code ONE.broadcast(x)} and {@code LONGS.broadcast(x)},
 * bound statically on a constant and so typed exactly; a copied vector is retyped by {@code ONE.lanewise(MUL, load)}
 * rather than stored straight from its load. After 128-bit vectors through those shared sites the LRU step allocated
 * 12-42 KB per step with the convenience methods, 0.4-1.3 KB now ({@code ProfilePollutionTest}): what remains are
 * multiplies whose argument is a reinterpreted vector (sin, cos and tanh assembled from their bits) and the gathers
 * and scatters of {@code bx} and {@code gradient}.
 */
final class VectorLruKernels extends LruKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Longs in vectors of the same shape, for the bit operations on doubles' lanes. */
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    /** A constant of the exact vector class: {@code ONE.lanewise(MUL, load)} is typed exactly (see VectorKernels). */
    private static final DoubleVector ONE = DoubleVector.broadcast(S, 1.0);
    /** A constant long vector of the exact class: {@code LONGS.broadcast(x)} is typed exactly, as {@code ONE}. */
    private static final LongVector LONGS = LongVector.zero(LS);

    public VectorLruKernels() {}

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    /**
     * {@link LruKernels#transform} on lanes: {@link LruMath}'s exp, sin and cos with the same operations in the same
     * order on each lane (lane-wise fma is exact like {@link Math#fma}), so the same bits. A block of lanes with an
     * argument outside the fast ranges (or NaN) is done by the scalar functions, which then take {@code StrictMath}'s
     * value. Each function is its own loop over arrays, its vector operations written out (see the class comment).
     */
    @Override
    public void transform(int n, double[] W, double minDecay, double[] en, double[] et, double[] g, double[] lr,
                          double[] li) {
        // One call site per helper: C2 inlines each once and stays within its node budget.
        for (int part = 0; part < 4; part++) {
            double[] src = W;
            int off = part * n;
            double[] dst = part == 0 ? en : part == 1 ? et : part == 2 ? g : lr;
            if (part == 3) {
                // on lanes: en was just stored by lanes, and lr is read by lanes (no store-to-load forwarding stall)
                int i = 0;
                for (; i + L <= n; i += L) {
                    DoubleVector.fromArray(S, en, i).lanewise(ADD, ONE.broadcast(minDecay)).lanewise(NEG)
                        .intoArray(lr, i);
                }
                for (; i < n; i++) {
                    lr[i] = -(en[i] + minDecay);
                }
                src = lr;
                off = 0;
            }
            expInto(src, off, dst, n); // lr: |lambda| until sinCosInto
        }
        sinCosInto(et, lr, li, n);
    }

    /** {@code dst[i] = LruMath.exp(src[off + i])}, i < n. */
    private static void expInto(double[] src, int off, double[] dst, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            DoubleVector x = DoubleVector.fromArray(S, src, off + i);
            if (x.compare(GE, ONE.broadcast(LruMath.EXP_MIN))
                .and(x.compare(LE, ONE.broadcast(LruMath.EXP_MAX))).allTrue()) {
                // LruMath.exp on lanes within [EXP_MIN, EXP_MAX]
                DoubleVector shifted = x.lanewise(MUL, ONE.broadcast(LruMath.LOG2E)).lanewise(ADD,
                    ONE.broadcast(LruMath.SHIFTER));
                DoubleVector k = shifted.lanewise(SUB, ONE.broadcast(LruMath.SHIFTER));
                DoubleVector nk = k.lanewise(NEG);
                DoubleVector r = nk.lanewise(FMA, ONE.broadcast(LruMath.LN2_HI), x);
                r = nk.lanewise(FMA, ONE.broadcast(LruMath.LN2_LO), r);
                DoubleVector p = r.lanewise(FMA, ONE.broadcast(LruMath.E13),
                    ONE.broadcast(LruMath.E12));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E11));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E10));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E9));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E8));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E7));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E6));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E5));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E4));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E3));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E2));
                p = r.lanewise(MUL, r).lanewise(FMA, p, r);
                p = p.lanewise(ADD, ONE.broadcast(1.0));
                LongVector shiftedBits = (LongVector) shifted.reinterpretShape(LS, 0);
                DoubleVector scale = (DoubleVector) shiftedBits.lanewise(AND, LONGS.broadcast(LruMath.LOW52))
                    .lanewise(SUB, LONGS.broadcast(LruMath.EXP_BIAS_OFFSET))
                    .lanewise(LSHL, LONGS.broadcast(52)).reinterpretShape(S, 0);
                p.lanewise(MUL, scale).intoArray(dst, i);
            } else {
                for (int l = i; l < i + L; l++) {
                    dst[l] = LruMath.exp(src[off + l]);
                }
            }
        }
        for (; i < n; i++) {
            dst[i] = LruMath.exp(src[off + i]);
        }
    }

    /** {@code li[i] = lr[i] LruMath.sin(et[i])}, {@code lr[i] = lr[i] LruMath.cos(et[i])}, i < n. */
    private static void sinCosInto(double[] et, double[] lr, double[] li, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            DoubleVector x = DoubleVector.fromArray(S, et, i);
            if (x.lanewise(ABS).compare(LE, ONE.broadcast(LruMath.TRIG_MAX)).allTrue()) {
                // Shared reduction; sin picks by quadrant q, cos by q + 1 (cos x = sin(x + pi/2)).
                DoubleVector shifted = x.lanewise(MUL, ONE.broadcast(LruMath.TWO_OVER_PI)).lanewise(ADD,
                    ONE.broadcast(LruMath.SHIFTER));
                DoubleVector k = shifted.lanewise(SUB, ONE.broadcast(LruMath.SHIFTER));
                // LruMath.reduce: r = x - k pi/2 in three parts
                DoubleVector nk = k.lanewise(NEG);
                DoubleVector r1 = nk.lanewise(FMA, ONE.broadcast(LruMath.PIO2_1), x);
                DoubleVector p2 = k.lanewise(MUL, ONE.broadcast(LruMath.PIO2_2));
                DoubleVector w = r1.lanewise(SUB, p2);
                DoubleVector bb = w.lanewise(SUB, r1);
                DoubleVector err = r1.lanewise(SUB, w.lanewise(SUB, bb)).lanewise(SUB, p2.lanewise(ADD, bb));
                DoubleVector r = w.lanewise(ADD, nk.lanewise(FMA, ONE.broadcast(LruMath.PIO2_3), err));
                DoubleVector z = r.lanewise(MUL, r);
                // LruMath.sinPoly
                DoubleVector ps = z.lanewise(FMA, ONE.broadcast(-LruMath.E19),
                    ONE.broadcast(LruMath.E17));
                ps = z.lanewise(FMA, ps, ONE.broadcast(-LruMath.E15));
                ps = z.lanewise(FMA, ps, ONE.broadcast(LruMath.E13));
                ps = z.lanewise(FMA, ps, ONE.broadcast(-LruMath.E11));
                ps = z.lanewise(FMA, ps, ONE.broadcast(LruMath.E9));
                ps = z.lanewise(FMA, ps, ONE.broadcast(-LruMath.E7));
                ps = z.lanewise(FMA, ps, ONE.broadcast(LruMath.E5));
                ps = z.lanewise(FMA, ps, ONE.broadcast(-LruMath.E3));
                LongVector sp = (LongVector) z.lanewise(MUL, r).lanewise(FMA, ps, r).reinterpretShape(LS, 0);
                // LruMath.cosPoly
                DoubleVector pc = z.lanewise(FMA, ONE.broadcast(-LruMath.E18),
                    ONE.broadcast(LruMath.E16));
                pc = z.lanewise(FMA, pc, ONE.broadcast(-LruMath.E14));
                pc = z.lanewise(FMA, pc, ONE.broadcast(LruMath.E12));
                pc = z.lanewise(FMA, pc, ONE.broadcast(-LruMath.E10));
                pc = z.lanewise(FMA, pc, ONE.broadcast(LruMath.E8));
                pc = z.lanewise(FMA, pc, ONE.broadcast(-LruMath.E6));
                pc = z.lanewise(FMA, pc, ONE.broadcast(LruMath.E4));
                DoubleVector hz = z.lanewise(MUL, ONE.broadcast(0.5));
                // a local broadcast, not the constant ONE: ONE as an operand here made the MLP-readout step box
                DoubleVector one = ONE.broadcast(1.0);
                DoubleVector cw = one.lanewise(SUB, hz);
                LongVector cp = (LongVector) cw.lanewise(ADD, one.lanewise(SUB, cw).lanewise(SUB, hz)
                    .lanewise(ADD, z.lanewise(MUL, z).lanewise(MUL, pc))).reinterpretShape(LS, 0);
                LongVector q = (LongVector) shifted.reinterpretShape(LS, 0);
                DoubleVector mod = DoubleVector.fromArray(S, lr, i);
                // sin(q pi/2 + r): cos r for odd q, sign flipped (exactly a negation) for q mod 4 in {2, 3}.
                LongVector odd = q.lanewise(AND, LONGS.broadcast(1L)).lanewise(NEG); // all ones for odd q
                LongVector sinBits = sp.lanewise(AND, odd.lanewise(NOT)).lanewise(OR, cp.lanewise(AND, odd))
                    .lanewise(XOR, q.lanewise(AND, LONGS.broadcast(2L))
                        .lanewise(LSHL, LONGS.broadcast(62)));
                LongVector q1 = q.lanewise(ADD, LONGS.broadcast(1L));
                LongVector odd1 = q1.lanewise(AND, LONGS.broadcast(1L)).lanewise(NEG);
                LongVector cosBits = sp.lanewise(AND, odd1.lanewise(NOT)).lanewise(OR, cp.lanewise(AND, odd1))
                    .lanewise(XOR, q1.lanewise(AND, LONGS.broadcast(2L))
                        .lanewise(LSHL, LONGS.broadcast(62)));
                mod.lanewise(MUL, (DoubleVector) sinBits.reinterpretShape(S, 0)).intoArray(li, i);
                mod.lanewise(MUL, (DoubleVector) cosBits.reinterpretShape(S, 0)).intoArray(lr, i);
            } else {
                for (int l = i; l < i + L; l++) {
                    double mod = lr[l];
                    li[l] = mod * LruMath.sin(et[l]);
                    lr[l] = mod * LruMath.cos(et[l]);
                }
            }
        }
        for (; i < n; i++) {
            double mod = lr[i];
            li[i] = mod * LruMath.sin(et[i]);
            lr[i] = mod * LruMath.cos(et[i]);
        }
    }

    @Override
    public void biasTanh(double[] f, int n, double[] V, int bOff, int bStride) {
        for (int i = 0; i < n; i++) {
            f[i] += V[bOff + i * bStride];
        }
        tanhLanes(f, n);
    }

    /**
     * {@link #denseBackward} for n >= L over L-wide windows of the row (the last one ending at column n, overlapping
     * the one before: its lanes compute the same values again). Each lane accumulates {@code V1^T d} with an FMA per
     * row in row order, like the lane loop, so the same bits.
     */
    private static void windowedBackward(double[] V, int off, int rows, int n, double[] d, double[] h,
                                         double[] gradV, int gOff, double[] dLdh) {
        int cols = n + 1;
        for (int j = 0; j < n; j += L) {
            int w = Math.min(j, n - L);
            DoubleVector hv = DoubleVector.fromArray(S, h, w);
            DoubleVector acc = DoubleVector.zero(S);
            for (int f = 0; f < rows; f++) {
                double df = d[f];
                hv.lanewise(MUL, ONE.broadcast(df)).intoArray(gradV, gOff + f * cols + w);
                acc = DoubleVector.fromArray(S, V, off + f * cols + w).lanewise(FMA, ONE.broadcast(df),
                    acc);
            }
            acc.intoArray(dLdh, w);
        }
        for (int f = 0; f < rows; f++) {
            gradV[gOff + f * cols + n] = d[f];
        }
    }

    /**
     * {@code f[i] = LruKernels.tanh(f[i])}, i < n, on lanes (the same bits). The exponential's operations are
     * {@link #expInto}'s, in the same order, written out again (see the class comment on why there is no shared
     * vector helper); LruKernelsTest pins the bits against the scalar tanh.
     */
    private static void tanhLanes(double[] f, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            DoubleVector v = DoubleVector.fromArray(S, f, i);
            DoubleVector t = v.lanewise(ABS).lanewise(MUL, ONE.broadcast(-2.0)).lanewise(MAX,
                ONE.broadcast(TANH_CLAMP));
            if (t.compare(GE, ONE.broadcast(LruMath.EXP_MIN)).allTrue()) { // t <= 0; false for NaN
                DoubleVector shifted = t.lanewise(MUL, ONE.broadcast(LruMath.LOG2E)).lanewise(ADD,
                    ONE.broadcast(LruMath.SHIFTER));
                DoubleVector k = shifted.lanewise(SUB, ONE.broadcast(LruMath.SHIFTER));
                DoubleVector nk = k.lanewise(NEG);
                DoubleVector r = nk.lanewise(FMA, ONE.broadcast(LruMath.LN2_HI), t);
                r = nk.lanewise(FMA, ONE.broadcast(LruMath.LN2_LO), r);
                DoubleVector p = r.lanewise(FMA, ONE.broadcast(LruMath.E13),
                    ONE.broadcast(LruMath.E12));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E11));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E10));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E9));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E8));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E7));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E6));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E5));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E4));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E3));
                p = r.lanewise(FMA, p, ONE.broadcast(LruMath.E2));
                p = r.lanewise(MUL, r).lanewise(FMA, p, r);
                p = p.lanewise(ADD, ONE.broadcast(1.0));
                LongVector shiftedBits = (LongVector) shifted.reinterpretShape(LS, 0);
                DoubleVector e = p.lanewise(MUL, (DoubleVector) shiftedBits
                    .lanewise(AND, LONGS.broadcast(LruMath.LOW52))
                    .lanewise(SUB, LONGS.broadcast(LruMath.EXP_BIAS_OFFSET))
                    .lanewise(LSHL, LONGS.broadcast(52)).reinterpretShape(S, 0));
                // a local broadcast, not the constant ONE: ONE as an operand here made the MLP-readout step box
                DoubleVector one = ONE.broadcast(1.0);
                LongVector sign = ((LongVector) v.reinterpretShape(LS, 0)).lanewise(AND,
                    LONGS.broadcast(Long.MIN_VALUE));
                LongVector bits = (LongVector) one.lanewise(SUB, e).lanewise(DIV, one.lanewise(ADD, e))
                    .reinterpretShape(LS, 0);
                ONE.lanewise(MUL, (DoubleVector) bits.lanewise(OR, sign).reinterpretShape(S, 0)).intoArray(f, i);
            } else {
                for (int l = i; l < i + L; l++) {
                    f[l] = LruKernels.tanh(f[l]);
                }
            }
        }
        for (; i < n; i++) {
            f[i] = LruKernels.tanh(f[i]);
        }
    }

    @Override
    public void recurrence(int n, double[] srcEn, double[] srcEt, double[] srcG, double[] srcLr, double[] srcLi,
                           double[] en, double[] et, double[] g, double[] lr, double[] li, double[] h, double[] bxr,
                           double[] bxi, double[] hn) {
        int i = 0;
        for (; i + L <= n; i += L) {
            // the copies retyped by ONE (x * 1 is x): a vector stored straight from a load depends on the JDK's
            // shared type profiles (VectorKernels' class comment)
            ONE.lanewise(MUL, DoubleVector.fromArray(S, srcEn, i)).intoArray(en, i);
            ONE.lanewise(MUL, DoubleVector.fromArray(S, srcEt, i)).intoArray(et, i);
            DoubleVector c = ONE.lanewise(MUL, DoubleVector.fromArray(S, srcG, i));
            DoubleVector a = ONE.lanewise(MUL, DoubleVector.fromArray(S, srcLr, i));
            DoubleVector b = ONE.lanewise(MUL, DoubleVector.fromArray(S, srcLi, i));
            c.intoArray(g, i);
            a.intoArray(lr, i);
            b.intoArray(li, i);
            DoubleVector hr = DoubleVector.fromArray(S, h, i);
            DoubleVector hi = DoubleVector.fromArray(S, h, n + i);
            a.lanewise(MUL, hr).lanewise(SUB, b.lanewise(MUL, hi)).lanewise(ADD, c
                .lanewise(MUL, DoubleVector.fromArray(S, bxr, i))).intoArray(hn, i);
            a.lanewise(MUL, hi).lanewise(ADD, b.lanewise(MUL, hr)).lanewise(ADD, c
                .lanewise(MUL, DoubleVector.fromArray(S, bxi, i))).intoArray(hn, n + i);
        }
        for (; i < n; i++) {
            en[i] = srcEn[i];
            et[i] = srcEt[i];
            g[i] = srcG[i];
            lr[i] = srcLr[i];
            li[i] = srcLi[i];
            double hr = h[i];
            double hi = h[n + i];
            hn[i] = srcLr[i] * hr - srcLi[i] * hi + srcG[i] * bxr[i];
            hn[n + i] = srcLr[i] * hi + srcLi[i] * hr + srcG[i] * bxi[i];
        }
    }

    @Override
    public void stepTraces(int n, int nx, double[] sLr, double[] sLi, double[] sG, double[] sEn, double[] sEt,
                           double[] lr, double[] li, double[] g, double[] en, double[] et, double[] a, double[] bxr,
                           double[] bxi, double[] elr, double[] eli, double[] egr, double[] egi, double[] ebr,
                           double[] ebi) {
        int xOff = 2 * n + nx;
        int i = 0;
        for (; i + L <= n; i += L) {
            // the copies retyped by ONE, as in recurrence
            DoubleVector lam = ONE.lanewise(MUL, DoubleVector.fromArray(S, sLr, i));
            DoubleVector lai = ONE.lanewise(MUL, DoubleVector.fromArray(S, sLi, i));
            DoubleVector c = ONE.lanewise(MUL, DoubleVector.fromArray(S, sG, i));
            lam.intoArray(lr, i);
            lai.intoArray(li, i);
            c.intoArray(g, i);
            ONE.lanewise(MUL, DoubleVector.fromArray(S, sEn, i)).intoArray(en, i);
            ONE.lanewise(MUL, DoubleVector.fromArray(S, sEt, i)).intoArray(et, i);
            DoubleVector er = DoubleVector.fromArray(S, elr, i);
            DoubleVector ei = DoubleVector.fromArray(S, eli, i);
            lam.lanewise(MUL, er).lanewise(SUB, lai.lanewise(MUL, ei)).lanewise(ADD, DoubleVector.fromArray(S, a, i))
                .intoArray(elr, i);
            lam.lanewise(MUL, ei).lanewise(ADD, lai.lanewise(MUL, er)).lanewise(ADD,
                DoubleVector.fromArray(S, a, n + i)).intoArray(eli, i);
            DoubleVector gr = DoubleVector.fromArray(S, egr, i);
            DoubleVector gi = DoubleVector.fromArray(S, egi, i);
            lam.lanewise(MUL, gr).lanewise(SUB, lai.lanewise(MUL, gi)).lanewise(ADD,
                DoubleVector.fromArray(S, bxr, i)).intoArray(egr, i);
            lam.lanewise(MUL, gi).lanewise(ADD, lai.lanewise(MUL, gr)).lanewise(ADD,
                DoubleVector.fromArray(S, bxi, i)).intoArray(egi, i);
            for (int j = 0; j < nx; j++) {
                int r = j * n + i;
                DoubleVector br = DoubleVector.fromArray(S, ebr, r);
                DoubleVector bi = DoubleVector.fromArray(S, ebi, r);
                lam.lanewise(MUL, br).lanewise(SUB, lai.lanewise(MUL, bi)).lanewise(ADD, c
                    .lanewise(MUL, ONE.broadcast(a[xOff + j]))).intoArray(ebr, r);
                lam.lanewise(MUL, bi).lanewise(ADD, lai.lanewise(MUL, br)).intoArray(ebi, r);
            }
        }
        for (; i < n; i++) {
            lr[i] = sLr[i];
            li[i] = sLi[i];
            g[i] = sG[i];
            en[i] = sEn[i];
            et[i] = sEt[i];
            double er = elr[i];
            double ei = eli[i];
            elr[i] = lr[i] * er - li[i] * ei + a[i];
            eli[i] = lr[i] * ei + li[i] * er + a[n + i];
            er = egr[i];
            ei = egi[i];
            egr[i] = lr[i] * er - li[i] * ei + bxr[i];
            egi[i] = lr[i] * ei + li[i] * er + bxi[i];
            for (int j = 0; j < nx; j++) {
                int r = j * n + i;
                double br = ebr[r];
                double bi = ebi[r];
                ebr[r] = lr[i] * br - li[i] * bi + g[i] * a[xOff + j];
                ebi[r] = lr[i] * bi + li[i] * br;
            }
        }
    }

    /** Lane index maps {@code {0, s, 2 s, ..}} of strides s < STRIDES.length, for scatters into row-major rows. */
    private static final int[][] STRIDES = new int[65][];

    static {
        for (int st = 1; st < STRIDES.length; st++) {
            STRIDES[st] = new int[L];
            for (int l = 0; l < L; l++) {
                STRIDES[st][l] = l * st;
            }
        }
    }

    /** {@link LruKernels#bx} on lanes: each unit's row of B gathered with stride n_x, summed in the same order. */
    @Override
    public void bx(int n, int nx, double[] W, int bRe, int bIm, double[] x, double[] bxr, double[] bxi) {
        if (nx >= STRIDES.length) {
            super.bx(n, nx, W, bRe, bIm, x, bxr, bxi);
            return;
        }
        int[] idx = STRIDES[nx];
        int i = 0;
        for (; i + L <= n; i += L) {
            int row = i * nx;
            DoubleVector br = DoubleVector.zero(S);
            DoubleVector bi = DoubleVector.zero(S);
            for (int j = 0; j < nx; j++) {
                double xj = x[j];
                br = br.lanewise(ADD, DoubleVector.fromArray(S, W, bRe + row + j, idx, 0)
                    .lanewise(MUL, ONE.broadcast(xj)));
                bi = bi.lanewise(ADD, DoubleVector.fromArray(S, W, bIm + row + j, idx, 0)
                    .lanewise(MUL, ONE.broadcast(xj)));
            }
            br.intoArray(bxr, i);
            bi.intoArray(bxi, i);
        }
        for (; i < n; i++) {
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
     * {@link #diagGradient}, then the gradient of B on lanes: each input j's column of E_B (contiguous, one unit per
     * lane) times g, scattered into the row-major rows of B's gradient. Same operations as the plain kernels.
     */
    @Override
    public void gradient(int n, int nx, double[] lr, double[] li, double[] gamma, double[] expNu, double[] expTheta,
                         double[] elr, double[] eli, double[] egr, double[] egi, double[] ebr, double[] ebi,
                         double[] dLdh, double[] gradW, int bRe, int bIm) {
        diagGradient(n, lr, li, gamma, expNu, expTheta, elr, 0, eli, 0, egr, 0, egi, 0, dLdh, gradW);
        if (nx >= STRIDES.length) {
            bGradient(n, nx, ebr, 0, ebi, 0, dLdh, gradW, bRe, bIm);
            return;
        }
        int[] idx = STRIDES[nx];
        int i = 0;
        for (; i + L <= n; i += L) {
            DoubleVector gr = DoubleVector.fromArray(S, dLdh, i);
            DoubleVector gi = DoubleVector.fromArray(S, dLdh, n + i);
            int row = i * nx;
            for (int j = 0; j < nx; j++) {
                DoubleVector br = DoubleVector.fromArray(S, ebr, j * n + i);
                DoubleVector bi = DoubleVector.fromArray(S, ebi, j * n + i);
                br.lanewise(MUL, gr).lanewise(ADD, bi.lanewise(MUL, gi)).intoArray(gradW, bRe + row + j, idx, 0);
                br.lanewise(MUL, gi).lanewise(SUB, bi.lanewise(MUL, gr)).intoArray(gradW, bIm + row + j, idx, 0);
            }
        }
        for (; i < n; i++) {
            double gr = dLdh[i];
            double gi = dLdh[n + i];
            int row = i * nx;
            for (int j = 0; j < nx; j++) {
                double br = ebr[j * n + i];
                double bi = ebi[j * n + i];
                gradW[bRe + row + j] = br * gr + bi * gi;
                gradW[bIm + row + j] = br * gi - bi * gr;
            }
        }
    }

    @Override
    public void traces(int n, double[] lr, double[] li, double[] g, double[] h, double[] bxr, double[] bxi,
                       double[] elr, int elrOff, double[] eli, int eliOff, double[] egr, int egrOff,
                       double[] egi, int egiOff) {
        int i = 0;
        for (; i + L <= n; i += L) {
            DoubleVector a = DoubleVector.fromArray(S, lr, i);
            DoubleVector b = DoubleVector.fromArray(S, li, i);
            DoubleVector er = DoubleVector.fromArray(S, elr, elrOff + i);
            DoubleVector ei = DoubleVector.fromArray(S, eli, eliOff + i);
            a.lanewise(MUL, er).lanewise(SUB, b.lanewise(MUL, ei)).lanewise(ADD, DoubleVector.fromArray(S, h, i))
                .intoArray(elr, elrOff + i);
            a.lanewise(MUL, ei).lanewise(ADD, b.lanewise(MUL, er)).lanewise(ADD, DoubleVector.fromArray(S, h, n + i))
                .intoArray(eli, eliOff + i);
            DoubleVector gr = DoubleVector.fromArray(S, egr, egrOff + i);
            DoubleVector gi = DoubleVector.fromArray(S, egi, egiOff + i);
            a.lanewise(MUL, gr).lanewise(SUB, b.lanewise(MUL, gi)).lanewise(ADD, DoubleVector.fromArray(S, bxr, i))
                .intoArray(egr, egrOff + i);
            a.lanewise(MUL, gi).lanewise(ADD, b.lanewise(MUL, gr)).lanewise(ADD, DoubleVector.fromArray(S, bxi, i))
                .intoArray(egi, egiOff + i);
        }
        for (; i < n; i++) {
            double er = elr[elrOff + i];
            double ei = eli[eliOff + i];
            elr[elrOff + i] = lr[i] * er - li[i] * ei + h[i];
            eli[eliOff + i] = lr[i] * ei + li[i] * er + h[n + i];
            er = egr[egrOff + i];
            ei = egi[egiOff + i];
            egr[egrOff + i] = lr[i] * er - li[i] * ei + bxr[i];
            egi[egiOff + i] = lr[i] * ei + li[i] * er + bxi[i];
        }
    }

    @Override
    public void traceB(int n, int nx, double[] lr, double[] li, double[] g, double[] x, int xOff, double[] ebr,
                       int ebrOff, double[] ebi, int ebiOff) {
        int i = 0;
        for (; i + L <= n; i += L) {
            DoubleVector a = DoubleVector.fromArray(S, lr, i);
            DoubleVector b = DoubleVector.fromArray(S, li, i);
            DoubleVector c = DoubleVector.fromArray(S, g, i);
            for (int j = 0; j < nx; j++) {
                int r = ebrOff + j * n + i;
                int m = ebiOff + j * n + i;
                DoubleVector br = DoubleVector.fromArray(S, ebr, r);
                DoubleVector bi = DoubleVector.fromArray(S, ebi, m);
                a.lanewise(MUL, br).lanewise(SUB, b.lanewise(MUL, bi)).lanewise(ADD, c
                    .lanewise(MUL, ONE.broadcast(x[xOff + j]))).intoArray(ebr, r);
                a.lanewise(MUL, bi).lanewise(ADD, b.lanewise(MUL, br)).intoArray(ebi, m);
            }
        }
        for (; i < n; i++) {
            for (int j = 0; j < nx; j++) {
                int r = ebrOff + j * n + i;
                int m = ebiOff + j * n + i;
                double br = ebr[r];
                double bi = ebi[m];
                ebr[r] = lr[i] * br - li[i] * bi + g[i] * x[xOff + j];
                ebi[m] = lr[i] * bi + li[i] * br;
            }
        }
    }

    @Override
    public void diagGradient(int n, double[] lr, double[] li, double[] gamma, double[] expNu, double[] expTheta,
                             double[] elr, int elrOff, double[] eli, int eliOff, double[] egr, int egrOff,
                             double[] egi, int egiOff, double[] dLdh, double[] gradW) {
        int i = 0;
        for (; i + L <= n; i += L) {
            DoubleVector gr = DoubleVector.fromArray(S, dLdh, i);
            DoubleVector gi = DoubleVector.fromArray(S, dLdh, n + i);
            DoubleVector a = DoubleVector.fromArray(S, lr, i);
            DoubleVector b = DoubleVector.fromArray(S, li, i);
            DoubleVector er = DoubleVector.fromArray(S, elr, elrOff + i);
            DoubleVector ei = DoubleVector.fromArray(S, eli, eliOff + i);
            DoubleVector pr = a.lanewise(MUL, er).lanewise(SUB, b.lanewise(MUL, ei));
            DoubleVector pi = a.lanewise(MUL, ei).lanewise(ADD, b.lanewise(MUL, er));
            DoubleVector qr = pr.lanewise(MUL, gr).lanewise(ADD, pi.lanewise(MUL, gi));
            DoubleVector qi = pr.lanewise(MUL, gi).lanewise(SUB, pi.lanewise(MUL, gr));
            DoubleVector.fromArray(S, expNu, i).lanewise(NEG).lanewise(MUL, qr).intoArray(gradW, i);
            DoubleVector.fromArray(S, expTheta, i).lanewise(MUL, qi).intoArray(gradW, n + i);
            DoubleVector eg = DoubleVector.fromArray(S, egr, egrOff + i).lanewise(MUL, gr)
                .lanewise(ADD, DoubleVector.fromArray(S, egi, egiOff + i).lanewise(MUL, gi));
            DoubleVector.fromArray(S, gamma, i).lanewise(MUL, eg).intoArray(gradW, 2 * n + i);
        }
        diagGradientFrom(i, n, lr, li, gamma, expNu, expTheta, elr, elrOff, eli, eliOff, egr, egrOff, egi, egiOff,
            dLdh, gradW);
    }

    @Override
    public int lanes() {
        return L;
    }

    /**
     * Row by row over L-wide windows of {@code [h; 1]}: full windows, then one window ending at the row's end whose
     * lanes already summed are zero in {@code tail}; one lane sum per row, then tanh on lanes as {@link #biasTanh}.
     */
    @Override
    public boolean mlpFeatures(double[] V, int off, int rows, int cols, double[] hx, double[] tail, double[] feat) {
        if (cols < L) {
            return false;
        }
        int full = cols - cols % L;
        boolean partial = full < cols;
        if (partial) {
            for (int l = 0; l < L; l++) {
                int j = cols - L + l;
                tail[l] = j < full ? 0.0 : hx[j];
            }
        }
        for (int f = 0; f < rows; f++) {
            int row = off + f * cols;
            DoubleVector acc = DoubleVector.fromArray(S, V, row).lanewise(MUL, DoubleVector.fromArray(S, hx, 0));
            for (int k = L; k < full; k += L) {
                acc = DoubleVector.fromArray(S, V, row + k).lanewise(FMA, DoubleVector.fromArray(S, hx, k), acc);
            }
            if (partial) {
                acc = DoubleVector.fromArray(S, V, row + cols - L).lanewise(FMA, DoubleVector.fromArray(S, tail, 0),
                    acc);
            }
            feat[f] = acc.reduceLanes(ADD);
        }
        tanhLanes(feat, rows);
        return true;
    }

    @Override
    public void denseBackward(double[] V, int off, int rows, int n, double[] d, double[] h, double[] gradV,
                              int gOff, double[] dLdh) {
        if (n >= L) {
            windowedBackward(V, off, rows, n, d, h, gradV, gOff, dLdh);
            return;
        }
        int cols = n + 1;
        int j = 0;
        for (; j + L <= n; j += L) {
            DoubleVector hv = DoubleVector.fromArray(S, h, j);
            DoubleVector acc = DoubleVector.zero(S);
            for (int f = 0; f < rows; f++) {
                double df = d[f];
                hv.lanewise(MUL, ONE.broadcast(df)).intoArray(gradV, gOff + f * cols + j);
                acc = DoubleVector.fromArray(S, V, off + f * cols + j).lanewise(FMA, ONE.broadcast(df),
                    acc);
            }
            acc.intoArray(dLdh, j);
        }
        for (; j < n; j++) {
            double hj = h[j];
            double acc = 0.0;
            for (int f = 0; f < rows; f++) {
                double df = d[f];
                gradV[gOff + f * cols + j] = df * hj;
                acc = Math.fma(df, V[off + f * cols + j], acc);
            }
            dLdh[j] = acc;
        }
        for (int f = 0; f < rows; f++) {
            gradV[gOff + f * cols + n] = d[f];
        }
    }
}
