package org.flinkrtrl.core.grad;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.decomposition.qr.QRDecompositionHouseholder_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * TEST ONLY: the straightforward EJML implementation of r-OK RTRL (spec H), the reference {@link OkRtrl} must match
 * up to floating-point reassociation. Note that
 * EJML 0.46.1's Householder QR leaves a stale R[j,j] for an all-zero column (see OkRtrlFastPathTest), so compare
 * against it only on streams without mid-stream resets.
 *
 * <p>r-OK RTRL (spec C.5, C.6, H): a rank-r Kronecker sum {@code G~ = sum_i u_i^T (x) A_i} reduced back to r terms
 * after every step by the minimum-variance unbiased {@link OptimalMixing}.
 *
 * <p>One step: {@code V = [u_1..u_r | a_t]} (m x (r+1)), {@code M = [vec(H A_1)..vec(H A_r) | vec D_t]}
 * (nk x (r+1)); Householder thin QR {@code V = Qv Rv}, {@code M = QM RM}; {@code C = Rv RM^T = Xc Sigma Yc^T}
 * (descending); {@code P = Opt(sigma)}; {@code U <- Qv (Xc P)}, {@code vec A <- QM (Yc P)} (the same P on both sides,
 * so {@code |u_l| = |A_l|_F}). When m or nk is below r+1 (e.g. r >= n) the thin factors have min(., r+1) columns and
 * the spectrum is padded with zeros, which makes the reduction exact as it must be (Kronecker rank <= r).
 *
 * <p>All buffers are allocated at construction. Per-step allocation is limited to EJML internals: the SVD's
 * {@code decompose} (bidiagonalisation and implicit-QR work arrays are reused after the first call, but the
 * transposed-input path and {@code getU/getV} may reshape) and {@code QRDecompositionHouseholder_DDRM.decompose},
 * which reuses its work arrays once sized.
 */
final class OkRtrlReference implements GradientEstimator {
    private static final int TAG = 0x4f4b5231; // "OKR1"

    private final int n;
    private final int k;
    private final int m;
    private final int r;
    private final int r1;
    private final int nk;
    private final int pv;
    private final int pm;
    private final int ns;

    /** u_i as columns, m x r. */
    private final DMatrixRMaj uMat;
    /** vec(A_i) as columns (A_i row-major n x k), nk x r. */
    private final DMatrixRMaj aMat;

    private final DMatrixRMaj vMat;
    private final DMatrixRMaj mMat;
    private final double[] colIn;
    private final double[] colOut;
    private final double[] tmpH;
    private final QRDecompositionHouseholder_DDRM qrV = new QRDecompositionHouseholder_DDRM();
    private final QRDecompositionHouseholder_DDRM qrM = new QRDecompositionHouseholder_DDRM();
    private final DMatrixRMaj qv;
    private final DMatrixRMaj rv;
    private final DMatrixRMaj qm;
    private final DMatrixRMaj rm;
    private final DMatrixRMaj cMat;
    private final SingularValueDecomposition_F64<DMatrixRMaj> svd;
    private final DMatrixRMaj xs;
    private final DMatrixRMaj ys;
    private final double[] sv;
    private final DMatrixRMaj xc;
    private final DMatrixRMaj yc;
    private final double[] sigma;
    private final DMatrixRMaj pMat;
    private final DMatrixRMaj xp;
    private final DMatrixRMaj yp;
    private final double[] y;
    private final OptimalMixing mixing;

