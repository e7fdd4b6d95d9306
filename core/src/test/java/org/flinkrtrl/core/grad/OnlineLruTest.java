package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.flinkrtrl.core.cell.LruCell;
import org.flinkrtrl.core.cell.LruStep;
import org.flinkrtrl.core.cell.TanhCell;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/**
 * The online LRU gradient against two independent references at fixed parameters: BPTT through the whole sequence,
 * written in the real 2 x 2 block form (no complex algebra, so it checks the conjugation conventions of
 * docs/spec-lru.md), and central finite differences of the loss and of the state.
 *
 * <p>Problem: a random LRU (N units, n_x inputs), inputs x_t ~ N(0, 1), linear per-step loss
 * {@code l_t = c_t . [Re h_t; Im h_t]} with random c_t, so the total loss is sum_t l_t.
 */
class OnlineLruTest {
    private static final int N = 5;
    private static final int NX = 3;
    private static final int T = 60;

    private static final class Problem {
        final LruCell cell = new LruCell(N, NX, 0.5, 0.98, Math.PI);
        final double[] w = new double[cell.parameterCount()];
        final double[][] xs = new double[T][NX];
        final double[][] cs = new double[T][2 * N + NX];

        Problem(long seed) {
            Rng rng = new Rng(seed);
            cell.initWeights(w, rng, 0.0);
            for (int t = 0; t < T; t++) {
                for (int j = 0; j < NX; j++) {
                    xs[t][j] = rng.nextGaussian();
                }
                for (int i = 0; i < 2 * N; i++) {
                    cs[t][i] = rng.nextGaussian(); // pass-through entries stay 0: no parameter reaches them
                }
            }
        }

        /** Sum over t of the online gradient (the learner's per-step updates, here summed at fixed w). */
        double[] onlineGradient(OnlineLru est) {
            double[] h = new double[cell.hiddenSize()];
            LruStep s = cell.newStep();
            double[] g = new double[w.length];
            double[] sum = new double[w.length];
            for (int t = 0; t < T; t++) {
                cell.forward(w, h, xs[t], s);
                est.step(w, s, null);
                System.arraycopy(s.hNext, 0, h, 0, h.length);
                assertTrue(est.gradient(cs[t], g));
                for (int p = 0; p < sum.length; p++) {
                    sum[p] += g[p];
                }
            }
            return sum;
        }

        double loss(double[] ww) {
            double[] h = new double[cell.hiddenSize()];
            LruStep s = cell.newStep();
            double l = 0.0;
            for (int t = 0; t < T; t++) {
                cell.forward(ww, h, xs[t], s);
                System.arraycopy(s.hNext, 0, h, 0, h.length);
                for (int i = 0; i < h.length; i++) {
                    l += cs[t][i] * h[i];
                }
            }
            return l;
        }

        /** BPTT in real arithmetic: h_t = [[a, -b], [b, a]] h_{t-1} + gamma [Re B x_t; Im B x_t]. */
        double[] bptt() {
            double[] a = new double[N];
            double[] b = new double[N];
            double[] en = new double[N];
            double[] et = new double[N];
            double[] gam = new double[N];
            for (int i = 0; i < N; i++) {
                en[i] = Math.exp(w[i]);
                et[i] = Math.exp(w[N + i]);
                gam[i] = Math.exp(w[2 * N + i]);
                a[i] = Math.exp(-(en[i] + LruCell.MIN_DECAY)) * Math.cos(et[i]);
                b[i] = Math.exp(-(en[i] + LruCell.MIN_DECAY)) * Math.sin(et[i]);
            }
            int bRe = cell.bReOffset();
            int bIm = cell.bImOffset();
            double[][] hr = new double[T + 1][N];
            double[][] hi = new double[T + 1][N];
            double[][] ur = new double[T][N]; // Re B x_t
            double[][] ui = new double[T][N];
            for (int t = 0; t < T; t++) {
                for (int i = 0; i < N; i++) {
                    for (int j = 0; j < NX; j++) {
                        ur[t][i] += w[bRe + i * NX + j] * xs[t][j];
                        ui[t][i] += w[bIm + i * NX + j] * xs[t][j];
                    }
                    hr[t + 1][i] = a[i] * hr[t][i] - b[i] * hi[t][i] + gam[i] * ur[t][i];
                    hi[t + 1][i] = b[i] * hr[t][i] + a[i] * hi[t][i] + gam[i] * ui[t][i];
                }
            }
            double[] ga = new double[N];
            double[] gb = new double[N];
            double[] gg = new double[N];
            double[] grad = new double[w.length];
            for (int i = 0; i < N; i++) {
                double dr = 0.0; // dL/d hr[t+1] incl. the future
                double di = 0.0;
                for (int t = T - 1; t >= 0; t--) {
                    // adjoint of h_{t+1}: own loss + transpose of the block applied to the adjoint of h_{t+2}
                    double nr = cs[t][i] + a[i] * dr + b[i] * di;
                    double ni = cs[t][N + i] - b[i] * dr + a[i] * di;
                    dr = nr;
                    di = ni;
                    ga[i] += dr * hr[t][i] + di * hi[t][i];
                    gb[i] += -dr * hi[t][i] + di * hr[t][i];
                    gg[i] += dr * ur[t][i] + di * ui[t][i];
                    for (int j = 0; j < NX; j++) {
                        grad[bRe + i * NX + j] += dr * gam[i] * xs[t][j];
                        grad[bIm + i * NX + j] += di * gam[i] * xs[t][j];
                    }
                }
                // a = exp(-(e^nu + MIN_DECAY)) cos(e^theta), b = exp(-(e^nu + MIN_DECAY)) sin(e^theta)
                grad[i] = ga[i] * (-en[i] * a[i]) + gb[i] * (-en[i] * b[i]);
                grad[N + i] = ga[i] * (-et[i] * b[i]) + gb[i] * (et[i] * a[i]);
                grad[2 * N + i] = gg[i] * gam[i];
            }
            return grad;
        }
    }

