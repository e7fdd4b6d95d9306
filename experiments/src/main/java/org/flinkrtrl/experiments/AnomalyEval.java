package org.flinkrtrl.experiments;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flinkrtrl.core.anomaly.AnomalySettings;
import org.flinkrtrl.core.anomaly.Tails;
import org.flinkrtrl.core.learner.ForecasterOptions;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.jobs.eval.NabCorpus;
import org.flinkrtrl.jobs.eval.NabScorer;
import org.flinkrtrl.jobs.eval.Ranking;

/**
 * Flink-free anomaly evaluation: runs the job's per-key forecaster (default model and anomaly settings, a key's seed
 * derived from the job seed and the key as the job does) over the NAB dev files and the single-hop sensors, and
 * prints the NAB scores (Java scorer, three profiles) and the sensors' per-reading ROC/PR AUC, each beside a
 * causal baseline computed in the same run: the per-key cumulative z-score of the raw values (max over channels of
 * |x - mean| / sd over the key's earlier values), mapped to [0, 1] by the same tail map.
 *
 * <pre>
 * java -cp experiments/target/classes:... org.flinkrtrl.experiments.AnomalyEval [--nab DIR] [--sensors CSV]
 *     [--out predictions.jsonl] [--dump forecasts.csv] [--warm-up N] [--short N] [--long N] [--scale-window N]
 *     [--refractory N] [--alarm-digits L] [--level-window N] [--level-cap S] [--protect-digits L] [--protect-run N]
 *     [--protect-max N] [--protection W] [--half-digits H]
 *     [--chart-window N] [--chart-horizon N] [--chart-weight W] [--files true] [--models default,lru@8,ok4@32]
 *     [--readout-clip C]
 * </pre>
 * {@code --models}: the forecasters to score side by side, each a {@link MethodSpec} token with an optional hidden
 * size ({@code lru@8}, {@code ok4@32}) or {@code default} (the job's default model, the only one when the option is
 * absent); {@code --readout-clip} sets the readout clipping norm of the non-default models (0 = off).
 */
public final class AnomalyEval {
    private AnomalyEval() {}

    public static void main(String[] argv) throws IOException {
        Args a = new Args(argv);
        AnomalySettings def = AnomalySettings.DEFAULTS;
        AnomalySettings s = new AnomalySettings(a.integer("warm-up", def.warmUp()), a.integer("short", def.shortWindow()),
            a.integer("long", def.longWindow()), a.integer("scale-window", def.scaleWindow()),
            a.integer("refractory", def.refractory()), a.dbl("alarm-digits", def.alarmDigits()),
            a.integer("level-window", def.levelWindow()), a.dbl("level-cap", def.levelCap()),
            a.dbl("protect-digits", def.protectDigits()), a.integer("protect-run", def.protectRun()),
            a.integer("protect-max", def.protectMax()), a.dbl("protection", def.protectionWeight()),
            a.dbl("half-digits", def.halfDigits()), a.integer("chart-window", def.chartWindow()),
            a.integer("chart-horizon", def.chartHorizon()), a.dbl("chart-weight", def.chartWeight()));
        System.out.println("anomaly settings: " + s);
        String dumpFile = a.str("dump", null);
        if (dumpFile != null) {
            dump = new PrintWriter(Files.newBufferedWriter(Paths.get(dumpFile), StandardCharsets.UTF_8));
        }
        double readoutClip = a.dbl("readout-clip", 0.0);
        List<Model> models = new ArrayList<>();
        for (String token : a.list("models", "default")) {
            models.add(Model.parse(token, readoutClip));
        }
        nab(Paths.get(a.str("nab", "../shared/data/nab-dev")), s, a.str("out", null), Boolean.parseBoolean(a.str("files", "false")), models);
        sensors(Paths.get(a.str("sensors", "../shared/data/sensors/suthaharan-single-hop.csv")), s, models);
        if (dump != null) {
            dump.close();
        }
    }

