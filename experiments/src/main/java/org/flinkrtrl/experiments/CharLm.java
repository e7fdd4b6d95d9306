package org.flinkrtrl.experiments;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.Networks;
import org.flinkrtrl.core.learner.OnlineLearner;
import org.flinkrtrl.core.readout.Readout;

/**
 * Character-level language modelling on any plain-text corpus (spec D and E.2, adapted). With {@code --batch 1}
 * one online stream per method (an {@link OnlineLearner}) reads the first {@code --train-fraction} of the text from
 * the start (wrapping around); with {@code --batch b > 1}, b streams ({@link BatchedLearner}) start at evenly spaced
 * offsets of the training split and share the weights, one optimiser step per time step from their mean gradient.
 * h and the influence state are reset every {@code --reset} time steps; {@code --update-period k} averages k steps'
 * gradients per optimiser step (TBPTT: k windows). {@code --steps} counts characters over all streams, so every
 * setting gets the same compute. Bits per character are measured on the rest of the text with the current weights,
 * h carried through the whole evaluation span without resets (spec D.7). Writes {@code charlm.csv},
 * {@code charlm.png} and {@code charlm.md} into {@code --out}.
 */
public final class CharLm {
    private CharLm() {}

    static final class Run {
        final MethodSpec spec;
        final List<double[]> curve = new ArrayList<>(); // step, train bpc (window), eval bpc
        double finalEval;
        double finalTrain;
        double seconds;
        long updates;
        boolean diverged;

        Run(MethodSpec spec) {
            this.spec = spec;
        }
    }

    public static void main(String[] argv) {
        Args a = new Args(argv);
        Path text = Paths.get(a.str("text", "../shared/data/text/moby-dick.txt"));
        Path out = Paths.get(a.str("out", "docs/results/charlm"));
        int maxChars = a.integer("max-chars", 0);
        double trainFraction = a.dbl("train-fraction", 0.9);
        List<String> methodTokens = a.list("methods", "ok2,ok8,kf,uoro,tbptt");
        int truncation = a.integer("truncation", 25);
        int hidden = a.integer("hidden", 32);
        String cell = a.str("cell", "gated");
        long steps = a.lng("steps", 100_000);
        long seed = a.lng("seed", 1);
        double lr = a.dbl("lr", 2e-3);
        double clip = a.dbl("clip", 1.0);
        double initStd = a.dbl("init-std", 0.1);
        int reset = a.integer("reset", 100);
        int batch = a.integer("batch", 1);
        int period = a.integer("update-period", 1);
        long evalEvery = a.lng("eval-every", 10_000);
        int evalChars = a.integer("eval-chars", 20_000);
        int finalEvalChars = a.integer("final-eval-chars", 0);
        String budgetNote = a.str("budget-note", "");
        a.checkAllUsed();

        TextData data = TextData.load(text, trainFraction, maxChars);
        int vocab = data.vocab.length;
        System.out.printf(Locale.ROOT, "text %s: vocab %d, train %d, eval %d chars, unigram %.3f bits%n", text, vocab,
            data.train.length, data.test.length, data.unigramBits());
        List<Run> runs = new ArrayList<>();
        for (MethodSpec spec : MethodSpec.parseAll(methodTokens, truncation)) {
            ModelConfig cfg = ModelConfig.builder()
                .set(CELL, ModelConfig.CellType.valueOf(cell.toUpperCase(Locale.ROOT)))
                .set(HIDDEN, hidden).set(INPUTS, vocab).set(OUTPUTS, vocab).set(HEAD, ModelConfig.Head.SOFTMAX)
                .set(METHOD, spec.method).set(RANK, spec.rank).set(TRUNCATION, spec.truncation)
                .set(LRU_READOUT_WIDTH, spec.lruReadoutWidth)
                .set(LEARNING_RATE, lr).set(CLIP_NORM, clip).set(SEED, seed).set(RESET_PERIOD, reset)
                .set(INIT_GAIN, initStd * Math.sqrt(hidden + vocab + 1)).set(READOUT_INIT_STD, 0.01)
                .set(UPDATE_PERIOD, period).build();
            Run run = batch == 1 ? run(cfg, spec, data, steps, evalEvery, evalChars, finalEvalChars)
                : runBatched(cfg, spec, batch, data, steps, evalEvery, evalChars, finalEvalChars);
            runs.add(run);
            System.out.printf(Locale.ROOT, "charlm %-10s train %.3f eval %.3f bpc, %.1fs%s%n", spec.label,
                run.finalTrain, run.finalEval, run.seconds, run.diverged ? " DIVERGED" : "");
        }
        write(out, a, runs, data, text, steps, hidden, budgetNote, finalEvalChars, batch, period);
    }

