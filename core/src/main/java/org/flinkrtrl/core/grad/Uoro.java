package org.flinkrtrl.core.grad;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * UORO (spec C.2): rank-one estimate {@code G~ = s vec(Theta)^T} with {@code s} in R^n and {@code Theta} k x m,
 * updated with fresh signs {@code nu}, {@code g = H s}, {@code N = (D^T nu) a^T},
 * {@code rho0 = sqrt(|Theta|/|g|)}, {@code rho1 = sqrt(|N|/|nu|)} (each 1 when a norm is 0),
 * {@code s <- rho0 g + rho1 nu}, {@code Theta <- Theta/rho0 + N/rho1}. Allocation-free per step.
 */
public final class Uoro implements GradientEstimator {
    private static final int TAG = 0x554f5231; // "UOR1"

    private final int n;
    private final int k;
    private final int m;
    private final double[] s;
    private final double[] theta;
    private final double[] hs;
    private final double[] nu;
    private final double[] dtnu;
    private final double[] tmp;

    public Uoro(Cell cell) {
        this.n = cell.hiddenSize();
        this.k = cell.preActivations();
        this.m = cell.presynapticSize();
        this.s = new double[n];
        this.theta = new double[k * m];
        this.hs = new double[n];
        this.nu = new double[n];
        this.dtnu = new double[k];
        this.tmp = new double[k];
    }

    @Override
    public Method method() {
        return Method.UORO;
    }

    /** ||s~|| ||theta~||, the Frobenius norm of the rank-one estimate s~ theta~^T. */
    @Override
    public double influenceScale() {
        return StateIO.norm(s, s.length) * StateIO.norm(theta, theta.length);
    }

    @Override
    public void reset() {
        Arrays.fill(s, 0.0);
        Arrays.fill(theta, 0.0);
    }

    @Override
    public void step(double[] W, CellStep st, Rng rng) {
        StateIO.checkShape(st, n, k, m, "Uoro");
        st.multH(W, s, 1, hs, tmp);
        for (int j = 0; j < n; j++) {
            nu[j] = rng.nextSign();
        }
        st.multDT(nu, dtnu);
        double nTheta = StateIO.norm(theta, k * m);
        double nG = StateIO.norm(hs, n);
        double nN = StateIO.norm(dtnu, k) * StateIO.norm(st.a, m);
        double rho0 = (nTheta > 0.0 && nG > 0.0) ? Math.sqrt(nTheta / nG) : 1.0;
        double rho1 = nN > 0.0 ? Math.sqrt(nN / Math.sqrt(n)) : 1.0;
        for (int j = 0; j < n; j++) {
            s[j] = rho0 * hs[j] + rho1 * nu[j];
        }
        double i0 = 1.0 / rho0;
        double i1 = 1.0 / rho1;
        for (int q = 0; q < k; q++) {
            double c = dtnu[q] * i1;
            int row = q * m;
            for (int p = 0; p < m; p++) {
                theta[row + p] = theta[row + p] * i0 + c * st.a[p];
            }
        }
    }

    @Override
    public boolean gradient(double[] dLdh, double[] gradW) {
        double c = 0.0;
        for (int j = 0; j < n; j++) {
            c += dLdh[j] * s[j];
        }
        for (int i = 0; i < k * m; i++) {
            gradW[i] = c * theta[i];
        }
        return true;
    }

    @Override
    public void influence(double[] out) {
        int cols = k * m;
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < m; p++) {
                int off = j * cols + p * k;
                for (int q = 0; q < k; q++) {
                    out[off + q] = s[j] * theta[q * m + p];
                }
            }
        }
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        StateIO.writeHeader(out, TAG, n, k, m);
        StateArrays.writeDoubles(out, s, n);
        StateArrays.writeDoubles(out, theta, k * m);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateIO.readHeader(in, TAG, "Uoro", n, k, m);
        StateArrays.readDoubles(in, s, n);
        StateArrays.readDoubles(in, theta, k * m);
    }
}