    private static double relErr(double[] got, double[] want) {
        double d = 0.0;
        double s = 0.0;
        for (int i = 0; i < want.length; i++) {
            d += (got[i] - want[i]) * (got[i] - want[i]);
            s += want[i] * want[i];
        }
        return Math.sqrt(d / s);
    }

    @Test
    void onlineGradientEqualsBpttThroughTheWholeSequence() {
        for (long seed = 1; seed <= 5; seed++) {
            Problem pb = new Problem(seed);
            double[] online = pb.onlineGradient(new OnlineLru(pb.cell));
            double[] bptt = pb.bptt();
            double err = relErr(online, bptt);
            assertTrue(err <= 1e-10, "seed " + seed + ": relative error " + err);
            // and per parameter group, so a small group cannot hide inside a big one
            int[] cuts = {0, N, 2 * N, 3 * N, pb.cell.bImOffset(), pb.w.length};
            for (int c = 0; c + 1 < cuts.length; c++) {
                double[] o = Arrays.copyOfRange(online, cuts[c], cuts[c + 1]);
                double[] b = Arrays.copyOfRange(bptt, cuts[c], cuts[c + 1]);
                assertTrue(relErr(o, b) <= 1e-10, "seed " + seed + " group " + c + ": " + relErr(o, b));
            }
        }
    }

    @Test
    void onlineGradientMatchesFiniteDifferences() {
        Problem pb = new Problem(7);
        double[] online = pb.onlineGradient(new OnlineLru(pb.cell));
        double[] fd = new double[pb.w.length];
        double eps = 1e-6;
        for (int p = 0; p < pb.w.length; p++) {
            double[] wp = pb.w.clone();
            double[] wm = pb.w.clone();
            wp[p] += eps;
            wm[p] -= eps;
            fd[p] = (pb.loss(wp) - pb.loss(wm)) / (2 * eps);
        }
        double err = relErr(online, fd);
        assertTrue(err <= 1e-6, "relative error against central differences " + err);
    }

    @Test
    void influenceIsTheDerivativeOfTheState() {
        Problem pb = new Problem(3);
        OnlineLru est = new OnlineLru(pb.cell);
        int hs = pb.cell.hiddenSize();
        double[] h = new double[hs];
        LruStep s = pb.cell.newStep();
        for (int t = 0; t < T; t++) {
            pb.cell.forward(pb.w, h, pb.xs[t], s);
            est.step(pb.w, s, null);
            System.arraycopy(s.hNext, 0, h, 0, hs);
        }
        int np = pb.w.length;
        double[] g = new double[hs * np];
        est.influence(g);
        double[] fd = new double[hs * np];
        double eps = 1e-6;
        for (int p = 0; p < np; p++) {
            double[] hp = finalState(pb, p, eps);
            double[] hm = finalState(pb, p, -eps);
            for (int j = 0; j < hs; j++) {
                fd[j * np + p] = (hp[j] - hm[j]) / (2 * eps);
            }
        }
        double err = relErr(g, fd);
        assertTrue(err <= 1e-6, "influence against central differences " + err);
        for (int j = 2 * N; j < hs; j++) {
            for (int p = 0; p < np; p++) {
                assertEquals(0.0, g[j * np + p], "pass-through row " + j);
            }
        }
    }