    static Run run(ModelConfig cfg, MethodSpec spec, TextData data, long steps, long evalEvery, int evalChars,
                   int finalEvalChars) {
        Run run = new Run(spec);
        OnlineLearner learner = new OnlineLearner(cfg);
        int vocab = data.vocab.length;
        double[] x = new double[vocab];
        int pos = 0;
        double windowBits = 0;
        long windowCount = 0;
        long start = System.nanoTime();
        run.curve.add(new double[] {0, Double.NaN, evalBpc(learner, data.test, evalChars)});
        for (long t = 1; t <= steps; t++) {
            if (pos + 1 >= data.train.length) {
                pos = 0;
                learner.resetSequence();
            }
            Arrays.fill(x, 0.0);
            x[data.train[pos]] = 1.0;
            learner.advance(x);
            double loss = learner.learnClass(data.train[pos + 1]);
            pos++;
            windowBits += loss / Math.log(2);
            windowCount++;
            if (t % evalEvery == 0 || t == steps) {
                double train = windowBits / windowCount;
                boolean finite = learner.isFinite() && Double.isFinite(train);
                double eval = finite ? evalBpc(learner, data.test, evalChars) : Double.NaN;
                run.curve.add(new double[] {t, train, eval});
                run.finalTrain = train;
                windowBits = 0;
                windowCount = 0;
                if (!finite) {
                    run.diverged = true;
                    break;
                }
            }
        }
        run.seconds = (System.nanoTime() - start) * 1e-9;
        run.updates = learner.updates();
        run.finalEval = run.diverged ? Double.NaN : evalBpc(learner, data.test, finalEvalChars);
        return run;
    }

    /**
     * b streams at offsets i * |train| / b, each wrapping (and resetting) at the end of the split on its own;
     * {@code chars} characters in all, so steps / b time steps. Evaluations at every {@code evalEvery} characters.
     */
    static Run runBatched(ModelConfig cfg, MethodSpec spec, int b, TextData data, long chars, long evalEvery,
                          int evalChars, int finalEvalChars) {
        Run run = new Run(spec);
        BatchedLearner learner = new BatchedLearner(cfg, b);
        int n = data.train.length;
        int[] pos = new int[b];
        for (int i = 0; i < b; i++) {
            pos[i] = (int) ((long) i * n / b);
        }
        int[] in = new int[b];
        int[] tgt = new int[b];
        long steps = chars / b;
        double windowBits = 0;
        long windowCount = 0;
        long nextEval = evalEvery;
        long start = System.nanoTime();
        run.curve.add(new double[] {0, Double.NaN, evalBpc(cfg, learner.recurrentWeights(), learner.readoutWeights(),
            data.test, evalChars)});
        for (long t = 1; t <= steps; t++) {
            for (int i = 0; i < b; i++) {
                if (pos[i] + 1 >= n) {
                    pos[i] = 0;
                    learner.resetStream(i);
                }
                in[i] = data.train[pos[i]];
                tgt[i] = data.train[pos[i] + 1];
                pos[i]++;
            }
            windowBits += learner.step(in, tgt) / Math.log(2);
            windowCount += b;
            long seen = t * b;
            if (seen >= nextEval || t == steps) {
                nextEval += evalEvery;
                double train = windowBits / windowCount;
                boolean finite = learner.isFinite() && Double.isFinite(train);
                double eval = finite ? evalBpc(cfg, learner.recurrentWeights(), learner.readoutWeights(), data.test,
                    evalChars) : Double.NaN;
                run.curve.add(new double[] {seen, train, eval});
                run.finalTrain = train;
                windowBits = 0;
                windowCount = 0;
                if (!finite) {
                    run.diverged = true;
                    break;
                }
            }
        }
        run.seconds = (System.nanoTime() - start) * 1e-9;
        run.updates = learner.updates();
        run.finalEval = run.diverged ? Double.NaN
            : evalBpc(cfg, learner.recurrentWeights(), learner.readoutWeights(), data.test, finalEvalChars);
        return run;
    }

    /**
     * Bits per character of the learner's current weights on the first {@code limit} characters of {@code ids}
     * (all when limit <= 0): forward pass only, h carried through without resets, the learner untouched.
     */
    static double evalBpc(OnlineLearner learner, int[] ids, int limit) {
        return evalBpc(learner.config(), learner.recurrentWeights(), learner.readoutWeights(), ids, limit);
    }