    OkRtrlReference(Cell cell, int rank) {
        if (rank < 1) {
            throw new IllegalArgumentException("OK rank must be >= 1, got " + rank);
        }
        this.n = cell.hiddenSize();
        this.k = cell.preActivations();
        this.m = cell.presynapticSize();
        this.r = rank;
        this.r1 = rank + 1;
        this.nk = n * k;
        this.pv = Math.min(m, r1);
        this.pm = Math.min(nk, r1);
        this.ns = Math.min(pv, pm);
        this.uMat = new DMatrixRMaj(m, r);
        this.aMat = new DMatrixRMaj(nk, r);
        this.vMat = new DMatrixRMaj(m, r1);
        this.mMat = new DMatrixRMaj(nk, r1);
        this.colIn = new double[nk];
        this.colOut = new double[nk];
        this.tmpH = new double[k * k];
        this.qv = new DMatrixRMaj(m, pv);
        this.rv = new DMatrixRMaj(pv, r1);
        this.qm = new DMatrixRMaj(nk, pm);
        this.rm = new DMatrixRMaj(pm, r1);
        this.cMat = new DMatrixRMaj(pv, pm);
        this.svd = DecompositionFactory_DDRM.svd(pv, pm, true, true, true);
        this.xs = new DMatrixRMaj(pv, ns);
        this.ys = new DMatrixRMaj(pm, ns);
        this.sv = new double[ns];
        this.xc = new DMatrixRMaj(pv, r1);
        this.yc = new DMatrixRMaj(pm, r1);
        this.sigma = new double[r1];
        this.pMat = new DMatrixRMaj(r1, r);
        this.xp = new DMatrixRMaj(pv, r);
        this.yp = new DMatrixRMaj(pm, r);
        this.y = new double[k * r];
        this.mixing = new OptimalMixing(r);
        qrV.setExpectedMaxSize(m, r1);
        qrM.setExpectedMaxSize(nk, r1);
    }

    @Override
    public Method method() {
        return Method.OK;
    }

    public int rank() {
        return r;
    }

    /** 0: a test reference, never reset by the learner's guard, so comparisons with it stay exact. */
    @Override
    public double influenceScale() {
        return 0.0;
    }

    @Override
    public void reset() {
        uMat.zero();
        aMat.zero();
    }

    @Override
    public void step(double[] W, CellStep s, Rng rng) {
        StateIO.checkShape(s, n, k, m, "OkRtrlReference");
        // 1. Propagate (A_i <- H A_i, H never formed) and append (a_t, D_t).
        double[] ad = aMat.data;
        double[] md = mMat.data;
        for (int i = 0; i < r; i++) {
            for (int e = 0; e < nk; e++) {
                colIn[e] = ad[e * r + i];
            }
            s.multH(W, colIn, k, colOut, tmpH);
            for (int e = 0; e < nk; e++) {
                md[e * r1 + i] = colOut[e];
            }
        }
        s.denseD(colIn);
        for (int e = 0; e < nk; e++) {
            md[e * r1 + r] = colIn[e];
        }
        double[] ud = uMat.data;
        double[] vd = vMat.data;
        for (int p = 0; p < m; p++) {
            System.arraycopy(ud, p * r, vd, p * r1, r);
            vd[p * r1 + r] = s.a[p];
        }
        // 2. Householder thin QR of V and M (both are rebuilt every step, so inputModified() needs no copy).
        // EJML reports "false" whenever a column below the diagonal is all zero (zero terms after a reset,
        // dependent columns), yet still returns a valid orthonormal Q (the reflector is the identity there).
        // That case is normal here (pitfall G.2), so the flag is ignored; non-finite state is caught after the SVD.
        qrV.decompose(vMat);
        qrM.decompose(mMat);
        qrV.getQ(qv, true);
        qrV.getR(rv, true);
        qrM.getQ(qm, true);
        qrM.getR(rm, true);
        CommonOps_DDRM.multTransB(rv, rm, cMat);
        // 3. SVD of the small core, sorted descending with the singular vectors kept paired.
        if (!svd.decompose(cMat)) {
            throw new IllegalStateException("OK-RTRL: SVD failed (non-finite influence state?)");
        }
        svd.getU(xs, false);
        svd.getV(ys, false);
        System.arraycopy(svd.getSingularValues(), 0, sv, 0, ns);
        for (int j = 0; j < ns; j++) {
            if (!Double.isFinite(sv[j])) {
                throw new IllegalStateException("OK-RTRL: non-finite singular value (non-finite influence state)");
            }
        }
        SingularOps_DDRM.descendingOrder(xs, false, sv, ns, ys, false);
        xc.zero();
        yc.zero();
        Arrays.fill(sigma, 0.0);
        CommonOps_DDRM.insert(xs, xc, 0, 0);
        CommonOps_DDRM.insert(ys, yc, 0, 0);
        System.arraycopy(sv, 0, sigma, 0, ns);
        // Canonical joint signs of the singular pairs (as OkRtrl): 1^T (Qv x_j) > 0, else 1^T (QM y_j) > 0.
        for (int j = 0; j < ns; j++) {
            double sg = 0.0;
            for (int i = 0; i < pv; i++) {
                double colSum = 0.0;
                for (int e = 0; e < m; e++) {
                    colSum += qv.get(e, i);
                }
                sg += colSum * xc.get(i, j);
            }
            if (sg == 0.0) {
                for (int i = 0; i < pm; i++) {
                    double colSum = 0.0;
                    for (int e = 0; e < nk; e++) {
                        colSum += qm.get(e, i);
                    }
                    sg += colSum * yc.get(i, j);
                }
            }
            if (sg < 0.0) {
                for (int i = 0; i < pv; i++) {
                    xc.set(i, j, -xc.get(i, j));
                }
                for (int i = 0; i < pm; i++) {
                    yc.set(i, j, -yc.get(i, j));
                }
            }
        }
        // 4. Opt(sigma) -> P, 5. rebuild the factors with the same P on both sides.
        mixing.mix(sigma, rng, pMat.data);
        CommonOps_DDRM.mult(xc, pMat, xp);
        CommonOps_DDRM.mult(qv, xp, uMat);
        CommonOps_DDRM.mult(yc, pMat, yp);
        CommonOps_DDRM.mult(qm, yp, aMat);
    }