    private static double[] finalState(Problem pb, int p, double eps) {
        double[] w = pb.w.clone();
        w[p] += eps;
        double[] h = new double[pb.cell.hiddenSize()];
        LruStep s = pb.cell.newStep();
        for (int t = 0; t < T; t++) {
            pb.cell.forward(w, h, pb.xs[t], s);
            System.arraycopy(s.hNext, 0, h, 0, h.length);
        }
        return h;
    }

    /**
     * The state stores E_B row-major (N x n_x, Re then Im) after the header and the four diagonal traces, whatever
     * layout the step works in: its entries are the influence's dh/dRe B columns.
     */
    @Test
    void stateStoresTheBTraceRowMajor() throws Exception {
        Problem pb = new Problem(6);
        OnlineLru est = new OnlineLru(pb.cell);
        pb.onlineGradient(est);
        int hs = pb.cell.hiddenSize();
        int np = pb.w.length;
        double[] g = new double[hs * np];
        est.influence(g);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        est.writeState(new java.io.DataOutputStream(bytes));
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(0x4C525531, in.readInt());
        in.readInt(); // format version of the estimator states
        assertEquals(2, in.readInt());
        assertEquals(N, in.readInt());
        assertEquals(NX, in.readInt());
        for (int a = 0; a < 4; a++) {
            assertEquals(N, in.readInt());
            in.skipBytes(8 * N);
        }
        for (int part = 0; part < 2; part++) { // Re E_B = dRe h / dRe B, Im E_B = dIm h / dRe B
            assertEquals(N * NX, in.readInt());
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < NX; j++) {
                    double want = g[(part * N + i) * np + pb.cell.bReOffset() + i * NX + j];
                    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(in.readDouble()),
                        "part " + part + " unit " + i + " input " + j);
                }
            }
        }
        OnlineLru back = new OnlineLru(pb.cell);
        back.readState(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        double[] g2 = new double[hs * np];
        back.influence(g2);
        assertArrayEquals(g, g2, 0.0);
    }

    @Test
    void resetCutsTheTraces() {
        Problem pb = new Problem(4);
        OnlineLru est = new OnlineLru(pb.cell);
        pb.onlineGradient(est);
        est.reset();
        double[] g = new double[pb.w.length];
        Arrays.fill(g, 1.0);
        est.gradient(pb.cs[0], g);
        // traces zero: every gradient entry is zero (lambda and gamma alone give none)
        for (double v : g) {
            assertTrue(v == 0.0, "gradient entry " + v); // +0 or -0
        }
    }

    @Test
    void initialisationLiesOnTheRing() {
        LruCell cell = new LruCell(400, 2, 0.3, 0.9, 1.0);
        double[] w = new double[cell.parameterCount()];
        cell.initWeights(w, new Rng(5), 0.0);
        double sumMod2 = 0.0;
        for (int i = 0; i < 400; i++) {
            double mod = Math.exp(-Math.exp(w[i]));
            double phase = Math.exp(w[400 + i]);
            double gamma = Math.exp(w[800 + i]);
            assertTrue(mod >= 0.3 - 1e-12 && mod <= 0.9 + 1e-12, "|lambda| " + mod);
            assertTrue(phase > 0 && phase <= 1.0 + 1e-12, "phase " + phase);
            assertEquals(Math.sqrt(1 - mod * mod), gamma, 1e-12);
            sumMod2 += mod * mod;
        }
        // |lambda|^2 uniform on [0.09, 0.81]: mean 0.45, std of the mean 0.208 / sqrt(400) = 0.0104; 4 sigma
        assertEquals(0.45, sumMod2 / 400, 0.042);
    }

    @Test
    void refusesTheWrongCell() {
        assertThrows(IllegalArgumentException.class, () -> GradientEstimators.create(Method.LRU, new TanhCell(3, 2), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> GradientEstimators.create(Method.OK, new LruCell(3, 2), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new LruCell(3, 2, 0.5, 1.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new LruCell(3, 2, 0.5, 0.9, 0.0));
    }
}
