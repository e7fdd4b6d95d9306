package org.flinkrtrl.bench;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.LruCell;
import org.flinkrtrl.core.grad.GradientEstimator;
import org.flinkrtrl.core.grad.GradientEstimators;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.Networks;
import org.flinkrtrl.core.math.Kernels;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.core.optim.Adam;
import org.flinkrtrl.core.optim.Clipping;
import org.flinkrtrl.core.readout.Readout;

/**
 * Per-part split of one training step (advance + learn) of {@code OnlineLearner}: each part of the step timed
 * alone in a loop, in thread CPU time, on the state a few hundred real steps left behind. The parts are the ones
 * {@code OnlineLearner} runs, in its order: the cell's forward pass, the estimator's influence step, the readout's
 * forward pass, the readout's loss and gradients, the estimator's gradient, the two clippings, Adam on W, the LRU's
 * parameter transform for the next step (its cell's forward pass then finds it prepared) and Adam on V. Timed alone, a part has its inputs in cache and its branches trained, so the sum is a lower bound of the
 * step; the whole step is timed beside it.
 *
 * <pre>java [--add-modules jdk.incubator.vector] -cp ... org.flinkrtrl.bench.StepParts [method] [n] [inputs] [outputs] [lru readout width]
 *   e.g. StepParts LRU 8 4 2   (the sensor forecaster's network: 2 channels -> 4 inputs, 2 outputs; the default
 *        linear readout; StepParts LRU 8 4 2 8: an MLP readout of 8 features)</pre>
 */
public final class StepParts {
    private StepParts() {}

    private static final String[] PARTS = {"cell forward", "estimator step", "readout forward",
        "readout loss+grad", "estimator gradient", "clip W, V", "Adam W", "LRU transform (prepare)", "Adam V"};

