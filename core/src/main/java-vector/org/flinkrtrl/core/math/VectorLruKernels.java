package org.flinkrtrl.core.math;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LruKernels} on the Java Vector API, {@code SPECIES_PREFERRED} doubles, one unit per lane. Loaded
 * reflectively by {@link LruKernels#get()} only when the SIMD {@link Kernels} are in use: never reference this
 * class directly. The element-wise kernels do the plain ones' operations in the same order (no FMA), so they give
 * the same bits; the readout's backward pass accumulates {@code V1^T d} with FMAs (reassociation only).
 */
final class VectorLruKernels extends LruKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    public VectorLruKernels() {}

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
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
        for (; i < n; i++) {
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

    @Override
    public void denseBackward(double[] V, int off, int rows, int n, double[] d, double[] h, double[] gradV,
                              int gOff, double[] dLdh) {
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
