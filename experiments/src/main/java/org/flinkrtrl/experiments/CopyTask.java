package org.flinkrtrl.experiments;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.OnlineLearner;
import org.flinkrtrl.core.math.Rng;

/**
 * Copy (string memorisation) task with the curriculum of spec E.1, one online stream per method.
 *
 * <p>Alphabet {0, 1, M = 2, B = 3}. Level L starts at 1; each sequence has T = max(1, L - U), U uniform on {0..4},
 * inputs {@code M b_1..b_T B..B} and targets {@code B..B M b_1..b_T} (length 2T + 2, loss at every position).
 * An exponential moving average of the per-step loss in bits (decay 0.999) is kept; when a new sequence starts
 * and the average is below the threshold (0.15 bits), L grows by one and the average is set back to 0.3.
 * h and the influence state are reset before every sequence. One optimiser step per time step (TBPTT: one per
 * window). With {@code --batch b > 1}, b streams ({@link BatchedLearner}) each run their own sequences at the shared
 * level and share the weights, one optimiser step per time step from their mean gradient; the average then follows
 * the mean loss over the streams, and the level-up check runs whenever a stream starts a sequence.
 * {@code --update-period k} averages k steps' gradients per optimiser step. Writes {@code copy.csv},
 * {@code copy.png} and {@code copy.md} into {@code --out}.
 */
public final class CopyTask {
    static final int ZERO = 0;
    static final int MARK = 2;
    static final int BLANK = 3;
    static final int SYMBOLS = 4;

    private CopyTask() {}

    /** Result of one method's run. */
    static final class Run {
        final MethodSpec spec;
        final List<long[]> levelAt = new ArrayList<>();
        long steps;
        int level;
        double ema;
        double seconds;
        boolean diverged;
        /** first step at which each level was reached (index = level). */
        final List<Long> reached = new ArrayList<>();

        long seed;

        Run(MethodSpec spec) {
            this.spec = spec;
        }
    }

    public static void main(String[] argv) {
        Args a = new Args(argv);
        Path out = Paths.get(a.str("out", "docs/results/copy"));
        List<String> methodTokens = a.list("methods", "ok1,ok2,ok4,ok8,kf,uoro,tbptt");
        int truncation = a.integer("truncation", 8);
        int hidden = a.integer("hidden", 32);
        String cell = a.str("cell", "gated");
        long steps = a.lng("steps", 100_000);
        List<Integer> seeds = a.ints("seeds", "1");
        double lr = a.dbl("lr", 3e-3);
        double clip = a.dbl("clip", 1.0);
        double initStd = a.dbl("init-std", 0.1);
        double threshold = a.dbl("threshold", 0.15);
        double decay = a.dbl("ema-decay", 0.999);
        int logEvery = a.integer("log-every", 1000);
        double maxSeconds = a.dbl("max-seconds", 0);
        String budgetNote = a.str("budget-note", "");
        int batch = a.integer("batch", 1);
        int period = a.integer("update-period", 1);
        a.checkAllUsed();

        List<MethodSpec> specs = MethodSpec.parseAll(methodTokens, truncation);
        List<Run> runs = new ArrayList<>();
        for (MethodSpec spec : specs) {
          for (int seed : seeds) {
            ModelConfig cfg = ModelConfig.builder()
                .set(CELL, ModelConfig.CellType.valueOf(cell.toUpperCase(Locale.ROOT)))
                .set(HIDDEN, hidden).set(INPUTS, SYMBOLS).set(OUTPUTS, SYMBOLS).set(HEAD, ModelConfig.Head.SOFTMAX)
                .set(METHOD, spec.method).set(RANK, spec.rank).set(TRUNCATION, spec.truncation)
                .set(LRU_READOUT_WIDTH, spec.lruReadoutWidth)
                .set(LEARNING_RATE, lr).set(CLIP_NORM, clip).set(SEED, (long) seed)
                .set(INIT_GAIN, initStd * Math.sqrt(hidden + SYMBOLS + 1)).set(READOUT_INIT_STD, 0.01)
                .set(UPDATE_PERIOD, period).build();
            Run run = batch == 1 ? run(cfg, spec, steps, seed, threshold, decay, logEvery, maxSeconds)
                : runBatched(cfg, spec, batch, steps, seed, threshold, decay, logEvery, maxSeconds);
            runs.add(run);
            System.out.printf(Locale.ROOT, "copy %-10s seed=%d steps=%d level=%d ema=%.3f %.1fs%s%n", spec.label,
                seed, run.steps, run.level, run.ema, run.seconds, run.diverged ? " DIVERGED" : "");
          }
        }
        write(out, a, specs, seeds, runs, steps, truncation, hidden, budgetNote, batch, period);
    }

