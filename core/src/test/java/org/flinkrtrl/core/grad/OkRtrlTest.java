package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.GatedCell;
import org.flinkrtrl.core.cell.TanhCell;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/** OK-specific oracles: F.2 (exact while the Kronecker rank is <= r), F.3b (one step vs KF), r >= n, resets. */
class OkRtrlTest {

    private static double[] influence(GradientEstimator est, Cell cell) {
        double[] g = new double[cell.hiddenSize() * cell.parameterCount()];
        est.influence(g);
        return g;
    }

    @Test
    void exactWhileTrueRankAtMostR() {
        for (int seed = 0; seed <= 1; seed++) {
            ToyProblem pb = ToyProblem.spec(seed);
            CellStep[] st = pb.forward();
            for (int r : new int[] {1, 2, 4}) {
                Rng rng = new Rng(100 + r);
                for (int draw = 0; draw < 20; draw++) {
                    OkRtrl ok = new OkRtrl(pb.cell, r);
                    for (int t = 1; t <= r; t++) {
                        ok.step(pb.w, st[t - 1], rng);
                        double e = ToyProblem.relErr(influence(ok, pb.cell), pb.exactInfluence(t));
                        assertTrue(e < 1e-12, "seed " + seed + " r " + r + " t " + t + ": rel err " + e);
                        assertEquals(0.0, ok.lastVariance(), 1e-14, "no mixing needed while t <= r");
                    }
                }
            }
        }
    }

    @Test
    void exactWhileTrueRankAtMostRGatedCell() {
        ToyProblem pb = ToyProblem.random(new GatedCell(4, 2), 3, 1.3, 8);
        CellStep[] st = pb.forward();
        OkRtrl ok = new OkRtrl(pb.cell, 3);
        Rng rng = new Rng(4);
        for (int t = 1; t <= 3; t++) {
            ok.step(pb.w, st[t - 1], rng);
            double e = ToyProblem.relErr(influence(ok, pb.cell), pb.exactInfluence(t));
            assertTrue(e < 1e-12, "t " + t + ": " + e);
        }
    }

    /** When r + 1 exceeds m or nk the Kronecker rank of G is at most min(m, nk) <= r: OK is exact forever. */
    @Test
    void rankAtLeastHiddenSizeIsExact() {
        Cell[] cells = {new TanhCell(3, 1), new TanhCell(4, 1), new GatedCell(3, 1)};
        int[] ranks = {10, 6, 5};
        for (int c = 0; c < cells.length; c++) {
            ToyProblem pb = ToyProblem.random(cells[c], 25, 1.5, 30 + c);
            CellStep[] st = pb.forward();
            OkRtrl ok = new OkRtrl(pb.cell, ranks[c]);
            ExactRtrl ex = new ExactRtrl(pb.cell);
            Rng rng = new Rng(c);
            double[] gOk = new double[pb.w.length];
            double[] gEx = new double[pb.w.length];
            for (int t = 0; t < st.length; t++) {
                ok.step(pb.w, st[t], rng);
                ex.step(pb.w, st[t], rng);
                double e = ToyProblem.relErr(influence(ok, pb.cell), influence(ex, pb.cell));
                assertTrue(e < 1e-10, cells[c].getClass().getSimpleName() + " r=" + ranks[c] + " t=" + t + ": " + e);
                ok.gradient(pb.cs[t], gOk);
                ex.gradient(pb.cs[t], gEx);
                assertTrue(ToyProblem.relErr(gOk, gEx) < 1e-10);
            }
        }
    }

    @Test
    void resetStartsFromZero() {
        ToyProblem pb = ToyProblem.spec(0);
        CellStep[] st = pb.forward();
        OkRtrl ok = new OkRtrl(pb.cell, 2);
        Rng rng = new Rng(1);
        for (int t = 0; t < 6; t++) {
            ok.step(pb.w, st[t], rng);
        }
        ok.reset();
        assertEquals(0.0, ToyProblem.norm(influence(ok, pb.cell)));
        // One step after a reset gives exactly F_t (all old terms are zero columns).
        ok.step(pb.w, st[6], rng);
        ExactRtrl ex = new ExactRtrl(pb.cell);
        ex.step(pb.w, st[6], rng);
        assertTrue(ToyProblem.relErr(influence(ok, pb.cell), influence(ex, pb.cell)) < 1e-14);
        assertEquals(0.0, ok.lastVariance(), 1e-20);
    }

