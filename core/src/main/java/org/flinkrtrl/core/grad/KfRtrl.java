package org.flinkrtrl.core.grad;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.math.Kernels;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * KF-RTRL (spec C.3): one Kronecker term {@code G~ = u^T (x) A} ({@code u} in R^m, {@code A} n x k), updated with
 * {@code A' = H A}, {@code p1 = sqrt(|A'|/|u|)}, {@code p2 = sqrt(|D|/|a|)}, two fresh signs c1, c2 and
 * {@code u <- c1 p1 u + c2 p2 a}, {@code A <- (c1/p1) A' + (c2/p2) D}. When either term is zero the update is exact
 * and draws no signs; the state starts at zero (never random, pitfall G.3). Allocation-free per step.
 */
public final class KfRtrl implements GradientEstimator {
    private static final int TAG = 0x4b465231; // "KFR1"

    private final int n;
    private final int k;
    private final int m;
    private final int nk;
    private final double[] u;
    private double[] aMat;
    private double[] aProp;
    /** H_t, n x n row-major (H A as one n x n by n x k product on the kernels). */
    private final double[] hMat;
    private final Kernels kern;
    private final double[] y;
    private double lastVariance;

    public KfRtrl(Cell cell) {
        this.n = cell.hiddenSize();
        this.k = cell.preActivations();
        this.m = cell.presynapticSize();
        this.nk = n * k;
        this.u = new double[m];
        this.aMat = new double[nk];
        this.aProp = new double[nk];
        this.hMat = new double[n * n];
        this.kern = Kernels.forWidth(k);
        this.y = new double[k];
    }

    @Override
    public Method method() {
        return Method.KF;
    }

    /** ||u|| ||A||_F, the Frobenius norm of the Kronecker product u (x) A that is the estimate. */
    @Override
    public double influenceScale() {
        return StateIO.norm(u, u.length) * StateIO.norm(aMat, aMat.length);
    }

    @Override
    public void reset() {
        Arrays.fill(u, 0.0);
        Arrays.fill(aMat, 0.0);
    }

    @Override
    public void step(double[] W, CellStep s, Rng rng) {
        StateIO.checkShape(s, n, k, m, "KfRtrl");
        s.denseH(W, hMat);
        kern.gemm(n, n, k, hMat, 0, n, aMat, 0, k, aProp, 0, k);
        double nu = StateIO.norm(u, m);
        double nAp = StateIO.norm(aProp, nk);
        double nD = StateIO.norm(s.dDiag, k);
        double na = StateIO.norm(s.a, m);
        if (nu == 0.0 || nAp == 0.0) {
            // Old term is zero: G_{t+1} = F_t exactly.
            System.arraycopy(s.a, 0, u, 0, m);
            s.denseD(aMat);
            lastVariance = 0.0;
            return;
        }
        if (nD == 0.0) {
            // New term is zero (saturated cell): G_{t+1} = u^T (x) H A exactly.
            double[] t = aMat;
            aMat = aProp;
            aProp = t;
            lastVariance = 0.0;
            return;
        }
        // Predicted squared error 2 Pi (1 + cos(u, a) cos(A', D)), independent of the draw (spec C.3).
        double ua = 0.0;
        for (int p = 0; p < m; p++) {
            ua += u[p] * s.a[p];
        }
        double apd = 0.0;
        for (int b = 0; b < s.g; b++) {
            for (int j = 0; j < n; j++) {
                int q = b * n + j;
                apd += aProp[j * k + q] * s.dDiag[q];
            }
        }
        double pi = nu * nAp * na * nD;
        lastVariance = 2.0 * pi * (1.0 + (ua / (nu * na)) * (apd / (nAp * nD)));

        double p1 = Math.sqrt(nAp / nu);
        double p2 = Math.sqrt(nD / na);
        double c1 = rng.nextSign();
        double c2 = rng.nextSign();
        double fu = c1 * p1;
        double fa = c2 * p2;
        for (int p = 0; p < m; p++) {
            u[p] = fu * u[p] + fa * s.a[p];
        }
        double gA = c1 / p1;
        double gD = c2 / p2;
        for (int i = 0; i < nk; i++) {
            aMat[i] = gA * aProp[i];
        }
        for (int b = 0; b < s.g; b++) {
            for (int j = 0; j < n; j++) {
                int q = b * n + j;
                aMat[j * k + q] += gD * s.dDiag[q];
            }
        }
    }

    @Override
    public boolean gradient(double[] dLdh, double[] gradW) {
        // dL/dW = (A^T delta) u^T
        Arrays.fill(y, 0.0);
        for (int j = 0; j < n; j++) {
            double dj = dLdh[j];
            int row = j * k;
            for (int q = 0; q < k; q++) {
                y[q] += aMat[row + q] * dj;
            }
        }
        for (int q = 0; q < k; q++) {
            double yq = y[q];
            int row = q * m;
            for (int p = 0; p < m; p++) {
                gradW[row + p] = yq * u[p];
            }
        }
        return true;
    }

    @Override
    public void influence(double[] out) {
        KroneckerSum.toDense(aMat, u, 1, n, k, m, out);
    }

    /** Squared error {@code 2 Pi (1 + cos a cos b)} that the last mixing step added (0 for an exact step). */
    public double lastVariance() {
        return lastVariance;
    }

    /** Sets the Kronecker term directly (tests). */
    void setTerm(double[] newU, double[] newA) {
        System.arraycopy(newU, 0, u, 0, m);
        System.arraycopy(newA, 0, aMat, 0, nk);
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        StateIO.writeHeader(out, TAG, n, k, m);
        StateArrays.writeDoubles(out, u, m);
        StateArrays.writeDoubles(out, aMat, nk);
        out.writeDouble(lastVariance);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateIO.readHeader(in, TAG, "KfRtrl", n, k, m);
        StateArrays.readDoubles(in, u, m);
        StateArrays.readDoubles(in, aMat, nk);
        lastVariance = in.readDouble();
    }
}