    static Run run(ModelConfig cfg, MethodSpec spec, long steps, long seed, double threshold, double decay,
                   int logEvery, double maxSeconds) {
        Run run = new Run(spec);
        run.seed = seed;
        OnlineLearner learner = new OnlineLearner(cfg);
        Rng data = new Rng(seed * 0x9E3779B97F4A7C15L + 12345);
        double[] x = new double[SYMBOLS];
        int[] bits = new int[4096];
        int level = 1;
        double ema = 0.3;
        long t = 0;
        long start = System.nanoTime();
        run.reached.add(0L);
        run.reached.add(0L);
        run.levelAt.add(new long[] {0, 1});
        outer:
        while (t < steps) {
            if (ema < threshold) {
                level++;
                ema = 0.3;
                run.reached.add(t);
            }
            int len = Math.max(1, level - data.nextInt(5));
            if (len > bits.length) {
                bits = new int[2 * len];
            }
            for (int i = 0; i < len; i++) {
                bits[i] = data.nextInt(2);
            }
            learner.resetSequence();
            for (int pos = 0; pos < 2 * len + 2; pos++) {
                int in = pos == 0 ? MARK : pos <= len ? bits[pos - 1] : BLANK;
                int target = pos <= len ? BLANK : pos == len + 1 ? MARK : bits[pos - len - 2];
                java.util.Arrays.fill(x, 0.0);
                x[in] = 1.0;
                learner.advance(x);
                double loss = learner.learnClass(target);
                ema = decay * ema + (1 - decay) * loss / Math.log(2);
                t++;
                if (t % logEvery == 0) {
                    run.levelAt.add(new long[] {t, level, Double.doubleToLongBits(ema)});
                    if (!learner.isFinite() || !Double.isFinite(ema)) {
                        run.diverged = true;
                        break outer;
                    }
                    if (maxSeconds > 0 && (System.nanoTime() - start) * 1e-9 > maxSeconds) {
                        break outer;
                    }
                }
                if (t >= steps) {
                    break outer;
                }
            }
        }
        run.steps = t;
        run.level = level;
        run.ema = ema;
        run.seconds = (System.nanoTime() - start) * 1e-9;
        return run;
    }

    /** b streams, each with its own sequence (length, bits, position), at the shared level. */
    static Run runBatched(ModelConfig cfg, MethodSpec spec, int b, long steps, long seed, double threshold,
                          double decay, int logEvery, double maxSeconds) {
        Run run = new Run(spec);
        run.seed = seed;
        BatchedLearner learner = new BatchedLearner(cfg, b);
        Rng data = new Rng(seed * 0x9E3779B97F4A7C15L + 12345);
        int[][] bits = new int[b][64];
        int[] len = new int[b];
        int[] pos = new int[b];
        int[] in = new int[b];
        int[] tgt = new int[b];
        java.util.Arrays.fill(pos, -1); // every stream starts a sequence at the first step
        int level = 1;
        double ema = 0.3;
        long t = 0;
        long start = System.nanoTime();
        run.reached.add(0L);
        run.reached.add(0L);
        run.levelAt.add(new long[] {0, 1});
        while (t < steps) {
            for (int i = 0; i < b; i++) {
                if (pos[i] < 0 || pos[i] >= 2 * len[i] + 2) {
                    if (ema < threshold) {
                        level++;
                        ema = 0.3;
                        run.reached.add(t);
                    }
                    len[i] = Math.max(1, level - data.nextInt(5));
                    if (len[i] > bits[i].length) {
                        bits[i] = new int[2 * len[i]];
                    }
                    for (int j = 0; j < len[i]; j++) {
                        bits[i][j] = data.nextInt(2);
                    }
                    pos[i] = 0;
                    learner.resetStream(i);
                }
                int p = pos[i];
                int l = len[i];
                in[i] = p == 0 ? MARK : p <= l ? bits[i][p - 1] : BLANK;
                tgt[i] = p <= l ? BLANK : p == l + 1 ? MARK : bits[i][p - l - 2];
                pos[i]++;
            }
            double loss = learner.step(in, tgt) / b;
            ema = decay * ema + (1 - decay) * loss / Math.log(2);
            t++;
            if (t % logEvery == 0) {
                run.levelAt.add(new long[] {t, level, Double.doubleToLongBits(ema)});
                if (!learner.isFinite() || !Double.isFinite(ema)) {
                    run.diverged = true;
                    break;
                }
                if (maxSeconds > 0 && (System.nanoTime() - start) * 1e-9 > maxSeconds) {
                    break;
                }
            }
        }
        run.steps = t;
        run.level = level;
        run.ema = ema;
        run.seconds = (System.nanoTime() - start) * 1e-9;
        return run;
    }