    /** The same for weights {@code w}, {@code v} of a network shaped by {@code c}. */
    static double evalBpc(ModelConfig c, double[] w, double[] v, int[] ids, int limit) {
        Cell cell = Networks.cell(c);
        CellStep step = cell.newStep();
        Readout readout = Networks.readout(c, cell);
        double[] h = new double[cell.hiddenSize()];
        double[] x = new double[c.inputs()];
        double[] p = new double[c.outputs()];
        int n = limit > 0 ? Math.min(limit, ids.length) : ids.length;
        double bits = 0;
        for (int i = 0; i + 1 < n; i++) {
            Arrays.fill(x, 0.0);
            x[ids[i]] = 1.0;
            cell.forward(w, h, x, step);
            System.arraycopy(step.hNext, 0, h, 0, h.length);
            readout.forward(v, h, p);
            bits -= Math.log(Math.max(p[ids[i + 1]], Double.MIN_NORMAL)) / Math.log(2);
        }
        return bits / Math.max(1, n - 1);
    }

    static void write(Path out, Args a, List<Run> runs, TextData data, Path text, long steps, int hidden,
                      String budgetNote, int finalEvalChars, int batch, int period) {
        Results.Csv csv = new Results.Csv("method", "step", "train_bpc", "eval_bpc");
        Results.Chart chart = new Results.Chart("Char-level LM: bits per character on the held-out span (n = "
            + hidden + ")", "training steps (characters)", "eval bits per character");
        for (Run r : runs) {
            for (double[] p : r.curve) {
                csv.row(r.spec.key(), (long) p[0], p[1], p[2]);
                chart.add(r.spec.label, p[0], p[2]);
            }
        }
        csv.write(out.resolve("charlm.csv"));
        chart.write(out.resolve("charlm.png"));
        int finalChars = finalEvalChars > 0 ? Math.min(finalEvalChars, data.test.length) : data.test.length;
        Results.Table table = new Results.Table("method", "eval BPC (" + finalChars + " chars)",
            "train BPC (last interval)", "updates", "wall s", "wall us/char (incl. evaluation)");
        for (Run r : runs) {
            table.row(r.spec.label + (r.diverged ? " (diverged)" : ""), r.finalEval, r.finalTrain, r.updates,
                Results.fmt(r.seconds), Results.fmt(1e6 * r.seconds / steps));
        }
        StringBuilder md = new StringBuilder();
        md.append("# Character-level language modelling\n\n");
        md.append(String.format(Locale.ROOT, "Corpus `%s`: %d training characters (first part), %d held-out "
            + "characters (last part), vocabulary %d after mapping typographic quotes and dashes to ASCII. "
            + "No-memory baseline (unigram entropy of the training split): %.3f bits; uniform: %.3f bits.%n%n",
            text.getFileName(), data.train.length, data.test.length, data.vocab.length, data.unigramBits(),
            Math.log(data.vocab.length) / Math.log(2)));
        if (batch == 1) {
            md.append("One online stream per method (b = 1) reading the training split from its start, h and the "
                + "influence state reset every `--reset` characters, ");
        } else {
            md.append("b = " + batch + " streams per method sharing the weights, starting at evenly spaced offsets "
                + "of the training split, h and the influence state reset every `--reset` time steps, ");
        }
        md.append(period == 1 ? "one Adam step per time step (TBPTT: one per window)"
            : "one Adam step per " + period + " time steps (TBPTT: per " + period + " windows)");
        md.append(batch == 1 ? "" : " from the mean gradient of all streams");
        md.append(". Evaluation: forward pass only with the current weights, h carried through the held-out "
            + "span without resets. All methods get the same number of characters (counted over all streams).\n\n");
        if (!budgetNote.isEmpty()) {
            md.append("**Budget:** ").append(budgetNote).append("\n\n");
        }
        md.append("Regenerate with:\n\n```\n").append(Results.command("CharLm", a)).append("\n```\n\n");
        md.append("Effective settings:\n\n").append(a.effectiveMarkdown()).append('\n');
        md.append("Machine: ").append(Results.machine()).append("\n\n");
        md.append("## Results (").append(steps).append(" characters per method)\n\n");
        md.append(table).append('\n');
        md.append("![eval BPC vs steps](charlm.png)\n\n");
        md.append("Curves: `charlm.csv` (columns method, step, train_bpc over the interval since the previous row, "
            + "eval_bpc on the first `--eval-chars` held-out characters).\n");
        Results.writeString(out.resolve("charlm.md"), md.toString());
    }
}
