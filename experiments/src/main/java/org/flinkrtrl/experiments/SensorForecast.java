package org.flinkrtrl.experiments;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;

/**
 * One-step-ahead forecasting of the bundled wireless-sensor data (humidity and temperature per mote) with one
 * {@link ForecastingLearner} per mote, as the sensor job runs it, for several methods and sizes in one run. Reports
 * per method: MAE per channel in raw units against persistence (the key's last value), the pooled ROC AUC of the
 * anomaly score against the labels, thread CPU time per event (best of {@code --repeats} timed passes after 2 s of
 * warm-up) and the checkpoint bytes per key.
 *
 * <p>Methods are MethodSpec tokens with an optional hidden size, e.g. {@code ok4@32,lru@16}: n hidden units for the
 * dense cells, N complex units (and N MLP features) for lru; {@code none} is the forecaster without its recurrent
 * network (linear path, detector and interval only: the part of the per-event cost that is not the network's). Each
 * method sees every mote's readings in file order.
 */
public final class SensorForecast {
    private SensorForecast() {}

    public static void main(String[] argv) throws IOException {
        Args a = new Args(argv);
        Path csv = Paths.get(a.str("data", "../shared/data/sensors/suthaharan-single-hop.csv"));
        List<String> tokens = a.list("methods", "ok4@16,ok4@32,lru@16,lru@32");
        String cell = a.str("cell", "tanh");
        double lr = a.dbl("lr", 1e-3);
        long seed = a.lng("seed", 42);
        double readoutClip = a.dbl("readout-clip", 0.0);
        double huber = a.dbl("huber", 0.0);
        int repeats = a.integer("repeats", 3);
        double rMin = a.dbl("lru-r-min", LRU_R_MIN.defaultValue());
        double rMax = a.dbl("lru-r-max", LRU_R_MAX.defaultValue());
        double maxPhase = a.dbl("lru-max-phase", LRU_MAX_PHASE.defaultValue());
        a.checkAllUsed();

        Map<Integer, List<double[]>> motes = new LinkedHashMap<>(); // mote -> rows {humidity, temperature, label}
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            motes.computeIfAbsent(Integer.parseInt(f[1]), k -> new ArrayList<>())
                .add(new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5])});
        }
        System.out.printf(Locale.ROOT, "# %s: %d motes, %d readings; cell %s, lr %s, seed %d, repeats %d%n", csv,
            motes.size(), lines.size() - 1, cell, lr, seed, repeats);
        System.out.println("| method | size | MAE humidity | MAE temperature | mean MAE | vs persistence | AUC "
            + "| CPU us/event | state B/key | divergences |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        double[] persist = persistenceMae(motes);
        for (String token : tokens) {
            String[] parts = token.split("@");
            boolean none = parts[0].equals("none");
            MethodSpec spec = MethodSpec.parse(none ? "lru" : parts[0], 16);
            int hidden = parts.length > 1 ? Integer.parseInt(parts[1]) : 16;
            ModelConfig cfg = ModelConfig.builder()
                .set(CELL, ModelConfig.CellType.valueOf(cell.toUpperCase(Locale.ROOT)))
                .set(HIDDEN, hidden).set(INPUTS, 2).set(OUTPUTS, 2).set(METHOD, spec.method).set(RANK, spec.rank)
                .set(TRUNCATION, spec.truncation).set(LEARNING_RATE, lr).set(READOUT_CLIP_NORM, readoutClip)
                .set(HUBER_DELTA, huber).set(SEED, seed).set(LRU_R_MIN, rMin).set(LRU_R_MAX, rMax)
                .set(LRU_MAX_PHASE, maxPhase).set(LRU_READOUT_WIDTH, spec.lruReadoutWidth).set(RECURRENT_PATH, !none)
                .build();
            Result r = run(cfg, motes);
            // warm-up of at least 2 s CPU (the JIT, and C2's intrinsics for the Vector API kernels), then the best
            // of the timed repeats
            ThreadMXBean bean = ManagementFactory.getThreadMXBean();
            long w0 = bean.getCurrentThreadCpuTime();
            while (bean.getCurrentThreadCpuTime() - w0 < 2_000_000_000L) {
                cpuPerEvent(cfg, motes);
            }
            double cpuUs = Double.POSITIVE_INFINITY;
            for (int rep = 0; rep < repeats; rep++) {
                cpuUs = Math.min(cpuUs, cpuPerEvent(cfg, motes));
            }
            double mean = 0.5 * (r.mae[0] + r.mae[1]);
            double meanP = 0.5 * (persist[0] + persist[1]);
            System.out.printf(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.5f | %+.1f %% | %.4f | %.2f | %,d | %d |%n",
                none ? "no network" : spec.label, hidden, r.mae[0], r.mae[1], mean, 100 * (mean / meanP - 1), r.auc, cpuUs,
                r.stateBytes, r.divergences);
        }
        System.out.printf(Locale.ROOT, "| persistence | - | %.4f | %.4f | %.5f | | | | | |%n", persist[0], persist[1],
            0.5 * (persist[0] + persist[1]));
    }

    static final class Result {
        final double[] mae = new double[2];
        double auc;
        long stateBytes;
        long divergences;
    }

    static Result run(ModelConfig cfg, Map<Integer, List<double[]>> motes) {
        Result res = new Result();
        List<double[]> scored = new ArrayList<>(); // {score, label}
        double[] sum = new double[2];
        long count = 0;
        double[] x = new double[2];
        for (Map.Entry<Integer, List<double[]>> e : motes.entrySet()) {
            ForecastingLearner l = new ForecastingLearner(cfg, cfg.seed() ^ (0x9E3779B97F4A7C15L * e.getKey()));
            for (double[] row : e.getValue()) {
                x[0] = row[0];
                x[1] = row[1];
                ForecastingLearner.Result r = l.observe(x);
                if (r.scored) {
                    for (int i = 0; i < 2; i++) {
                        sum[i] += Math.abs(r.previousForecast[i] - x[i]);
                    }
                    count++;
                    scored.add(new double[] {r.anomalyScore, row[2]});
                }
            }
            res.stateBytes = Math.max(res.stateBytes, LearnerCodec.toBytes(l).length);
            res.divergences += l.divergences();
        }
        res.mae[0] = sum[0] / count;
        res.mae[1] = sum[1] / count;
        res.auc = auc(scored);
        return res;
    }

    /**
     * Thread CPU microseconds per event of the forecasters alone (a fresh learner per mote, no bookkeeping), the
     * clock read once per mote: reading it per event would add about as much as a small model costs.
     */
    static double cpuPerEvent(ModelConfig cfg, Map<Integer, List<double[]>> motes) {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        long cpu = 0;
        long events = 0;
        double sink = 0;
        for (Map.Entry<Integer, List<double[]>> e : motes.entrySet()) {
            ForecastingLearner l = new ForecastingLearner(cfg, cfg.seed() ^ (0x9E3779B97F4A7C15L * e.getKey()));
            List<double[]> rows = e.getValue();
            double[][] xs = new double[rows.size()][];
            for (int t = 0; t < xs.length; t++) {
                xs[t] = new double[] {rows.get(t)[0], rows.get(t)[1]};
            }
            long c0 = bean.getCurrentThreadCpuTime();
            for (double[] x : xs) {
                sink += l.observe(x).forecast[0];
            }
            cpu += bean.getCurrentThreadCpuTime() - c0;
            events += xs.length;
        }
        if (Double.isNaN(sink)) {
            System.out.println("# note: NaN forecast in the timing run");
        }
        return cpu * 1e-3 / events;
    }

    static double[] persistenceMae(Map<Integer, List<double[]>> motes) {
        double[] sum = new double[2];
        long count = 0;
        for (List<double[]> rows : motes.values()) {
            for (int t = 1; t < rows.size(); t++) {
                for (int i = 0; i < 2; i++) {
                    sum[i] += Math.abs(rows.get(t)[i] - rows.get(t - 1)[i]);
                }
                count++;
            }
        }
        return new double[] {sum[0] / count, sum[1] / count};
    }

    /** ROC AUC of score against label (1 = anomalous), ties counted half (Mann-Whitney). */
    static double auc(List<double[]> scored) {
        double[][] s = scored.toArray(new double[0][]);
        Arrays.sort(s, (p, q) -> Double.compare(p[0], q[0]));
        double rankSum = 0;
        long pos = 0;
        int i = 0;
        while (i < s.length) {
            int j = i;
            while (j < s.length && s[j][0] == s[i][0]) {
                j++;
            }
            double rank = 0.5 * (i + 1 + j); // mean of ranks i+1 .. j
            for (int k = i; k < j; k++) {
                if (s[k][1] > 0.5) {
                    rankSum += rank;
                    pos++;
                }
            }
            i = j;
        }
        long neg = s.length - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
