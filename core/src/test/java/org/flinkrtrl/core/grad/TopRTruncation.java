package org.flinkrtrl.core.grad;

import java.io.DataInput;
import java.io.DataOutput;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.math.Rng;

/**
 * Deliberately BIASED control for the unbiasedness tests (spec F.4 last row): propagate and append like OK, then keep
 * only the top-r Kronecker singular components of the r+1 terms, deterministically. Dense and slow; tests only.
 */
final class TopRTruncation implements GradientEstimator {
    private final int n;
    private final int k;
    private final int m;
    private final int r;
    private final double[][] u;
    private final double[][] a;
    private final DMatrixRMaj x;
    private final SingularValueDecomposition_F64<DMatrixRMaj> svd;

    TopRTruncation(Cell cell, int rank) {
        n = cell.hiddenSize();
        k = cell.preActivations();
        m = cell.presynapticSize();
        r = rank;
        u = new double[r][m];
        a = new double[r][n * k];
        x = new DMatrixRMaj(n * k, m);
        svd = DecompositionFactory_DDRM.svd(n * k, m, true, true, false);
    }

    @Override
    public Method method() {
        return Method.OK;
    }

    /** 0: a test reference, never reset by the learner's guard, so comparisons with it stay exact. */
    @Override
    public double influenceScale() {
        return 0.0;
    }

    @Override
    public void reset() {
        for (int i = 0; i < r; i++) {
            java.util.Arrays.fill(u[i], 0.0);
            java.util.Arrays.fill(a[i], 0.0);
        }
    }

    @Override
    public void step(double[] w, CellStep s, Rng rng) {
        // X (nk x m) = sum_i vec(H A_i) u_i^T + vec(D) a^T
        double[] d = new double[n * k];
        s.denseD(d);
        x.zero();
        double[] ha = new double[n * k];
        double[] tmp = new double[k * k];
        for (int i = 0; i < r; i++) {
            s.multH(w, a[i], k, ha, tmp);
            addOuter(ha, u[i]);
        }
        addOuter(d, s.a);
        if (!svd.decompose(x.copy())) {
            throw new IllegalStateException("svd failed");
        }
        DMatrixRMaj left = svd.getU(null, false);
        DMatrixRMaj right = svd.getV(null, false);
        double[] sv = svd.getSingularValues().clone();
        int ns = svd.numberOfSingularValues();
        SingularOps_DDRM.descendingOrder(left, false, sv, ns, right, false);
        for (int i = 0; i < r; i++) {
            double g = i < ns ? Math.sqrt(sv[i]) : 0.0;
            for (int p = 0; p < m; p++) {
                u[i][p] = i < ns ? g * right.get(p, i) : 0.0;
            }
            for (int e = 0; e < n * k; e++) {
                a[i][e] = i < ns ? g * left.get(e, i) : 0.0;
            }
        }
    }

    private void addOuter(double[] col, double[] row) {
        for (int e = 0; e < n * k; e++) {
            for (int p = 0; p < m; p++) {
                x.data[e * m + p] += col[e] * row[p];
            }
        }
    }

    @Override
    public boolean gradient(double[] dLdh, double[] gradW) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void influence(double[] out) {
        int cols = k * m;
        java.util.Arrays.fill(out, 0, n * cols, 0.0);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < m; p++) {
                    for (int q = 0; q < k; q++) {
                        out[j * cols + p * k + q] += a[i][j * k + q] * u[i][p];
                    }
                }
            }
        }
    }

    @Override
    public void writeState(DataOutput out) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void readState(DataInput in) {
        throw new UnsupportedOperationException();
    }
}