    static void write(Path out, Args a, List<MethodSpec> specs, List<Integer> seeds, List<Run> runs, long steps,
                      int truncation, int hidden, String budgetNote, int batch, int period) {
        Results.Csv csv = new Results.Csv("method", "seed", "step", "level", "ema_bits");
        Results.Chart chart = new Results.Chart("Copy task: curriculum level vs steps (n = " + hidden
            + (seeds.size() > 1 ? ", mean over " + seeds.size() + " seeds" : "") + ")",
            "training steps (characters)", "curriculum level L" + (seeds.size() > 1 ? " (mean over seeds)" : ""));
        if (seeds.size() == 1) {
            chart.integerY();
        }
        for (MethodSpec spec : specs) {
            List<Run> mine = new ArrayList<>();
            for (Run r : runs) {
                if (r.spec == spec) {
                    mine.add(r);
                    for (long[] p : r.levelAt) {
                        double ema = p.length > 2 ? Double.longBitsToDouble(p[2]) : 0.3;
                        csv.row(spec.key(), r.seed, p[0], p[1], ema);
                    }
                }
            }
            // mean level over seeds at each logged step (all runs log at the same steps unless one stopped early)
            int points = Integer.MAX_VALUE;
            for (Run r : mine) {
                points = Math.min(points, r.levelAt.size());
            }
            for (int i = 0; i < points; i++) {
                double sum = 0;
                for (Run r : mine) {
                    sum += r.levelAt.get(i)[1];
                }
                chart.add(spec.label, mine.get(0).levelAt.get(i)[0], sum / mine.size());
            }
        }
        csv.write(out.resolve("copy.csv"));
        chart.write(out.resolve("copy.png"));

        int[] milestones = {truncation + 1, truncation + 2, truncation + 3};
        Results.Table table = new Results.Table("method", "final level L per seed", "mean final L",
            "steps to L=" + milestones[0], "steps to L=" + milestones[1], "steps to L=" + milestones[2],
            "wall s (all seeds)");
        for (MethodSpec spec : specs) {
            StringBuilder levels = new StringBuilder();
            double sum = 0;
            double seconds = 0;
            int count = 0;
            boolean diverged = false;
            for (Run r : runs) {
                if (r.spec == spec) {
                    levels.append(count == 0 ? "" : ", ").append(r.level);
                    sum += r.level;
                    seconds += r.seconds;
                    diverged |= r.diverged;
                    count++;
                }
            }
            List<Object> row = new ArrayList<>();
            row.add(spec.label + (diverged ? " (diverged)" : ""));
            row.add(levels.toString());
            row.add(Results.fmt(sum / count));
            for (int mlev : milestones) {
                StringBuilder sb = new StringBuilder();
                int i = 0;
                for (Run r : runs) {
                    if (r.spec == spec) {
                        sb.append(i++ == 0 ? "" : ", ").append(mlev < r.reached.size() ? Long.toString(r.reached.get(mlev)) : "-");
                    }
                }
                row.add(sb.toString());
            }
            row.add(Results.fmt(seconds));
            table.row(row.toArray());
        }
        StringBuilder md = new StringBuilder();
        md.append("# Copy task (string memorisation) with curriculum\n\n");
        md.append("Spec E.1 task and curriculum; ").append(batch == 1 ? "one online stream per method and seed (b = 1)"
            : "b = " + batch + " streams per method and seed sharing the weights, each with its own sequences")
            .append(", h and the influence state reset before every sequence, ")
            .append(period == 1 ? "one Adam step per time step (TBPTT: one per window of T steps)"
                : "one Adam step per " + period + " time steps (TBPTT: per " + period + " windows)")
            .append(batch == 1 ? "" : " from the mean gradient of the streams")
            .append(". L is the curriculum level: sequences have length max(1, L-U), U uniform in 0..4.\n\n");
        if (!budgetNote.isEmpty()) {
            md.append("**Budget:** ").append(budgetNote).append("\n\n");
        }
        md.append("Regenerate with:\n\n```\n").append(Results.command("CopyTask", a)).append("\n```\n\n");
        md.append("Effective settings:\n\n").append(a.effectiveMarkdown()).append('\n');
        md.append("Machine: ").append(Results.machine()).append("\n\n");
        md.append("## Results (").append(steps).append(" steps per method and seed, seeds ").append(seeds)
            .append(")\n\n");
        md.append(table).append('\n');
        md.append("Per-seed values are listed in seed order; \"-\" means the level was not reached. TBPTT's truncation "
            + "window is T = ").append(truncation).append(": the gradient of a loss reaches back at most T steps, so "
            + "lengths beyond T are outside what it can learn directly (levels above T still contain shorter "
            + "sequences, since lengths are L-U).\n\n");
        md.append("![curriculum level vs steps](copy.png)\n\n");
        md.append("Curves: `copy.csv` (columns method, seed, step, level, ema_bits).\n");
        Results.writeString(out.resolve("copy.md"), md.toString());
    }
}
