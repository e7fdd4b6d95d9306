package org.flinkrtrl.experiments;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.GatedCell;
import org.flinkrtrl.core.cell.TanhCell;
import org.flinkrtrl.core.grad.GradientEstimator;
import org.flinkrtrl.core.grad.GradientEstimators;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.core.optim.Adam;
import org.flinkrtrl.core.optim.Clipping;
import org.flinkrtrl.core.readout.SoftmaxReadout;

/**
 * Gradient noise along one training trajectory (spec E.3). A character-level model is trained online with
 * <em>exact</em> RTRL (which fixes the trajectory: weights, hidden states, D_t, H_t); alongside it,
 * {@code --copies} independent copies of every estimator (each with its own generator) are stepped on exactly the
 * same cell steps and weights. At every step the runner compares each copy with the exact influence matrix G and
 * the exact recurrent gradient g:
 * <ul>
 *   <li>relative influence noise {@code ||G~ - G||_F^2 / ||G||_F^2},</li>
 *   <li>relative gradient noise {@code ||g~ - g||^2 / ||g||^2},</li>
 *   <li>cosine between g~ and g.</li>
 * </ul>
 * Values are averaged over the copies and over windows of {@code --log-every} steps. Since the copies are driven by
 * the same (changing) weights as the exact recursion, each is an unbiased estimate of the same G_t, so the mean
 * squared error is the estimator's variance. Writes {@code noise.csv}, {@code noise.png},
 * {@code noise_cosine.png} and {@code noise.md} into {@code --out}.
 */
public final class GradientNoise {
    private GradientNoise() {}

