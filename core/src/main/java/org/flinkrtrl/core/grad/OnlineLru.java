package org.flinkrtrl.core.grad;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.LruCell;
import org.flinkrtrl.core.cell.LruStep;
import org.flinkrtrl.core.math.LruKernels;
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
    /** E_B column by column ({@code E_B[i, j]} at {@code [j N + i]}, see {@link LruKernels}); stored row-major. */
    private final double[] eBRe;
    private final double[] eBIm;
    private final double[] lamRe;
    private final double[] lamIm;
    private final double[] expNu;
    private final double[] expTheta;
    private final double[] gamma;
    private static final LruKernels KERNELS = LruKernels.get();

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

    /** 0: the traces stay bounded (|lambda| < 1 by the parameterisation exp(-exp(nu) + i theta)). */
    @Override
    public double influenceScale() {
        return 0.0;
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
        // lambda, gamma of this step (kept: the gradient for h_t may come after a restore, when the step is gone),
        // then the traces; a = [Re h_{t-1}; Im h_{t-1}; x_{t-1}; x_t; 1]
        KERNELS.stepTraces(n, nx, s.lamRe, s.lamIm, s.gamma, s.expNu, s.expTheta, lamRe, lamIm, gamma, expNu, expTheta,
            s.a, s.bxRe, s.bxIm, eLamRe, eLamIm, eGamRe, eGamIm, eBRe, eBIm);
    }

    @Override
    public boolean gradient(double[] dLdh, double[] gradW) {
        KERNELS.gradient(n, nx, lamRe, lamIm, gamma, expNu, expTheta, eLamRe, eLamIm, eGamRe, eGamIm, eBRe, eBIm, dLdh,
            gradW, cell.bReOffset(), cell.bImOffset());
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
                int e = j * n + i;
                out[re + bRe + c] = eBRe[e]; // dh/dRe B = E_B
                out[im + bRe + c] = eBIm[e];
                out[re + bIm + c] = -eBIm[e]; // dh/dIm B = i E_B
                out[im + bIm + c] = eBRe[e];
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
        writeRowMajor(out, eBRe);
        writeRowMajor(out, eBIm);
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
        readRowMajor(in, eBRe);
        readRowMajor(in, eBIm);
        StateArrays.read(in, lamRe);
        StateArrays.read(in, lamIm);
        StateArrays.read(in, expNu);
        StateArrays.read(in, expTheta);
        StateArrays.read(in, gamma);
    }

    /** E_B as the state stores it: length, then N x n_x row-major (the transpose of the n_x x N working layout). */
    private void writeRowMajor(DataOutput out, double[] eb) throws IOException {
        out.writeInt(eb.length);
        StateArrays.writeTransposed(out, eb, nx, n);
    }

    private void readRowMajor(DataInput in, double[] eb) throws IOException {
        int len = in.readInt();
        if (len != eb.length) {
            throw new IOException("state array length " + len + " does not match the model's " + eb.length);
        }
        StateArrays.readTransposed(in, eb, nx, n);
    }
}
