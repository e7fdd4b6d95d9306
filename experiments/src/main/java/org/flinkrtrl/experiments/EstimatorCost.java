package org.flinkrtrl.experiments;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.GatedCell;
import org.flinkrtrl.core.cell.LruCell;
import org.flinkrtrl.core.cell.TanhCell;
import org.flinkrtrl.core.grad.GradientEstimator;
import org.flinkrtrl.core.grad.GradientEstimators;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.math.Rng;

/**
 * Measured time per step (spec C.7) of every estimator against the hidden size n and the OK rank r: one cell
 * forward, one influence step and one gradient per step, single-threaded, weights fixed, random inputs. Fits the
 * log-log slope of time against n for every method over the n values at or above {@code --fit-from}, and writes
 * {@code cost.csv}, {@code cost.png} (time vs n, log-log, with an n^4 reference through exact RTRL),
 * {@code cost_rank.png} (OK time vs r) and {@code cost.md} into {@code --out}.
 */
public final class EstimatorCost {
    private EstimatorCost() {}

    public static void main(String[] argv) {
        Args a = new Args(argv);
        Path out = Paths.get(a.str("out", "docs/results/cost"));
        List<Integer> ns = a.ints("ns", "8,16,32,64");
        List<Integer> ranks = a.ints("ranks", "1,2,4,8");
        List<String> others = a.list("methods", "kf,uoro,rtrl,tbptt");
        int rtrlMaxN = a.integer("rtrl-max-n", 32);
        String cellName = a.str("cell", "tanh");
        int inputs = a.integer("inputs", 8);
        int truncation = a.integer("truncation", 16);
        double minSeconds = a.dbl("min-seconds", 0.3);
        double warmupSeconds = a.dbl("warmup-seconds", 3.0);
        int fitFrom = a.integer("fit-from", 16);
        long seed = a.lng("seed", 1);
        String budgetNote = a.str("budget-note", "");
        a.checkAllUsed();

        List<MethodSpec> specs = new ArrayList<>();
        for (int r : ranks) {
            specs.add(MethodSpec.parse("ok" + r, truncation));
        }
        specs.addAll(MethodSpec.parseAll(others, truncation));
        // JVM-wide warm-up before anything is timed: the first configurations otherwise run the estimators (and the
        // Vector API kernels, whose early calls are slow fallbacks) before the JIT has compiled them.
        List<MethodSpec> warmups = MethodSpec.parseAll(List.of("ok2", "kf", "uoro"), truncation);
        for (MethodSpec w : warmups) {
            long end = System.nanoTime() + (long) (warmupSeconds / warmups.size() * 1e9);
            while (System.nanoTime() < end) {
                timePerStep(cellName, 32, inputs, w, 0.05, seed, new long[1]);
            }
        }
        Map<String, double[]> times = new LinkedHashMap<>();
        Results.Csv csv = new Results.Csv("method", "rank", "n", "us_per_step", "steps_timed");
        long start = System.nanoTime();
        for (MethodSpec spec : specs) {
            double[] row = new double[ns.size()];
            for (int i = 0; i < ns.size(); i++) {
                int n = ns.get(i);
                if (spec.method == Method.RTRL && n > rtrlMaxN) {
                    row[i] = Double.NaN;
                    continue;
                }
                long[] stepsTimed = new long[1];
                row[i] = timePerStep(cellName, n, inputs, spec, minSeconds, seed, stepsTimed);
                csv.row(spec.key(), spec.rank, n, row[i], stepsTimed[0]);
                System.out.printf(Locale.ROOT, "cost %-10s n=%4d %12.1f us/step%n", spec.label, n, row[i]);
            }
            times.put(spec.label, row);
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        csv.write(out.resolve("cost.csv"));

        Results.Chart chart = new Results.Chart("Time per step vs hidden size (" + cellName + " cell, log-log)",
            "hidden size n", "microseconds per step").logX().logY().shapes();
        Map<String, Double> slopes = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : times.entrySet()) {
            List<Double> fx = new ArrayList<>();
            List<Double> fy = new ArrayList<>();
            for (int i = 0; i < ns.size(); i++) {
                chart.add(e.getKey(), ns.get(i), e.getValue()[i]);
                if (ns.get(i) >= fitFrom && Double.isFinite(e.getValue()[i])) {
                    fx.add(Math.log(ns.get(i)));
                    fy.add(Math.log(e.getValue()[i]));
                }
            }
            slopes.put(e.getKey(), fx.size() >= 2 ? Results.fitLine(unbox(fx), unbox(fy))[0] : Double.NaN);
        }
        double[] rtrl = times.get("RTRL (exact)");
        if (rtrl != null) {
            int last = -1;
            for (int i = 0; i < ns.size(); i++) {
                if (Double.isFinite(rtrl[i])) {
                    last = i;
                }
            }
            if (last >= 0) {
                double c = rtrl[last] / Math.pow(ns.get(last), 4);
                for (int n : ns) {
                    chart.add("reference c n^4 (through exact RTRL)", n, c * Math.pow(n, 4));
                }
            }
        }
        chart.write(out.resolve("cost.png"));
        Results.Chart rankChart = new Results.Chart("OK time per step vs rank r (" + cellName + " cell, log-log)",
            "rank r", "microseconds per step").logX().logY().shapes();
        for (int i = 0; i < ns.size(); i++) {
            for (int j = 0; j < ranks.size(); j++) {
                rankChart.add("n = " + ns.get(i), ranks.get(j), times.get(specs.get(j).label)[i]);
            }
        }
        rankChart.write(out.resolve("cost_rank.png"));

        List<String> header = new ArrayList<>();
        header.add("method");
        for (int n : ns) {
            header.add("n=" + n + " (us)");
        }
        header.add("log-log slope (n >= " + fitFrom + ")");
        Results.Table table = new Results.Table(header.toArray(new String[0]));
        for (Map.Entry<String, double[]> e : times.entrySet()) {
            List<Object> row = new ArrayList<>();
            row.add(e.getKey());
            for (double t : e.getValue()) {
                row.add(Double.isFinite(t) ? Results.fmt(t) : "skipped");
            }
            row.add(Results.fmt(slopes.get(e.getKey())));
            table.row(row.toArray());
        }
        StringBuilder md = new StringBuilder();
        md.append("# Cost per step against n and r\n\n");
        md.append(String.format(Locale.ROOT, "Single-threaded CPU time (thread CPU clock, so time spent descheduled on a shared machine is not counted) of one step (cell forward + influence step "
            + "+ gradient) with a %s cell, %d inputs, fixed random weights and random inputs; after a JVM-wide "
            + "warm-up, each configuration is warmed up again and then timed for at least %.2f s. Expected exponents for the %s cell (spec C.7): "
            + "exact RTRL n^4, r-OK r n^3 (+ r^2 n^2 for the QR), KF n^3, UORO and TBPTT n^2.%n%n",
            cellName, inputs, minSeconds, cellName));
        if (!budgetNote.isEmpty()) {
            md.append("**Budget:** ").append(budgetNote).append("\n\n");
        }
        md.append("Regenerate with:\n\n```\n").append(Results.command("EstimatorCost", a)).append("\n```\n\n");
        md.append("Effective settings:\n\n").append(a.effectiveMarkdown()).append('\n');
        md.append("Machine: ").append(Results.machine()).append(String.format(Locale.ROOT, "; wall time %.1f s%n%n",
            seconds));
        md.append("## Results (microseconds per step)\n\n").append(table).append('\n');
        md.append("Timings on a shared machine are still noisy (caches and memory bandwidth are shared); small n are dominated by fixed overheads, so the slopes "
            + "are fitted from n >= ").append(fitFrom).append(" only.\n\n");
        md.append("![time vs n](cost.png)\n\n![OK time vs r](cost_rank.png)\n\n");
        md.append("Data: `cost.csv` (columns method, rank, n, us_per_step, steps_timed).\n");
        Results.writeString(out.resolve("cost.md"), md.toString());
    }

