package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.GatedCell;
import org.flinkrtrl.core.cell.TanhCell;
import org.junit.jupiter.api.Test;

/** Spec F.1: the summed exact-RTRL gradient equals BPTT and central finite differences; F.4's ||G_T||_F. */
class ExactRtrlTest {

    /** sum_t c_t^T G_{t+1}, i.e. dL/dW by RTRL. */
    static double[] rtrlGradient(ToyProblem pb) {
        ExactRtrl ex = new ExactRtrl(pb.cell);
        double[] total = new double[pb.w.length];
        double[] g = new double[pb.w.length];
        CellStep[] st = pb.forward();
        for (int t = 0; t < st.length; t++) {
            ex.step(pb.w, st[t], null);
            assertTrue(ex.gradient(pb.cs[t], g));
            for (int i = 0; i < g.length; i++) {
                total[i] += g[i];
            }
        }
        return total;
    }

    static double[] bpttGradient(ToyProblem pb) {
        TruncatedBptt bp = new TruncatedBptt(pb.cell, pb.steps());
        double[] g = new double[pb.w.length];
        CellStep[] st = pb.forward();
        for (int t = 0; t < st.length; t++) {
            bp.step(pb.w, st[t], null);
            boolean done = bp.gradient(pb.cs[t], g);
            assertEquals(t == st.length - 1, done, "TBPTT emits exactly at the window end");
        }
        return g;
    }

    static double[] finiteDifferences(ToyProblem pb, double h) {
        double[] g = new double[pb.w.length];
        double[] wp = pb.w.clone();
        for (int i = 0; i < g.length; i++) {
            double w0 = wp[i];
            wp[i] = w0 + h;
            double lp = pb.loss(wp);
            wp[i] = w0 - h;
            double lm = pb.loss(wp);
            wp[i] = w0;
            g[i] = (lp - lm) / (2 * h);
        }
        return g;
    }

    private static void checkF1(Cell cell, long seed) {
        ToyProblem pb = ToyProblem.random(cell, 12, 1.3, seed);
        double[] rtrl = rtrlGradient(pb);
        double[] bptt = bpttGradient(pb);
        double[] fd = finiteDifferences(pb, 1e-5);
        double eB = ToyProblem.relErr(rtrl, bptt);
        double eF = ToyProblem.relErr(rtrl, fd);
        System.out.printf("F.1 %s seed %d: |g_RTRL-g_BPTT|/|g_BPTT| = %.2e, vs FD = %.2e%n",
                cell.getClass().getSimpleName(), seed, eB, eF);
        assertTrue(eB <= 1e-12, "RTRL vs BPTT rel err " + eB);
        assertTrue(eF <= 1e-9, "RTRL vs finite differences rel err " + eF);
    }

    @Test
    void rtrlEqualsBpttAndFiniteDifferencesTanh() {
        checkF1(new TanhCell(5, 3), 11);
        checkF1(new TanhCell(4, 0), 12);
    }

    @Test
    void rtrlEqualsBpttAndFiniteDifferencesGated() {
        checkF1(new GatedCell(5, 3), 21);
        checkF1(new GatedCell(3, 2), 22);
    }

    @Test
    void specToyGradientMatchesBpttAndFd() {
        for (int seed = 0; seed <= 1; seed++) {
                ToyProblem pb = ToyProblem.spec(seed);
            double[] rtrl = rtrlGradient(pb);
            double eB = ToyProblem.relErr(rtrl, bpttGradient(pb));
            double eF = ToyProblem.relErr(rtrl, finiteDifferences(pb, 1e-5));
            System.out.printf("F.1 spec toy seed %d: vs BPTT %.2e, vs FD %.2e%n", seed, eB, eF);
            assertTrue(eB <= 1e-12, "seed " + seed + ": " + eB);
            assertTrue(eF <= 1e-9, "seed " + seed + ": " + eF);
        }
    }

    @Test
    void specToyInfluenceNorm() {
        double[] expected = {7.2437, 8.2317};
        for (int seed = 0; seed <= 1; seed++) {
            ToyProblem pb = ToyProblem.spec(seed);
            double gn = ToyProblem.norm(pb.exactInfluence(pb.steps()));
            System.out.printf("||G_T||_F seed %d = %.6f (spec %.4f)%n", seed, gn, expected[seed]);
            assertEquals(expected[seed], gn, 5e-5, "||G_T||_F to 4 digits");
            assertEquals(pb.referenceGNorm, gn, 1e-12 * gn, "same as the numpy reference");
        }
    }

    @Test
    void resetZeroesInfluence() {
        ToyProblem pb = ToyProblem.random(new GatedCell(3, 2), 3, 1.0, 5);
        ExactRtrl ex = new ExactRtrl(pb.cell);
        for (CellStep s : pb.forward()) {
            ex.step(pb.w, s, null);
        }
        double[] g = new double[3 * pb.cell.parameterCount()];
        ex.influence(g);
        assertFalse(ToyProblem.norm(g) == 0.0);
        ex.reset();
        ex.influence(g);
        assertEquals(0.0, ToyProblem.norm(g));
    }
}