    public static void main(String[] argv) {
        Args a = new Args(argv);
        Path text = Paths.get(a.str("text", "../shared/data/text/moby-dick.txt"));
        Path out = Paths.get(a.str("out", "docs/results/noise"));
        int maxChars = a.integer("max-chars", 200_000);
        List<String> methodTokens = a.list("methods", "ok1,ok2,ok4,ok8,kf,uoro");
        int hidden = a.integer("hidden", 16);
        String cellName = a.str("cell", "gated");
        int copies = a.integer("copies", 8);
        int steps = a.integer("steps", 2000);
        long seed = a.lng("seed", 1);
        double lr = a.dbl("lr", 2e-3);
        double clip = a.dbl("clip", 1.0);
        double initStd = a.dbl("init-std", 0.1);
        int reset = a.integer("reset", 100);
        int logEvery = a.integer("log-every", 20);
        String budgetNote = a.str("budget-note", "");
        a.checkAllUsed();

        TextData data = TextData.load(text, 1.0, maxChars);
        int vocab = data.vocab.length;
        int[] ids = data.train;
        Cell cell = cellName.equalsIgnoreCase("gated") ? new GatedCell(hidden, vocab) : new TanhCell(hidden, vocab);
        CellStep step = cell.newStep();
        int n = hidden;
        int km = cell.parameterCount();
        List<MethodSpec> specs = MethodSpec.parseAll(methodTokens, 1);
        int ms = specs.size();
        for (MethodSpec sp : specs) {
            if (sp.method == Method.TBPTT) {
                throw new IllegalArgumentException("TBPTT keeps no influence matrix to compare; use okR, kf, uoro, rtrl");
            }
        }
        GradientEstimator exact = GradientEstimators.create(Method.RTRL, cell, 1, 1);
        GradientEstimator[][] est = new GradientEstimator[ms][copies];
        Rng[][] rngs = new Rng[ms][copies];
        for (int i = 0; i < ms; i++) {
            for (int c = 0; c < copies; c++) {
                est[i][c] = GradientEstimators.create(specs.get(i).method, cell, specs.get(i).rank, 1);
                rngs[i][c] = Rng.forStream(seed, 1000L * i + c + 1);
            }
        }
        Rng init = Rng.forStream(seed, 0);
        double[] w = new double[km];
        cell.initWeights(w, init, initStd);
        SoftmaxReadout readout = new SoftmaxReadout(n, vocab);
        double[] v = new double[readout.parameterCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.01 * init.nextGaussian();
        }
        Adam optW = new Adam(km, lr, 0.9, 0.999, 1e-8);
        Adam optV = new Adam(v.length, lr, 0.9, 0.999, 1e-8);
        double[] h = new double[n];
        double[] x = new double[vocab];
        double[] p = new double[vocab];
        double[] dLdh = new double[n];
        double[] gradV = new double[v.length];
        double[] gEx = new double[km];
        double[] gEst = new double[km];
        double[] infEx = new double[n * km];
        double[] infEst = new double[n * km];

        // window accumulators [method][metric]: 0 rel infl noise, 1 rel grad noise, 2 cosine; count
        double[][] acc = new double[ms][3];
        double[][] total = new double[ms][3];
        long[] accN = new long[ms];
        long[] totalN = new long[ms];
        double lossAcc = 0;
        Results.Csv csv = new Results.Csv("method", "step", "rel_influence_noise", "rel_gradient_noise",
            "gradient_cosine", "train_bpc");
        Results.Chart noiseChart = new Results.Chart("Relative influence noise E||G~ - G||^2 / ||G||^2 along the "
            + "trajectory (n = " + n + ")", "step", "relative squared error (log)").logY();
        Results.Chart gradChart = new Results.Chart("Relative gradient noise E||g~ - g||^2 / ||g||^2 (n = " + n + ")",
            "step", "relative squared error (log)").logY();
        Results.Chart cosChart = new Results.Chart("Cosine between estimated and exact gradient (n = " + n + ")",
            "step", "mean cosine");
        long start = System.nanoTime();
        int pos = 0;
        for (int t = 1; t <= steps; t++) {
            if (pos + 1 >= ids.length) {
                pos = 0;
            }
            if (reset > 0 && (t - 1) % reset == 0) {
                Arrays.fill(h, 0.0);
                exact.reset();
                for (GradientEstimator[] row : est) {
                    for (GradientEstimator e : row) {
                        e.reset();
                    }
                }
            }
            Arrays.fill(x, 0.0);
            x[ids[pos]] = 1.0;
            cell.forward(w, h, x, step);
            exact.step(w, step, null);
            for (int i = 0; i < ms; i++) {
                for (int c = 0; c < copies; c++) {
                    est[i][c].step(w, step, rngs[i][c]);
                }
            }
            System.arraycopy(step.hNext, 0, h, 0, n);
            readout.forward(v, h, p);
            double loss = readout.lossAndGradients(v, h, p, new double[] {ids[pos + 1]}, dLdh, gradV);
            lossAcc += loss / Math.log(2);
            pos++;
            exact.gradient(dLdh, gEx);
            exact.influence(infEx);
            double infNorm2 = dot(infEx, infEx);
            double gNorm2 = dot(gEx, gEx);
            for (int i = 0; i < ms; i++) {
                for (int c = 0; c < copies; c++) {
                    est[i][c].influence(infEst);
                    est[i][c].gradient(dLdh, gEst);
                    double ie = dist2(infEst, infEx);
                    double ge = dist2(gEst, gEx);
                    double en = Math.sqrt(dot(gEst, gEst));
                    double cos = en > 0 && gNorm2 > 0 ? dot(gEst, gEx) / (en * Math.sqrt(gNorm2)) : 0.0;
                    if (infNorm2 > 0 && gNorm2 > 0) {
                        acc[i][0] += ie / infNorm2;
                        acc[i][1] += ge / gNorm2;
                        acc[i][2] += cos;
                        accN[i]++;
                    }
                }
            }
            // The trajectory: exact RTRL's clipped gradient and the readout's exact gradient.
            Clipping.clipByNorm(gEx, clip);
            optW.apply(w, gEx);
            optV.apply(v, gradV);
            if (t % logEvery == 0) {
                double bpc = lossAcc / logEvery;
                lossAcc = 0;
                for (int i = 0; i < ms; i++) {
                    String label = specs.get(i).label;
                    double[] mean = new double[3];
                    for (int q = 0; q < 3; q++) {
                        mean[q] = accN[i] > 0 ? acc[i][q] / accN[i] : Double.NaN;
                        total[i][q] += acc[i][q];
                        acc[i][q] = 0;
                    }
                    totalN[i] += accN[i];
                    accN[i] = 0;
                    csv.row(specs.get(i).key(), t, mean[0], mean[1], mean[2], bpc);
                    noiseChart.add(label, t, mean[0]);
                    gradChart.add(label, t, mean[1]);
                    cosChart.add(label, t, mean[2]);
                }
            }
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        csv.write(out.resolve("noise.csv"));
        noiseChart.write(out.resolve("noise.png"));
        gradChart.write(out.resolve("noise_gradient.png"));
        cosChart.write(out.resolve("noise_cosine.png"));

        int kfIdx = -1;
        int uoroIdx = -1;
        for (int i = 0; i < ms; i++) {
            if (specs.get(i).method == Method.KF) {
                kfIdx = i;
            } else if (specs.get(i).method == Method.UORO) {
                uoroIdx = i;
            }
        }
        Results.Table table = new Results.Table("method", "mean rel. influence noise", "mean rel. gradient noise",
            "mean cosine(g~, g)", "KF noise / this", "UORO noise / this");
        for (int i = 0; i < ms; i++) {
            double inf = total[i][0] / totalN[i];
            table.row(specs.get(i).label, inf, total[i][1] / totalN[i], total[i][2] / totalN[i],
                kfIdx >= 0 ? Results.fmt(total[kfIdx][0] / totalN[kfIdx] / inf) : "-",
                uoroIdx >= 0 ? Results.fmt(total[uoroIdx][0] / totalN[uoroIdx] / inf) : "-");
        }
        StringBuilder md = new StringBuilder();
        md.append("# Gradient noise along a training trajectory\n\n");
        md.append(String.format(Locale.ROOT, "A %s cell with n = %d hidden units (k m = %d recurrent parameters) "
            + "is trained online on the first %d characters of `%s` (vocabulary %d) with **exact RTRL** and Adam; "
            + "h and every influence state are reset every %d steps. Alongside, %d independent copies of every "
            + "estimator (own generators) are stepped on the same cell steps and weights and compared at every "
            + "step with the exact influence matrix G and the exact gradient g. Values are means over copies and "
            + "steps (%d steps).%n%n", cellName, n, km, ids.length, text.getFileName(), vocab, reset, copies, steps));
        if (!budgetNote.isEmpty()) {
            md.append("**Budget:** ").append(budgetNote).append("\n\n");
        }
        md.append("Regenerate with:\n\n```\n").append(Results.command("GradientNoise", a)).append("\n```\n\n");
        md.append("Effective settings:\n\n").append(a.effectiveMarkdown()).append('\n');
        md.append("Machine: ").append(Results.machine()).append(String.format(Locale.ROOT, "; wall time %.1f s%n%n",
            seconds));
        md.append("## Results\n\n").append(table).append('\n');
        md.append("Relative noise is `||est - exact||^2 / ||exact||^2`; a value of 1 means the noise is as large as "
            + "the signal. The ratio columns divide KF's (UORO's) mean relative influence noise by this row's.\n\n");
        md.append("![influence noise](noise.png)\n\n![gradient noise](noise_gradient.png)\n\n"
            + "![gradient cosine](noise_cosine.png)\n\n");
        md.append("Curves: `noise.csv` (columns method, step, rel_influence_noise, rel_gradient_noise, "
            + "gradient_cosine, train_bpc; each row averages the copies over the last `--log-every` steps).\n");
        Results.writeString(out.resolve("noise.md"), md.toString());
        System.out.printf(Locale.ROOT, "noise: %d steps in %.1fs%n%s", steps, seconds, table);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double dist2(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }
}
