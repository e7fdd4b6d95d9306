package org.flinkrtrl.core.grad;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.TanhCell;
import org.flinkrtrl.core.math.Rng;

/**
 * A fixed-theta sequence problem with linear per-step loss {@code l_t = c_t . h_{t+1}}: either the spec's section-F
 * toy (loaded from the fixture exported by {@code oracle/export_toy.py}) or a random one for any cell.
 */
final class ToyProblem {
    final Cell cell;
    final double[] w;
    final double[][] xs;
    final double[][] cs;
    /** ||G_T||_F as computed by the numpy reference (NaN for random problems). */
    final double referenceGNorm;

    ToyProblem(Cell cell, double[] w, double[][] xs, double[][] cs, double referenceGNorm) {
        this.cell = cell;
        this.w = w;
        this.xs = xs;
        this.cs = cs;
        this.referenceGNorm = referenceGNorm;
    }

    int steps() {
        return xs.length;
    }

    /** Loads {@code /oracle/toy_seed<seed>.txt} (tanh cell, n = 8, n_x = 3, T = 20). */
    static ToyProblem spec(int seed) {
        String res = "/oracle/toy_seed" + seed + ".txt";
        List<double[]> rows = new ArrayList<>();
        try (InputStream is = ToyProblem.class.getResourceAsStream(res)) {
            if (is == null) {
                throw new IllegalStateException("missing fixture " + res);
            }
            BufferedReader br = new BufferedReader(new InputStreamReader(is, StandardCharsets.US_ASCII));
            String line;
            while ((line = br.readLine()) != null) {
                line = line.trim();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                double[] row = new double[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    row[i] = Double.parseDouble(parts[i]);
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        double[] head = rows.get(0);
        int n = (int) head[0];
        int nx = (int) head[1];
        int m = (int) head[2];
        int t = (int) head[3];
        double[] w = new double[n * m];
        for (int j = 0; j < n; j++) {
            System.arraycopy(rows.get(1 + j), 0, w, j * m, m);
        }
        double[][] xs = new double[t][];
        double[][] cs = new double[t][];
        for (int i = 0; i < t; i++) {
            xs[i] = rows.get(1 + n + i).clone();
            cs[i] = rows.get(1 + n + t + i).clone();
        }
        double gnorm = rows.get(1 + n + 2 * t)[0];
        return new ToyProblem(new TanhCell(n, nx), w, xs, cs, gnorm);
    }

    /** Random problem: W ~ N(0, (gain^2)/m), Gaussian inputs and loss weights. */
    static ToyProblem random(Cell cell, int steps, double gain, long seed) {
        Rng rng = new Rng(seed);
        int m = cell.presynapticSize();
        double[] w = new double[cell.preActivations() * m];
        cell.initWeights(w, rng, gain / Math.sqrt(m));
        double[][] xs = new double[steps][cell.inputSize()];
        double[][] cs = new double[steps][cell.hiddenSize()];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < xs[t].length; i++) {
                xs[t][i] = rng.nextGaussian();
            }
            for (int i = 0; i < cs[t].length; i++) {
                cs[t][i] = rng.nextGaussian();
            }
        }
        return new ToyProblem(cell, w, xs, cs, Double.NaN);
    }

    /** Runs the cell from h_0 = 0 with weights {@code weights} and returns a copy of every step. */
    CellStep[] forward(double[] weights) {
        CellStep[] out = new CellStep[steps()];
        double[] h = new double[cell.hiddenSize()];
        for (int t = 0; t < steps(); t++) {
            CellStep s = cell.newStep();
            cell.forward(weights, h, xs[t], s);
            out[t] = s;
            h = s.hNext.clone();
        }
        return out;
    }

    CellStep[] forward() {
        return forward(w);
    }

    /** L(W) = sum_t c_t . h_{t+1}. */
    double loss(double[] weights) {
        double l = 0.0;
        CellStep[] st = forward(weights);
        for (int t = 0; t < st.length; t++) {
            for (int j = 0; j < cell.hiddenSize(); j++) {
                l += cs[t][j] * st[t].hNext[j];
            }
        }
        return l;
    }

    /** Exact influence G after the first {@code t} steps (dense, n x km). */
    double[] exactInfluence(int t) {
        ExactRtrl ex = new ExactRtrl(cell);
        CellStep[] st = forward();
        for (int i = 0; i < t; i++) {
            ex.step(w, st[i], null);
        }
        double[] g = new double[cell.hiddenSize() * cell.parameterCount()];
        ex.influence(g);
        return g;
    }

    static double norm(double[] v) {
        double s = 0.0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static double distSq(double[] a, double[] b) {
        double s = 0.0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    static double relErr(double[] got, double[] want) {
        return Math.sqrt(distSq(got, want)) / norm(want);
    }
}
