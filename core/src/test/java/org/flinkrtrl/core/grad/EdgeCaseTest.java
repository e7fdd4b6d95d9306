package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.GatedCell;
import org.flinkrtrl.core.cell.TanhCell;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/** Zero/reset states, rank-deficient inputs, saturated cells, r >= n: finite results everywhere, exact where due. */
class EdgeCaseTest {

    /** The methods of the dense cells (the LRU has its own cell; OnlineLruTest covers it). */
    private static final Method[] ALL = java.util.Arrays.stream(Method.values()).filter(m -> m != Method.LRU)
        .toArray(Method[]::new);

    /** Runs every estimator over {@code xs} with weights {@code w}, resetting every {@code resetEvery} steps. */
    private static void runAllFinite(Cell cell, double[] w, double[][] xs, int resetEvery, int rank) {
        for (Method method : ALL) {
            GradientEstimator est = GradientEstimators.create(method, cell, rank, 3);
            Rng rng = new Rng(method.ordinal());
            double[] h = new double[cell.hiddenSize()];
            CellStep s = cell.newStep();
            double[] dLdh = new double[cell.hiddenSize()];
            Arrays.fill(dLdh, 1.0);
            double[] grad = new double[w.length];
            double[] g = new double[cell.hiddenSize() * cell.parameterCount()];
            for (int t = 0; t < xs.length; t++) {
                if (t > 0 && t % resetEvery == 0) {
                    Arrays.fill(h, 0.0);
                    est.reset();
                }
                cell.forward(w, h, xs[t], s);
                est.step(w, s, rng);
                System.arraycopy(s.hNext, 0, h, 0, h.length);
                if (est.gradient(dLdh, grad)) {
                    assertFinite(grad, method + " gradient t=" + t);
                }
                if (method != Method.TBPTT) {
                    est.influence(g);
                    assertFinite(g, method + " influence t=" + t);
                }
            }
        }
    }

    private static void assertFinite(double[] v, String msg) {
        for (double x : v) {
            assertTrue(Double.isFinite(x), msg);
        }
    }

    private static double[][] inputs(int steps, int nx, Rng rng, String kind) {
        double[][] xs = new double[steps][nx];
        double[] first = new double[nx];
        for (int i = 0; i < nx; i++) {
            first[i] = rng.nextGaussian();
        }
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < nx; i++) {
                xs[t][i] = kind.equals("zero") ? 0.0 : kind.equals("repeated") ? first[i] : rng.nextGaussian();
            }
        }
        return xs;
    }

    @Test
    void zeroAndRepeatedInputsAndZeroWeights() {
        Rng rng = new Rng(3);
        for (Cell cell : new Cell[] {new TanhCell(6, 2), new GatedCell(5, 2), new TanhCell(3, 0)}) {
            int m = cell.presynapticSize();
            double[] w = new double[cell.preActivations() * m];
            cell.initWeights(w, rng, 1.0 / Math.sqrt(m));
            double[] zeroW = new double[w.length];
            for (String kind : new String[] {"zero", "repeated", "random"}) {
                double[][] xs = inputs(25, cell.inputSize(), rng, kind);
                for (int rank : new int[] {1, 2, 4, 9}) {
                    runAllFinite(cell, w, xs, 7, rank);
                    runAllFinite(cell, zeroW, xs, 7, rank);
                }
            }
        }
    }

    @Test
    void saturatedCellIsFinite() {
        // Huge weights drive tanh into saturation: D_t == 0 in double precision.
        Cell cell = new TanhCell(4, 2);
        double[] w = new double[cell.preActivations() * cell.presynapticSize()];
        Arrays.fill(w, 1e3);
        runAllFinite(cell, w, inputs(12, 2, new Rng(5), "random"), 5, 2);
        Cell gated = new GatedCell(4, 2);
        double[] wg = new double[gated.preActivations() * gated.presynapticSize()];
        Arrays.fill(wg, 1e3);
        runAllFinite(gated, wg, inputs(12, 2, new Rng(6), "random"), 5, 2);
    }

    /** With W = 0 the tanh cell has H = 0, so G_{t+1} = F_t: rank one, and OK and KF must be exact. */
    @Test
    void zeroWeightsMakeKroneckerMethodsExact() {
        Cell cell = new TanhCell(5, 2);
        double[] w = new double[cell.preActivations() * cell.presynapticSize()];
        double[][] xs = inputs(6, 2, new Rng(8), "random");
        ToyProblem pb = new ToyProblem(cell, w, xs, new double[6][5], Double.NaN);
        CellStep[] st = pb.forward();
        for (GradientEstimator est : new GradientEstimator[] {new OkRtrl(cell, 1), new OkRtrl(cell, 3),
            new KfRtrl(cell)}) {
            Rng rng = new Rng(1);
            for (int t = 0; t < st.length; t++) {
                est.step(w, st[t], rng);
                double[] g = new double[5 * cell.parameterCount()];
                est.influence(g);
                assertTrue(ToyProblem.relErr(g, pb.exactInfluence(t + 1)) < 1e-14, est.method() + " t=" + t);
            }
        }
    }

    @Test
    void resetGivesZeroInfluence() {
        Cell cell = new GatedCell(3, 2);
        ToyProblem pb = ToyProblem.random(cell, 5, 1.0, 2);
        CellStep[] st = pb.forward();
        for (Method method : new Method[] {Method.OK, Method.KF, Method.UORO, Method.RTRL}) {
            GradientEstimator est = GradientEstimators.create(method, cell, 2, 1);
            Rng rng = new Rng(2);
            for (CellStep s : st) {
                est.step(pb.w, s, rng);
            }
            est.reset();
            double[] g = new double[3 * cell.parameterCount()];
            est.influence(g);
            assertEquals(0.0, ToyProblem.norm(g), method.toString());
            double[] grad = new double[pb.w.length];
            assertTrue(est.gradient(new double[] {1, 2, 3}, grad));
            assertEquals(0.0, ToyProblem.norm(grad), method.toString());
        }
    }

    /** UORO and KF start from a zero state (pitfall G.3): the first step is exactly F_0. */
    @Test
    void firstStepAfterResetIsExactForAllEstimators() {
        ToyProblem pb = ToyProblem.spec(1);
        CellStep s = pb.forward()[0];
        double[] exact = pb.exactInfluence(1);
        for (Method method : new Method[] {Method.OK, Method.KF, Method.RTRL}) {
            GradientEstimator est = GradientEstimators.create(method, pb.cell, 2, 1);
            est.step(pb.w, s, new Rng(0));
            double[] g = new double[exact.length];
            est.influence(g);
            assertTrue(ToyProblem.relErr(g, exact) < 1e-14, method.toString());
        }
    }
}