    /** One forecaster of the comparison: its label and its configuration for d channels. */
    record Model(String label, java.util.function.IntFunction<ModelConfig> config) {
        static Model parse(String token, double readoutClip) {
            if (token.trim().equals("default")) {
                return new Model("default model", d -> ModelConfig.builder().set(INPUTS, d).build());
            }
            String[] parts = token.trim().split("@");
            MethodSpec spec = MethodSpec.parse(parts[0], 16);
            int hidden = parts.length > 1 ? Integer.parseInt(parts[1]) : 16;
            return new Model(spec.label + " n=" + hidden + (readoutClip > 0 ? " clip " + readoutClip : ""),
                d -> ModelConfig.builder().set(INPUTS, d).set(HIDDEN, hidden).set(METHOD, spec.method)
                    .set(RANK, spec.rank).set(TRUNCATION, spec.truncation).set(LRU_READOUT_WIDTH, spec.lruReadoutWidth)
                    .set(READOUT_CLIP_NORM, readoutClip).build());
        }
    }

    static long keySeed(long jobSeed, String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            h ^= (c & 0xff);
            h *= 0x100000001b3L;
            h ^= (c >>> 8);
            h *= 0x100000001b3L;
        }
        return Rng.forStream(jobSeed, h).nextLong();
    }

    /** Runs one key's stream; returns {score, baseline} per event. */
    /** Per-event forecasts for offline study of score variants (null: not written). */
    static PrintWriter dump;

    static double[][] run(String key, long[] times, double[][] values, AnomalySettings s, Model model) {
        int d = values[0].length;
        ModelConfig cfg = model.config().apply(d);
        ForecastingLearner f = new ForecastingLearner(cfg, ForecasterOptions.DEFAULTS, keySeed(cfg.seed(), key), s);
        double[][] out = new double[2][values.length];
        double[] mean = new double[d];
        double[] m2 = new double[d];
        for (int t = 0; t < values.length; t++) {
            ForecastingLearner.Result r = times != null ? f.observe(times[t], values[t]) : f.observe(values[t]);
            out[0][t] = r.anomalyScore;
            if (dump != null) {
                StringBuilder sb = new StringBuilder(key).append(',').append(t).append(',').append(r.anomalyScore);
                for (int c = 0; c < d; c++) {
                    sb.append(',').append(values[t][c]).append(',').append(r.previousLocation[c]).append(',')
                        .append(r.previousScale[c]);
                }
                dump.println(sb);
            }
            double z = 0.0;
            for (int c = 0; c < d; c++) {
                double x = values[t][c];
                if (t > 1) {
                    double sd = Math.sqrt(m2[c] / t);
                    z = Math.max(z, Math.abs(x - mean[c]) / Math.max(sd, 1e-9 * (Math.abs(mean[c]) + Math.abs(x)) + 1e-300));
                }
                double dm = x - mean[c];
                mean[c] += dm / (t + 1);
                m2[c] += dm * (x - mean[c]);
            }
            out[1][t] = Tails.score(Tails.logTwoSided(z), s.halfDigits());
        }
        return out;
    }

    static void nab(Path dir, AnomalySettings s, String outFile, boolean perFile, List<Model> models)
            throws IOException {
        NabCorpus corpus = NabCorpus.read(dir);
        Map<String, double[]> ours = null;
        Map<String, double[]> base = new LinkedHashMap<>();
        for (Model model : models) {
            long t0 = System.nanoTime();
            ours = new LinkedHashMap<>();
            for (NabCorpus.File file : corpus.files()) {
                double[][] v = new double[file.values().length][1];
                for (int i = 0; i < v.length; i++) {
                    v[i][0] = file.values()[i];
                }
                double[][] r = run(file.key(), file.timestamps(), v, s, model);
                ours.put(file.key(), r[0]);
                base.put(file.key(), r[1]);
            }
            System.out.printf(Locale.ROOT, "NAB dev (%s, %d files), %s (%.1f s)%n", dir, corpus.files().size(),
                model.label(), (System.nanoTime() - t0) / 1e9);
            report("forecaster anomaly score", NabScorer.scoreAll(corpus.withScores(ours)), perFile);
        }
        report("baseline: cumulative z-score", NabScorer.scoreAll(corpus.withScores(base)), false);
        if (perFile) {
            for (NabCorpus.File file : corpus.files()) {
                double[] x = ours.get(file.key());
                long[] ts = file.timestamps();
                int prob = (int) Math.min(Math.floor(0.15 * ts.length), 750);
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "    %-50s", file.key()));
                double outMax = 0;
                int outAt = -1;
                for (int i = prob; i < x.length; i++) {
                    boolean in = false;
                    for (long[] w : file.windows()) {
                        in |= ts[i] >= w[0] && ts[i] <= w[1];
                    }
                    if (!in && x[i] > outMax) {
                        outMax = x[i];
                        outAt = i;
                    }
                }
                sb.append(String.format(Locale.ROOT, " out max %.4f@%d", outMax, outAt));
                for (long[] w : file.windows()) {
                    double m = 0;
                    int at = -1;
                    int lo = -1, hi = -1;
                    for (int i = 0; i < x.length; i++) {
                        if (ts[i] >= w[0] && ts[i] <= w[1]) {
                            if (lo < 0) lo = i;
                            hi = i;
                            if (x[i] > m) { m = x[i]; at = i; }
                        }
                    }
                    sb.append(String.format(Locale.ROOT, " | win %d-%d max %.4f@%d", lo, hi, m, at));
                }
                System.out.println(sb);
            }
        }
        if (outFile != null) {
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Paths.get(outFile), StandardCharsets.UTF_8))) {
                for (NabCorpus.File file : corpus.files()) {
                    double[] x = ours.get(file.key());
                    for (int i = 0; i < x.length; i++) {
                        w.println("{\"key\":\"" + file.key() + "\",\"ts\":" + file.timestamps()[i] + ",\"anomalyScore\":" + x[i] + "}");
                    }
                }
            }
            System.out.println("predictions written to " + outFile);
        }
    }

    static void report(String name, Map<NabScorer.Profile, NabScorer.Result> res, boolean perFile) {
        StringBuilder sb = new StringBuilder("  " + name + ":");
        for (NabScorer.Result r : res.values()) {
            sb.append(String.format(Locale.ROOT, " %s %.2f (t=%.6g TP %d FP %d)", r.profile().nabName, r.normalised(),
                r.threshold(), r.tp(), r.fp()));
        }
        System.out.println(sb);
        if (perFile) {
            for (NabScorer.FileScore f : res.get(NabScorer.Profile.STANDARD).files()) {
                System.out.printf(Locale.ROOT, "    %-58s %8.3f TP %4d FP %4d%n", f.name(), f.score(), f.tp(), f.fp());
            }
        }
    }

    static void sensors(Path csv, AnomalySettings s, List<Model> models) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> header = List.of(lines.get(0).split(","));
        int key = header.indexOf("mote_id");
        int hum = header.indexOf("humidity");
        int tem = header.indexOf("temperature");
        int lab = header.indexOf("label");
        Map<String, List<double[]>> byKey = new LinkedHashMap<>();
        Map<String, List<Boolean>> labels = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            byKey.computeIfAbsent(f[key], k -> new ArrayList<>()).add(
                new double[] {Double.parseDouble(f[hum]), Double.parseDouble(f[tem])});
            labels.computeIfAbsent(f[key], k -> new ArrayList<>()).add(!f[lab].trim().equals("0"));
        }
        int n = lines.size() - 1;
        for (Model model : models) {
            double[] ours = new double[n];
            double[] base = new double[n];
            boolean[] pos = new boolean[n];
            int k = 0;
            for (Map.Entry<String, List<double[]>> e : byKey.entrySet()) {
                double[][] r = run(e.getKey(), null, e.getValue().toArray(new double[0][]), s, model);
                List<Boolean> l = labels.get(e.getKey());
                for (int i = 0; i < r[0].length; i++, k++) {
                    ours[k] = r[0][i];
                    base[k] = r[1][i];
                    pos[k] = l.get(i);
                }
            }
            System.out.printf(Locale.ROOT, "sensors (%s, %d readings, %d keys), %s: ROC AUC %.4f PR AUC %.4f; baseline cumulative z-score ROC AUC %.4f PR AUC %.4f%n",
                csv, n, byKey.size(), model.label(), Ranking.rocAuc(ours, pos), Ranking.averagePrecision(ours, pos),
                Ranking.rocAuc(base, pos), Ranking.averagePrecision(base, pos));
        }
    }
}