    @Override
    public boolean gradient(double[] dLdh, double[] gradW) {
        // dL/dW (k x m) = Y U^T with Y[:, i] = A_i^T delta.
        double[] ad = aMat.data;
        Arrays.fill(y, 0.0);
        for (int j = 0; j < n; j++) {
            double dj = dLdh[j];
            if (dj == 0.0) {
                continue;
            }
            for (int q = 0; q < k; q++) {
                int row = (j * k + q) * r;
                int yRow = q * r;
                for (int i = 0; i < r; i++) {
                    y[yRow + i] += ad[row + i] * dj;
                }
            }
        }
        double[] ud = uMat.data;
        for (int q = 0; q < k; q++) {
            int yRow = q * r;
            for (int p = 0; p < m; p++) {
                int uRow = p * r;
                double acc = 0.0;
                for (int i = 0; i < r; i++) {
                    acc += y[yRow + i] * ud[uRow + i];
                }
                gradW[q * m + p] = acc;
            }
        }
        return true;
    }

    @Override
    public void influence(double[] out) {
        int cols = k * m;
        double[] ad = aMat.data;
        double[] ud = uMat.data;
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < m; p++) {
                int off = j * cols + p * k;
                for (int q = 0; q < k; q++) {
                    int aRow = (j * k + q) * r;
                    double acc = 0.0;
                    for (int i = 0; i < r; i++) {
                        acc += ad[aRow + i] * ud[p * r + i];
                    }
                    out[off + q] = acc;
                }
            }
        }
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
        for (int p = 0; p < m; p++) {
            uMat.data[p * r + i] = u[p];
        }
        for (int e = 0; e < nk; e++) {
            aMat.data[e * r + i] = a[e];
        }
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        StateIO.writeHeader(out, TAG, n, k, m, r, 0);
        StateArrays.writeDoubles(out, uMat.data, m * r);
        StateArrays.writeDoubles(out, aMat.data, nk * r);
        out.writeDouble(mixing.lastVariance());
        out.writeInt(mixing.lastKept());
        out.writeDouble(mixing.lastMixedFraction());
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateIO.readHeader(in, TAG, "OkRtrlReference", n, k, m, r, 0);
        StateArrays.readDoubles(in, uMat.data, m * r);
        StateArrays.readDoubles(in, aMat.data, nk * r);
        double v = in.readDouble();
        int kept = in.readInt();
        double f = in.readDouble();
        mixing.setDiagnostics(v, kept, f);
    }
}
