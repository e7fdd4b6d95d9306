package org.flinkrtrl.core.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.flinkrtrl.core.math.Kernels;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/**
 * {@code CellStep.denseH}: H = diag(hDiag) + sum_b diag(d_b) W_b (the b-th n x n block of W's rows, first n columns),
 * every entry the plain products summed in b order and hDiag added last, bit for bit; and the same bits when the
 * row scalings run on the Vector API kernels (OK's propagation uses those), for the vanilla (g = 1) and the gated
 * (g > 1) cell.
 */
class DenseHTest {
    @Test
    void denseHHasTheBitsOfItsDefinitionOnEveryKernelSet() {
        Kernels vector = Kernels.vector();
        Kernels[] sets = vector == null ? new Kernels[] {Kernels.plain()} : new Kernels[] {Kernels.plain(), vector};
        Rng rng = new Rng(21);
        for (Cell cell : new Cell[] {new TanhCell(32, 1), new TanhCell(7, 2), new GatedCell(16, 3), new GatedCell(5, 1)}) {
            int n = cell.hiddenSize();
            double[] W = new double[cell.parameterCount()];
            cell.initWeights(W, rng, 1.3 / Math.sqrt(cell.presynapticSize()));
            double[] h = new double[n];
            double[] x = new double[cell.inputSize()];
            for (int i = 0; i < n; i++) {
                h[i] = Math.tanh(rng.nextGaussian());
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextGaussian();
            }
            CellStep s = cell.newStep();
            cell.forward(W, h, x, s);
            double[] expect = new double[n * n];
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < n; p++) {
                    double e = s.dDiag[j] * W[j * s.m + p];
                    for (int b = 1; b < s.g; b++) {
                        e += s.dDiag[b * n + j] * W[(b * n + j) * s.m + p];
                    }
                    expect[j * n + p] = p == j ? e + s.hDiag[j] : e;
                }
            }
            for (Kernels k : sets) {
                double[] out = new double[n * n];
                s.denseH(W, out, k);
                for (int i = 0; i < out.length; i++) {
                    assertEquals(Double.doubleToLongBits(expect[i]), Double.doubleToLongBits(out[i]),
                        k.name() + " n=" + n + " g=" + s.g + " at " + i);
                }
            }
        }
    }
}
