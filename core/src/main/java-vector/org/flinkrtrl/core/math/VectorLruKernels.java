package org.flinkrtrl.core.math;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
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
 */
final class VectorLruKernels extends LruKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

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
                    DoubleVector.fromArray(S, en, i).add(minDecay).neg().intoArray(lr, i);
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
            if (x.compare(VectorOperators.GE, LruMath.EXP_MIN).and(x.compare(VectorOperators.LE, LruMath.EXP_MAX))
                .allTrue()) {
                // LruMath.exp on lanes within [EXP_MIN, EXP_MAX]
                DoubleVector shifted = x.mul(LruMath.LOG2E).add(LruMath.SHIFTER);
                DoubleVector k = shifted.sub(LruMath.SHIFTER);
                DoubleVector nk = k.neg();
                DoubleVector r = nk.lanewise(VectorOperators.FMA, LruMath.LN2_HI, x);
                r = nk.lanewise(VectorOperators.FMA, LruMath.LN2_LO, r);
                DoubleVector p = r.lanewise(VectorOperators.FMA, LruMath.E13, LruMath.E12);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E11);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E10);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E9);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E8);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E7);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E6);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E5);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E4);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E3);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E2);
                p = r.mul(r).lanewise(VectorOperators.FMA, p, r);
                p = p.add(1.0);
                DoubleVector scale = shifted.reinterpretAsLongs().and(LruMath.LOW52).sub(LruMath.EXP_BIAS_OFFSET)
                    .lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
                p.mul(scale).intoArray(dst, i);
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
            if (x.abs().compare(VectorOperators.LE, LruMath.TRIG_MAX).allTrue()) {
                // Shared reduction; sin picks by quadrant q, cos by q + 1 (cos x = sin(x + pi/2)).
                DoubleVector shifted = x.mul(LruMath.TWO_OVER_PI).add(LruMath.SHIFTER);
                DoubleVector k = shifted.sub(LruMath.SHIFTER);
                // LruMath.reduce: r = x - k pi/2 in three parts
                DoubleVector nk = k.neg();
                DoubleVector r1 = nk.lanewise(VectorOperators.FMA, LruMath.PIO2_1, x);
                DoubleVector p2 = k.mul(LruMath.PIO2_2);
                DoubleVector w = r1.sub(p2);
                DoubleVector bb = w.sub(r1);
                DoubleVector err = r1.sub(w.sub(bb)).sub(p2.add(bb));
                DoubleVector r = w.add(nk.lanewise(VectorOperators.FMA, LruMath.PIO2_3, err));
                DoubleVector z = r.mul(r);
                // LruMath.sinPoly
                DoubleVector ps = z.lanewise(VectorOperators.FMA, -LruMath.E19, LruMath.E17);
                ps = z.lanewise(VectorOperators.FMA, ps, -LruMath.E15);
                ps = z.lanewise(VectorOperators.FMA, ps, LruMath.E13);
                ps = z.lanewise(VectorOperators.FMA, ps, -LruMath.E11);
                ps = z.lanewise(VectorOperators.FMA, ps, LruMath.E9);
                ps = z.lanewise(VectorOperators.FMA, ps, -LruMath.E7);
                ps = z.lanewise(VectorOperators.FMA, ps, LruMath.E5);
                ps = z.lanewise(VectorOperators.FMA, ps, -LruMath.E3);
                LongVector sp = z.mul(r).lanewise(VectorOperators.FMA, ps, r).reinterpretAsLongs();
                // LruMath.cosPoly
                DoubleVector pc = z.lanewise(VectorOperators.FMA, -LruMath.E18, LruMath.E16);
                pc = z.lanewise(VectorOperators.FMA, pc, -LruMath.E14);
                pc = z.lanewise(VectorOperators.FMA, pc, LruMath.E12);
                pc = z.lanewise(VectorOperators.FMA, pc, -LruMath.E10);
                pc = z.lanewise(VectorOperators.FMA, pc, LruMath.E8);
                pc = z.lanewise(VectorOperators.FMA, pc, -LruMath.E6);
                pc = z.lanewise(VectorOperators.FMA, pc, LruMath.E4);
                DoubleVector hz = z.mul(0.5);
                DoubleVector one = DoubleVector.broadcast(S, 1.0);
                DoubleVector cw = one.sub(hz);
                LongVector cp = cw.add(one.sub(cw).sub(hz).add(z.mul(z).mul(pc))).reinterpretAsLongs();
                LongVector q = shifted.reinterpretAsLongs();
                DoubleVector mod = DoubleVector.fromArray(S, lr, i);
                // sin(q pi/2 + r): cos r for odd q, sign flipped (exactly a negation) for q mod 4 in {2, 3}.
                LongVector odd = q.and(1L).neg(); // all ones for odd q
                LongVector sinBits = sp.and(odd.not()).or(cp.and(odd))
                    .lanewise(VectorOperators.XOR, q.and(2L).lanewise(VectorOperators.LSHL, 62));
                LongVector q1 = q.add(1L);
                LongVector odd1 = q1.and(1L).neg();
                LongVector cosBits = sp.and(odd1.not()).or(cp.and(odd1))
                    .lanewise(VectorOperators.XOR, q1.and(2L).lanewise(VectorOperators.LSHL, 62));
                mod.mul(sinBits.reinterpretAsDoubles()).intoArray(li, i);
                mod.mul(cosBits.reinterpretAsDoubles()).intoArray(lr, i);
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
                hv.mul(df).intoArray(gradV, gOff + f * cols + w);
                acc = DoubleVector.fromArray(S, V, off + f * cols + w).fma(DoubleVector.broadcast(S, df), acc);
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
            DoubleVector t = v.abs().mul(-2.0).max(TANH_CLAMP);
            if (t.compare(VectorOperators.GE, LruMath.EXP_MIN).allTrue()) { // t <= 0; false for NaN
                DoubleVector shifted = t.mul(LruMath.LOG2E).add(LruMath.SHIFTER);
                DoubleVector k = shifted.sub(LruMath.SHIFTER);
                DoubleVector nk = k.neg();
                DoubleVector r = nk.lanewise(VectorOperators.FMA, LruMath.LN2_HI, t);
                r = nk.lanewise(VectorOperators.FMA, LruMath.LN2_LO, r);
                DoubleVector p = r.lanewise(VectorOperators.FMA, LruMath.E13, LruMath.E12);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E11);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E10);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E9);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E8);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E7);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E6);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E5);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E4);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E3);
                p = r.lanewise(VectorOperators.FMA, p, LruMath.E2);
                p = r.mul(r).lanewise(VectorOperators.FMA, p, r);
                p = p.add(1.0);
                DoubleVector e = p.mul(shifted.reinterpretAsLongs().and(LruMath.LOW52).sub(LruMath.EXP_BIAS_OFFSET)
                    .lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                DoubleVector one = DoubleVector.broadcast(S, 1.0);
                LongVector sign = v.reinterpretAsLongs().and(Long.MIN_VALUE);
                one.sub(e).div(one.add(e)).reinterpretAsLongs().or(sign).reinterpretAsDoubles().intoArray(f, i);
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
            DoubleVector.fromArray(S, srcEn, i).intoArray(en, i);
            DoubleVector.fromArray(S, srcEt, i).intoArray(et, i);
            DoubleVector c = DoubleVector.fromArray(S, srcG, i);
            DoubleVector a = DoubleVector.fromArray(S, srcLr, i);
            DoubleVector b = DoubleVector.fromArray(S, srcLi, i);
            c.intoArray(g, i);
            a.intoArray(lr, i);
            b.intoArray(li, i);
            DoubleVector hr = DoubleVector.fromArray(S, h, i);
            DoubleVector hi = DoubleVector.fromArray(S, h, n + i);
            a.mul(hr).sub(b.mul(hi)).add(c.mul(DoubleVector.fromArray(S, bxr, i))).intoArray(hn, i);
            a.mul(hi).add(b.mul(hr)).add(c.mul(DoubleVector.fromArray(S, bxi, i))).intoArray(hn, n + i);
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
            DoubleVector lam = DoubleVector.fromArray(S, sLr, i);
            DoubleVector lai = DoubleVector.fromArray(S, sLi, i);
            DoubleVector c = DoubleVector.fromArray(S, sG, i);
            lam.intoArray(lr, i);
            lai.intoArray(li, i);
            c.intoArray(g, i);
            DoubleVector.fromArray(S, sEn, i).intoArray(en, i);
            DoubleVector.fromArray(S, sEt, i).intoArray(et, i);
            DoubleVector er = DoubleVector.fromArray(S, elr, i);
            DoubleVector ei = DoubleVector.fromArray(S, eli, i);
            lam.mul(er).sub(lai.mul(ei)).add(DoubleVector.fromArray(S, a, i)).intoArray(elr, i);
            lam.mul(ei).add(lai.mul(er)).add(DoubleVector.fromArray(S, a, n + i)).intoArray(eli, i);
            DoubleVector gr = DoubleVector.fromArray(S, egr, i);
            DoubleVector gi = DoubleVector.fromArray(S, egi, i);
            lam.mul(gr).sub(lai.mul(gi)).add(DoubleVector.fromArray(S, bxr, i)).intoArray(egr, i);
            lam.mul(gi).add(lai.mul(gr)).add(DoubleVector.fromArray(S, bxi, i)).intoArray(egi, i);
            for (int j = 0; j < nx; j++) {
                int r = j * n + i;
                DoubleVector br = DoubleVector.fromArray(S, ebr, r);
                DoubleVector bi = DoubleVector.fromArray(S, ebi, r);
                lam.mul(br).sub(lai.mul(bi)).add(c.mul(a[xOff + j])).intoArray(ebr, r);
                lam.mul(bi).add(lai.mul(br)).intoArray(ebi, r);
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
                br = br.add(DoubleVector.fromArray(S, W, bRe + row + j, idx, 0).mul(xj));
                bi = bi.add(DoubleVector.fromArray(S, W, bIm + row + j, idx, 0).mul(xj));
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
                br.mul(gr).add(bi.mul(gi)).intoArray(gradW, bRe + row + j, idx, 0);
                br.mul(gi).sub(bi.mul(gr)).intoArray(gradW, bIm + row + j, idx, 0);
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
            a.mul(er).sub(b.mul(ei)).add(DoubleVector.fromArray(S, h, i)).intoArray(elr, elrOff + i);
            a.mul(ei).add(b.mul(er)).add(DoubleVector.fromArray(S, h, n + i)).intoArray(eli, eliOff + i);
            DoubleVector gr = DoubleVector.fromArray(S, egr, egrOff + i);
            DoubleVector gi = DoubleVector.fromArray(S, egi, egiOff + i);
            a.mul(gr).sub(b.mul(gi)).add(DoubleVector.fromArray(S, bxr, i)).intoArray(egr, egrOff + i);
            a.mul(gi).add(b.mul(gr)).add(DoubleVector.fromArray(S, bxi, i)).intoArray(egi, egiOff + i);
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
                a.mul(br).sub(b.mul(bi)).add(c.mul(x[xOff + j])).intoArray(ebr, r);
                a.mul(bi).add(b.mul(br)).intoArray(ebi, m);
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
            DoubleVector pr = a.mul(er).sub(b.mul(ei));
            DoubleVector pi = a.mul(ei).add(b.mul(er));
            DoubleVector qr = pr.mul(gr).add(pi.mul(gi));
            DoubleVector qi = pr.mul(gi).sub(pi.mul(gr));
            DoubleVector.fromArray(S, expNu, i).neg().mul(qr).intoArray(gradW, i);
            DoubleVector.fromArray(S, expTheta, i).mul(qi).intoArray(gradW, n + i);
            DoubleVector eg = DoubleVector.fromArray(S, egr, egrOff + i).mul(gr)
                .add(DoubleVector.fromArray(S, egi, egiOff + i).mul(gi));
            DoubleVector.fromArray(S, gamma, i).mul(eg).intoArray(gradW, 2 * n + i);
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
            DoubleVector acc = DoubleVector.fromArray(S, V, row).mul(DoubleVector.fromArray(S, hx, 0));
            for (int k = L; k < full; k += L) {
                acc = DoubleVector.fromArray(S, V, row + k).fma(DoubleVector.fromArray(S, hx, k), acc);
            }
            if (partial) {
                acc = DoubleVector.fromArray(S, V, row + cols - L).fma(DoubleVector.fromArray(S, tail, 0), acc);
            }
            feat[f] = acc.reduceLanes(VectorOperators.ADD);
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
                hv.mul(df).intoArray(gradV, gOff + f * cols + j);
                acc = DoubleVector.fromArray(S, V, off + f * cols + j).fma(DoubleVector.broadcast(S, df), acc);
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