    public static void main(String[] args) {
        Method method = Method.valueOf(args.length > 0 ? args[0] : "LRU");
        int n = Integer.parseInt(args.length > 1 ? args[1] : "8");
        int nx = Integer.parseInt(args.length > 2 ? args[2] : "4");
        int no = Integer.parseInt(args.length > 3 ? args[3] : "2");
        int width = args.length > 4 ? Integer.parseInt(args[4]) : LRU_READOUT_WIDTH.defaultValue();
        ModelConfig cfg = ModelConfig.builder().set(HIDDEN, n).set(INPUTS, nx).set(OUTPUTS, no).set(METHOD, method)
            .set(LRU_READOUT_WIDTH, width).set(RANK, 4).set(SEED, 7L).set(READOUT_CLIP_NORM, 1.0).build();
        Cell cell = Networks.cell(cfg);
        Readout readout = Networks.readout(cfg, cell);
        GradientEstimator est = GradientEstimators.create(method, cell, cfg.rank(), cfg.truncation());
        Rng rng = new Rng(7L);
        double[] W = new double[cell.parameterCount()];
        double[] V = new double[readout.parameterCount()];
        cell.initWeights(W, rng, cfg.initGain() / Math.sqrt(cell.presynapticSize()));
        readout.initWeights(V, rng, cfg.readoutInitStd());
        Adam optW = new Adam(W.length, cfg.learningRate(), cfg.beta1(), cfg.beta2(), cfg.epsilon());
        Adam optV = new Adam(V.length, cfg.learningRate(), cfg.beta1(), cfg.beta2(), cfg.epsilon());
        CellStep step = cell.newStep();
        double[] h = new double[cell.hiddenSize()];
        double[] out = new double[no];
        double[] dLdh = new double[h.length];
        double[] gradW = new double[W.length];
        double[] gradV = new double[V.length];
        double[][] xs = new double[64][nx];
        double[][] ts = new double[64][no];
        Rng noise = new Rng(11L);
        for (int t = 0; t < xs.length; t++) {
            for (int j = 0; j < nx; j++) {
                xs[t][j] = Math.sin(0.3 * t + j) + 0.1 * noise.nextGaussian();
            }
            for (int j = 0; j < no; j++) {
                ts[t][j] = 0.5 * Math.cos(0.3 * t + j);
            }
        }
        Runnable[] parts = new Runnable[PARTS.length];
        int[] t = {0};
        parts[0] = () -> cell.forward(W, h, xs[t[0]], step);
        // the estimator's step alone repeats one Jacobian, so a dense influence (OK, RTRL) grows without bound and
        // overflows within a few thousand calls: a sequence reset every 1,000 calls, as in the other step benchmarks
        int[] since = {0};
        parts[1] = () -> {
            if (++since[0] == 1000) {
                since[0] = 0;
                est.reset();
            }
            est.step(W, step, rng);
        };
        parts[2] = () -> readout.forward(V, h, out);
        parts[3] = () -> readout.lossAndGradients(V, h, out, ts[t[0]], dLdh, gradV);
        parts[4] = () -> est.gradient(dLdh, gradW);
        parts[5] = () -> {
            Clipping.clipByNorm(gradW, cfg.clipNorm());
            Clipping.clipByNorm(gradV, cfg.readoutClipNorm());
        };
        double[] W2 = W.clone();
        double[] V2 = V.clone();
        parts[6] = () -> optW.apply(W2, gradW);
        // method lru: the next step's parameter transform, which the learner computes right after W's update (the
        // cell's forward pass then reuses it); nothing for the other cells
        LruCell lru = cell instanceof LruCell ? (LruCell) cell : null;
        parts[7] = () -> {
            if (lru != null) {
                lru.prepare(W);
            }
        };
        parts[8] = () -> optV.apply(V2, gradV);
        Runnable whole = () -> {
            cell.forward(W, h, xs[t[0]], step);
            est.step(W, step, rng);
            System.arraycopy(step.hNext, 0, h, 0, h.length);
            readout.forward(V, h, out);
            readout.lossAndGradients(V, h, out, ts[t[0]], dLdh, gradV);
            est.gradient(dLdh, gradW);
            Clipping.clipByNorm(gradW, cfg.clipNorm());
            Clipping.clipByNorm(gradV, cfg.readoutClipNorm());
            optW.apply(W, gradW);
            if (lru != null) {
                lru.prepare(W);
            }
            optV.apply(V, gradV);
            t[0] = (t[0] + 1) & 63;
        };
        for (int i = 0; i < 300; i++) {
            whole.run();
        }
        System.out.printf(Locale.ROOT, "# %s n=%d inputs=%d outputs=%d kernels=%s java=%s load=%.1f%n", method, n, nx,
            no, Kernels.get().name(), System.getProperty("java.version"),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        // warm every loop, then time: best of 5 rounds of ~0.1 s CPU each
        double[] best = new double[PARTS.length + 1];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (int round = 0; round < 6; round++) {
            for (int p = 0; p <= PARTS.length; p++) {
                Runnable r = p < PARTS.length ? parts[p] : whole;
                double ns = time(r, 200_000);
                if (round > 0) {
                    best[p] = Math.min(best[p], ns);
                }
            }
        }
        double sum = 0;
        System.out.println("| part | ns |");
        System.out.println("|---|---|");
        for (int p = 0; p < PARTS.length; p++) {
            System.out.printf(Locale.ROOT, "| %s | %.1f |%n", PARTS[p], best[p]);
            sum += best[p];
        }
        System.out.printf(Locale.ROOT, "| sum of parts | %.1f |%n| whole step | %.1f |%n", sum, best[PARTS.length]);
    }

    /** Thread CPU nanoseconds per run of {@code r}, over {@code reps} runs. */
    private static double time(Runnable r, int reps) {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        long c0 = bean.getCurrentThreadCpuTime();
        for (int i = 0; i < reps; i++) {
            r.run();
        }
        return (bean.getCurrentThreadCpuTime() - c0) / (double) reps;
    }
}
