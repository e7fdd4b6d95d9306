package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.GatedCell;
import org.flinkrtrl.core.cell.TanhCell;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/** TBPTT window semantics: emits once per T steps, equals exact RTRL restarted at window/segment starts. */
class TruncatedBpttTest {

    /**
     * Reference: the TBPTT gradient of a window equals sum_t c_t^T G_t with G restarted from 0 at the window
     * start (truncation) and at every reset inside it.
     */
    private static void checkAgainstRestartedRtrl(Cell cell, int window, int steps, int resetAt) {
        ToyProblem pb = ToyProblem.random(cell, steps, 1.3, 77 + window);
        CellStep[] st = pb.forward();
        TruncatedBptt tb = new TruncatedBptt(cell, window);
        ExactRtrl ex = new ExactRtrl(cell);
        double[] g = new double[pb.w.length];
        double[] expected = new double[pb.w.length];
        double[] gt = new double[pb.w.length];
        int emitted = 0;
        for (int t = 0; t < steps; t++) {
            if (t % window == 0) {
                ex.reset();
            }
            if (t == resetAt) {
                ex.reset();
                tb.reset();
            }
            ex.step(pb.w, st[t], null);
            tb.step(pb.w, st[t], null);
            ex.gradient(pb.cs[t], gt);
            for (int i = 0; i < gt.length; i++) {
                expected[i] += gt[i];
            }
            boolean done = tb.gradient(pb.cs[t], g);
            assertEquals((t + 1) % window == 0, done, "t=" + t);
            if (done) {
                emitted++;
                assertTrue(ToyProblem.relErr(g, expected) < 1e-12, "window ending at t=" + t);
                java.util.Arrays.fill(expected, 0.0);
                assertEquals(0, tb.pendingSteps());
            }
        }
        assertEquals(steps / window, emitted);
    }

    @Test
    void windowsMatchRestartedRtrl() {
        checkAgainstRestartedRtrl(new TanhCell(5, 2), 4, 17, -1);
        checkAgainstRestartedRtrl(new GatedCell(4, 3), 5, 20, -1);
        checkAgainstRestartedRtrl(new TanhCell(5, 2), 1, 6, -1);
    }

    @Test
    void resetCutsTheChainButKeepsPendingLosses() {
        checkAgainstRestartedRtrl(new TanhCell(5, 2), 6, 18, 9);  // reset in the middle of a window
        checkAgainstRestartedRtrl(new GatedCell(4, 2), 4, 12, 4); // reset exactly at a window start
    }

    @Test
    void skippedWindowEndGrowsTheWindow() {
        Cell cell = new TanhCell(3, 1);
        ToyProblem pb = ToyProblem.random(cell, 7, 1.0, 3);
        CellStep[] st = pb.forward();
        TruncatedBptt tb = new TruncatedBptt(cell, 2);
        double[] g = new double[pb.w.length];
        for (int t = 0; t < 6; t++) {
            tb.step(pb.w, st[t], new Rng(0)); // no gradient calls at all: no loss yet
        }
        assertEquals(6, tb.pendingSteps());
        tb.step(pb.w, st[6], null);
        assertTrue(tb.gradient(pb.cs[6], g), "next gradient call flushes the grown window");
        // Only the last step carries a loss: the gradient is c^T G_7 (full chain, no cut).
        ExactRtrl ex = new ExactRtrl(cell);
        for (CellStep s : st) {
            ex.step(pb.w, s, null);
        }
        double[] expected = new double[pb.w.length];
        ex.gradient(pb.cs[6], expected);
        assertTrue(ToyProblem.relErr(g, expected) < 1e-12);
    }

    @Test
    void gradientBeforeAnyStepIsNoUpdate() {
        TruncatedBptt tb = new TruncatedBptt(new TanhCell(3, 1), 1);
        assertFalse(tb.gradient(new double[3], new double[15]));
    }
}
