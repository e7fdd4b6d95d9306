package org.flinkrtrl.core.grad;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.LruCell;
import org.flinkrtrl.core.cell.LruStep;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * Exact online gradient of an {@link LruCell} (Zucchet et al., NeurIPS 2023; docs/spec-lru.md). The recurrence is
 * element-wise, so RTRL keeps one complex trace per parameter and costs about as much as the forward pass:
 * <pre>
 *   e_lambda_t = lambda (.) e_lambda_{t-1} + h_{t-1}          (dh_t / dlambda)
 *   e_gamma_t  = lambda (.) e_gamma_{t-1}  + B x_t            (dh_t / dgamma)
 *   E_B[i, j] <- lambda_i E_B[i, j] + gamma_i x_{t, j}         (dh_{t,i} / dB_ij)
 * </pre>
 * With g = dL/dRe h + i dL/dIm h (complex, per unit) the gradients are {@code dL/dnu = -exp(nu) Re(conj(lambda
 * e_lambda) g)}, {@code dL/dtheta = exp(theta) Im(conj(lambda e_lambda) g)}, {@code dL/dgamma_log = gamma
 * Re(conj(e_gamma) g)}, {@code dL/dRe B_ij + i dL/dIm B_ij = conj(E_B[i, j]) g_i}. For fixed parameters the sum of
 * these over a sequence is the BPTT gradient exactly (single recurrent layer; the readout does not feed back).
 *
 * <p>The factors lambda, exp(nu), exp(theta), gamma of the latest step are kept with the traces (the gradient for
 * h_t is taken after the step and possibly after a restore, when the cell step is gone), and are part of the
 * state. {@link #gradient} reads only dL/d[Re h; Im h] (the first 2N entries of dL/dh); the pass-through input
 * entries do not depend on the parameters. Nothing is allocated per step.
 */
public final class OnlineLru implements GradientEstimator {
    private static final int TAG = 0x4C525531; // "LRU1"

    private final LruCell cell;
    private final int n;
    private final int nx;
    private final double[] eLamRe;
    private final double[] eLamIm;
    private final double[] eGamRe;
    private final double[] eGamIm;
    /** E_B, N x n_x row-major. */
    private final double[] eBRe;
    private final double[] eBIm;
    private final double[] lamRe;
    private final double[] lamIm;
    private final double[] expNu;
    private final double[] expTheta;
    private final double[] gamma;

    public OnlineLru(LruCell cell) {
        this.cell = cell;
        this.n = cell.units();
        this.nx = cell.inputSize();
        this.eLamRe = new double[n];
        this.eLamIm = new double[n];
        this.eGamRe = new double[n];
        this.eGamIm = new double[n];
        this.eBRe = new double[n * nx];
        this.eBIm = new double[n * nx];
        this.lamRe = new double[n];
        this.lamIm = new double[n];
        this.expNu = new double[n];
        this.expTheta = new double[n];
        this.gamma = new double[n];
    }

    @Override
    public Method method() {
        return Method.LRU;
    }

    @Override
    public void reset() {
        Arrays.fill(eLamRe, 0.0);
        Arrays.fill(eLamIm, 0.0);
        Arrays.fill(eGamRe, 0.0);
        Arrays.fill(eGamIm, 0.0);
        Arrays.fill(eBRe, 0.0);
        Arrays.fill(eBIm, 0.0);
    }

    @Override
    public void step(double[] W, CellStep step, Rng rng) {
        LruStep s = (LruStep) step;
        if (s.units != n || s.nx != nx) {
            throw new IllegalArgumentException("OnlineLru was built for N=" + n + ", n_x=" + nx + " but got a step with N="
                + s.units + ", n_x=" + s.nx);
        }
        double[] a = s.a; // [Re h_{t-1}; Im h_{t-1}; x_{t-1}; x_t; 1]
        int xOff = 2 * n + nx;
        for (int i = 0; i < n; i++) {
            double lr = s.lamRe[i];
            double li = s.lamIm[i];
            double g = s.gamma[i];
            double er = eLamRe[i];
            double ei = eLamIm[i];
            eLamRe[i] = lr * er - li * ei + a[i];
            eLamIm[i] = lr * ei + li * er + a[n + i];
            er = eGamRe[i];
            ei = eGamIm[i];
            eGamRe[i] = lr * er - li * ei + s.bxRe[i];
            eGamIm[i] = lr * ei + li * er + s.bxIm[i];
            int row = i * nx;
            for (int j = 0; j < nx; j++) {
                double br = eBRe[row + j];
                double bi = eBIm[row + j];
                eBRe[row + j] = lr * br - li * bi + g * a[xOff + j];
                eBIm[row + j] = lr * bi + li * br;
            }
            lamRe[i] = lr;
            lamIm[i] = li;
            expNu[i] = s.expNu[i];
            expTheta[i] = s.expTheta[i];
            gamma[i] = g;
        }
    }

    @Override
    public boolean gradient(double[] dLdh, double[] gradW) {
        int bRe = cell.bReOffset();
        int bIm = cell.bImOffset();
        for (int i = 0; i < n; i++) {
            double gr = dLdh[i];
            double gi = dLdh[n + i];
            double lr = lamRe[i];
            double li = lamIm[i];
            double er = eLamRe[i];
            double ei = eLamIm[i];
            double pr = lr * er - li * ei; // p = lambda e_lambda = dh/dlog(lambda)
            double pi = lr * ei + li * er;
            double qr = pr * gr + pi * gi; // q = conj(p) g
            double qi = pr * gi - pi * gr;
            gradW[i] = -expNu[i] * qr;
            gradW[n + i] = expTheta[i] * qi;
            gradW[2 * n + i] = gamma[i] * (eGamRe[i] * gr + eGamIm[i] * gi);
            int row = i * nx;
            for (int j = 0; j < nx; j++) {
                double br = eBRe[row + j];
                double bi = eBIm[row + j];
                gradW[bRe + row + j] = br * gr + bi * gi;
                gradW[bIm + row + j] = br * gi - bi * gr;
            }
        }
        return true;
    }

    /**
     * The exact influence dh_t/dW as an (2N + n_x) x P row-major matrix, P = {@link LruCell#parameterCount()},
     * columns in the flat parameter order: row i is Re h_i, row N + i is Im h_i, the pass-through rows are zero.
     */
    @Override
    public void influence(double[] out) {
        int rows = cell.hiddenSize();
        int p = cell.parameterCount();
        Arrays.fill(out, 0, rows * p, 0.0);
        int bRe = cell.bReOffset();
        int bIm = cell.bImOffset();
        for (int i = 0; i < n; i++) {
            int re = i * p;
            int im = (n + i) * p;
            double pr = lamRe[i] * eLamRe[i] - lamIm[i] * eLamIm[i];
            double pi = lamRe[i] * eLamIm[i] + lamIm[i] * eLamRe[i];
            out[re + i] = -expNu[i] * pr; // dh/dnu = -exp(nu) lambda e_lambda
            out[im + i] = -expNu[i] * pi;
            out[re + n + i] = -expTheta[i] * pi; // dh/dtheta = i exp(theta) lambda e_lambda
            out[im + n + i] = expTheta[i] * pr;
            out[re + 2 * n + i] = gamma[i] * eGamRe[i]; // dh/dgamma_log = gamma e_gamma
            out[im + 2 * n + i] = gamma[i] * eGamIm[i];
            for (int j = 0; j < nx; j++) {
                int c = i * nx + j;
                out[re + bRe + c] = eBRe[c]; // dh/dRe B = E_B
                out[im + bRe + c] = eBIm[c];
                out[re + bIm + c] = -eBIm[c]; // dh/dIm B = i E_B
                out[im + bIm + c] = eBRe[c];
            }
        }
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        StateIO.writeHeader(out, TAG, n, nx);
        StateArrays.write(out, eLamRe);
        StateArrays.write(out, eLamIm);
        StateArrays.write(out, eGamRe);
        StateArrays.write(out, eGamIm);
        StateArrays.write(out, eBRe);
        StateArrays.write(out, eBIm);
        StateArrays.write(out, lamRe);
        StateArrays.write(out, lamIm);
        StateArrays.write(out, expNu);
        StateArrays.write(out, expTheta);
        StateArrays.write(out, gamma);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateIO.readHeader(in, TAG, "OnlineLru", n, nx);
        StateArrays.read(in, eLamRe);
        StateArrays.read(in, eLamIm);
        StateArrays.read(in, eGamRe);
        StateArrays.read(in, eGamIm);
        StateArrays.read(in, eBRe);
        StateArrays.read(in, eBIm);
        StateArrays.read(in, lamRe);
        StateArrays.read(in, lamIm);
        StateArrays.read(in, expNu);
        StateArrays.read(in, expTheta);
        StateArrays.read(in, gamma);
    }
}