    /** Spec F.3b: from a real RNN state, one step of OK r=1 and KF on the same two terms. */
    @Test
    void oneStepOkBeatsKf() {
        for (int seed = 0; seed <= 1; seed++) {
            ToyProblem pb = ToyProblem.spec(seed);
            Cell cell = pb.cell;
            int n = cell.hiddenSize();
            int k = cell.preActivations();
            int m = cell.presynapticSize();
            CellStep s = pb.forward()[5];
            Rng rng = new Rng(1000 + seed);
            double[] u1 = new double[m];
            double[] a1 = new double[n * k];
            for (int i = 0; i < m; i++) {
                u1[i] = rng.nextGaussian();
            }
            for (int i = 0; i < n * k; i++) {
                a1[i] = rng.nextGaussian();
            }
            // target = u1^T (x) (H A1) + a^T (x) D
            double[] ha = new double[n * k];
            s.multH(pb.w, a1, k, ha, new double[k * k]);
            double[] d = new double[n * k];
            s.denseD(d);
            double[] target = new double[n * k * m];
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < m; p++) {
                    for (int q = 0; q < k; q++) {
                        target[j * k * m + p * k + q] = ha[j * k + q] * u1[p] + d[j * k + q] * s.a[p];
                    }
                }
            }
            KfRtrl kf = new KfRtrl(cell);
            OkRtrl ok = new OkRtrl(cell, 1);
            double vKf = 0;
            double vOk = 0;
            for (int draw = 0; draw < 200; draw++) {
                kf.setTerm(u1, a1);
                kf.step(pb.w, s, rng);
                double eKf = ToyProblem.distSq(influence(kf, cell), target);
                vKf = kf.lastVariance();
                assertEquals(vKf, eKf, 1e-9 * vKf, "KF error is draw-independent and equals 2 Pi (1 + cos cos)");
                ok.setTerm(0, u1, a1);
                ok.step(pb.w, s, rng);
                double eOk = ToyProblem.distSq(influence(ok, cell), target);
                vOk = ok.lastVariance();
                assertEquals(vOk, eOk, 1e-9 * vOk, "OK error is draw-independent and equals 2 sigma1 sigma2");
            }
            System.out.printf("F.3b seed %d: V_KF = %.5f, V_OK(r=1) = %.5f%n", seed, vKf, vOk);
            assertTrue(vOk <= vKf * (1 + 1e-12), "V_OK " + vOk + " > V_KF " + vKf);
        }
    }

    @Test
    void okNeverWorseThanKfOnRandomTermPairs() {
        Rng rng = new Rng(77);
        for (int trial = 0; trial < 60; trial++) {
            Cell cell = trial % 2 == 0 ? new TanhCell(5, 2) : new GatedCell(4, 2);
            ToyProblem pb = ToyProblem.random(cell, 4, 1.0 + rng.nextDouble(), 500 + trial);
            CellStep s = pb.forward()[3];
            int nk = cell.hiddenSize() * cell.preActivations();
            double[] u = new double[cell.presynapticSize()];
            double[] a = new double[nk];
            for (int i = 0; i < u.length; i++) {
                u[i] = rng.nextGaussian();
            }
            for (int i = 0; i < nk; i++) {
                a[i] = rng.nextGaussian();
            }
            KfRtrl kf = new KfRtrl(cell);
            kf.setTerm(u, a);
            kf.step(pb.w, s, rng);
            OkRtrl ok = new OkRtrl(cell, 1);
            ok.setTerm(0, u, a);
            ok.step(pb.w, s, rng);
            assertTrue(ok.lastVariance() <= kf.lastVariance() * (1 + 1e-12),
                    "trial " + trial + ": " + ok.lastVariance() + " > " + kf.lastVariance());
            assertEquals(1, ok.lastMixedSlots());
        }
    }

    @Test
    void diagnosticsAreConsistent() {
        ToyProblem pb = ToyProblem.spec(1);
        OkRtrl ok = new OkRtrl(pb.cell, 4);
        Rng rng = new Rng(3);
        for (CellStep s : pb.forward()) {
            ok.step(pb.w, s, rng);
            assertTrue(ok.lastMixedSlots() >= 1 && ok.lastMixedSlots() <= 4);
            assertTrue(ok.lastMixedFraction() >= 0 && ok.lastMixedFraction() <= 1);
            assertTrue(ok.lastVariance() >= 0 && Double.isFinite(ok.lastVariance()));
        }
    }
}