    static double timePerStep(String cellName, int n, int inputs, MethodSpec spec, double minSeconds, long seed,
                              long[] stepsTimed) {
        Cell cell = spec.method == Method.LRU ? new LruCell(n, inputs)
            : cellName.equalsIgnoreCase("gated") ? new GatedCell(n, inputs) : new TanhCell(n, inputs);
        CellStep step = cell.newStep();
        GradientEstimator est = GradientEstimators.create(spec.method, cell, spec.rank, spec.truncation);
        Rng rng = new Rng(seed);
        double[] w = new double[cell.parameterCount()];
        cell.initWeights(w, rng, 1.0 / Math.sqrt(cell.presynapticSize()));
        double[] h = new double[cell.hiddenSize()];
        double[] x = new double[inputs];
        double[] dLdh = new double[cell.hiddenSize()];
        double[] grad = new double[w.length];
        // Warm up (JIT), then time batches until minSeconds have passed.
        long warm = System.nanoTime();
        long count = 0;
        while (System.nanoTime() - warm < Math.max(0.2, 0.5 * minSeconds) * 1e9 || count < 20) {
            oneStep(cell, step, est, rng, w, h, x, dLdh, grad);
            count++;
        }
        // CPU time of this thread, not wall time: the machine may be shared, and a descheduled thread would
        // otherwise be charged for other processes' work.
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        long t0 = bean.getCurrentThreadCpuTime();
        long timed = 0;
        long elapsed;
        do {
            for (int i = 0; i < 10; i++) {
                oneStep(cell, step, est, rng, w, h, x, dLdh, grad);
            }
            timed += 10;
            elapsed = bean.getCurrentThreadCpuTime() - t0;
        } while (elapsed < minSeconds * 1e9);
        stepsTimed[0] = timed;
        return elapsed * 1e-3 / timed;
    }

    private static void oneStep(Cell cell, CellStep step, GradientEstimator est, Rng rng, double[] w, double[] h,
                                double[] x, double[] dLdh, double[] grad) {
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        cell.forward(w, h, x, step);
        est.step(w, step, rng);
        System.arraycopy(step.hNext, 0, h, 0, h.length);
        for (int j = 0; j < dLdh.length; j++) {
            dLdh[j] = h[j];
        }
        est.gradient(dLdh, grad);
    }

    private static double[] unbox(List<Double> l) {
        double[] d = new double[l.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = l.get(i);
        }
        return d;
    }
}
