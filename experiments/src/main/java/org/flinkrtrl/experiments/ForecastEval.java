package org.flinkrtrl.experiments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flinkrtrl.core.eval.Baseline;
import org.flinkrtrl.core.eval.ErrorStats;
import org.flinkrtrl.core.eval.IntervalCoverage;
import org.flinkrtrl.core.eval.OnlineSeasonalAr;
import org.flinkrtrl.core.eval.SeasonalPersistence;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ForecasterOptions;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSettings;

/**
 * Flink-free forecast evaluation: feeds a CSV file key by key, in file order, through {@link ForecastingLearner}
 * variants and the baselines a user would pick instead, and prints one-step MAE / RMSE side by side per key and
 * channel, the interval coverage, the CPU time per event and the state bytes per key.
 *
 * <pre>
 * java -cp experiments/target/classes:core/target/classes org.flinkrtrl.experiments.ForecastEval \
 *   --file /work/shared/data/nab-dev/realKnownCause/nyc_taxi.csv --time timestamp --values value
 * java -cp ... ForecastEval --file /work/shared/data/sensors/suthaharan-single-hop.csv --key mote_id \
 *   --index reading --step-ms 5000 --values humidity,temperature --skip-days 0 --skip-events 500
 * </pre>
 *
 * Options: {@code --key} field (else one key), {@code --time} field (ISO-8601 or "yyyy-MM-dd HH:mm:ss", UTC) or
 * {@code --index} field with {@code --step-ms}, {@code --values} comma list, {@code --skip-days} (default 7: score
 * from each key's second week on) and {@code --skip-events} (default 0): an event is scored when both are past;
 * {@code --variants} comma list of full, linear (no network), rnn (no linear path), each optionally
 * +noctx (no seasonal lags or calendar features) (default full,linear,rnn); {@code --hidden}, {@code --lr}, {@code --seed}; {@code --forgetting}; {@code --scale}
 * (multiply every value, to check unit invariance); {@code --passes N} (run everything N times in one JVM and
 * report the last: CPU times after JIT warm-up); {@code --methods} comma list of {@link MethodSpec} tokens with an
 * optional hidden size ({@code ok4@16,lru@8}; default r-OK r=4 at {@code --hidden}), each run with every variant;
 * {@code --readout-clip} (readout clipping norm, default 0 = off). {@code --file} may be a directory: every CSV
 * below it is one key (e.g. the nab-dev series), and the run ends with each model's and baseline's geometric mean
 * over the keys of MAE / persistence MAE (mean over channels).
 */
public final class ForecastEval {
    private ForecastEval() {}

    record Row(long time, double[] values) {}

    public static void main(String[] argv) throws IOException {
        Args a = new Args(argv);
        Path file = Path.of(a.str("file", "/work/shared/data/nab-dev/realKnownCause/nyc_taxi.csv"));
        String keyField = a.str("key", "");
        String timeField = a.str("time", "timestamp");
        String indexField = a.str("index", "");
        long stepMs = Long.parseLong(a.str("step-ms", "1000"));
        String[] valueFields = a.str("values", "value").split(",");
        double skipDays = Double.parseDouble(a.str("skip-days", "7"));
        long skipEvents = Long.parseLong(a.str("skip-events", "0"));
        String[] variants = a.str("variants", "full,linear,rnn").split(",");
        int hidden = a.integer("hidden", 16);
        double lr = Double.parseDouble(a.str("lr", "1e-3"));
        long seed = Long.parseLong(a.str("seed", "42"));
        double forgetting = Double.parseDouble(a.str("forgetting", "0.999"));
        double scaleBy = Double.parseDouble(a.str("scale", "1"));
        int passes = a.integer("passes", 1);
        List<String> methodTokens = a.list("methods", "ok4@" + hidden);
        double readoutClip = a.dbl("readout-clip", 0.0);

        Map<String, List<Row>> series = new LinkedHashMap<>();
        if (Files.isDirectory(file)) {
            List<Path> csvs;
            try (var walk = Files.walk(file)) {
                csvs = walk.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
            }
            for (Path f : csvs) {
                for (Map.Entry<String, List<Row>> e : read(f, keyField, timeField, indexField, stepMs, valueFields,
                        scaleBy).entrySet()) {
                    series.put(file.relativize(f) + (e.getKey().isEmpty() ? "" : "/" + e.getKey()), e.getValue());
                }
            }
        } else {
            series = read(file, keyField, timeField, indexField, stepMs, valueFields, scaleBy);
        }
        int d = valueFields.length;
        List<ModelConfig> cfgs = new ArrayList<>();
        List<String> cfgNames = new ArrayList<>();
        for (String token : methodTokens) {
            String[] parts = token.trim().split("@");
            MethodSpec spec = MethodSpec.parse(parts[0], 16);
            int h = parts.length > 1 ? Integer.parseInt(parts[1]) : hidden;
            cfgs.add(ModelConfig.builder().set(ModelSettings.INPUTS, d).set(ModelSettings.OUTPUTS, d)
                .set(ModelSettings.HIDDEN, h).set(ModelSettings.METHOD, spec.method).set(ModelSettings.RANK, spec.rank)
                .set(ModelSettings.LRU_READOUT_WIDTH, spec.lruReadoutWidth)
                .set(ModelSettings.TRUNCATION, spec.truncation).set(ModelSettings.READOUT_CLIP_NORM, readoutClip)
                .set(ModelSettings.LEARNING_RATE, lr).set(ModelSettings.SEED, seed).build());
            cfgNames.add(methodTokens.size() == 1 ? "model" : spec.key() + "@" + h);
        }
        System.out.printf(Locale.ROOT, "file %s, %d key(s), channels %s, %s, scored from day %.1f and event %d%n",
            file, series.size(), String.join(",", valueFields), cfgs, skipDays, skipEvents);
        Map<String, double[]> logRatio = new LinkedHashMap<>(); // name -> {sum of log(MAE / persistence MAE), keys}

        Map<String, ErrorStats[]> totals = new LinkedHashMap<>();
        Map<String, IntervalCoverage[]> totalCoverage = new LinkedHashMap<>();
        for (int pass = 1; pass <= passes; pass++) {
          boolean report = pass == passes;
          for (Map.Entry<String, List<Row>> e : series.entrySet()) {
            List<Row> rows = e.getValue();
            long cadence = cadence(rows);
            int perDay = (int) Math.max(1, Math.round(86_400_000.0 / cadence));
            List<String> names = new ArrayList<>();
            List<ForecastingLearner> learners = new ArrayList<>();
            for (int mi = 0; mi < cfgs.size(); mi++) {
            ModelConfig cfg = cfgs.get(mi);
            for (String v : variants) {
                ForecasterOptions o = ForecasterOptions.DEFAULTS;
                for (String part : v.split("\\+")) {
                    o = switch (part) {
                        case "full" -> o;
                        case "linear" -> o.withRecurrent(false);
                        case "rnn" -> o.withLinear(false);
                        case "noctx" -> o.withContext(false);
                        default -> throw new IllegalArgumentException("unknown variant " + part);
                    };
                }
                learners.add(new ForecastingLearner(cfg, o.withForgetting(forgetting), seed));
                names.add(cfgNames.get(mi) + " " + v);
            }
            }
            List<Baseline> baselines = new ArrayList<>();
            baselines.add(SeasonalPersistence.persistence(d));
            long span = rows.get(rows.size() - 1).time() - rows.get(0).time();
            if (span > 86_400_000L) {
                baselines.add(new SeasonalPersistence("seasonal 1 day", perDay, d));
            }
            if (span > 7 * 86_400_000L) {
                baselines.add(new SeasonalPersistence("seasonal 1 week", 7 * perDay, d));
                baselines.add(OnlineSeasonalAr.dailyWeekly(perDay, 0.999, d));
            } else {
                baselines.add(new OnlineSeasonalAr(new int[] {1, 2, 3}, 0.999, d));
            }
            for (Baseline b : baselines) {
                names.add(b.name());
            }
            int k = names.size();
            ErrorStats[][] err = new ErrorStats[k][d];
            IntervalCoverage[][] cov = new IntervalCoverage[learners.size()][d];
            for (int i = 0; i < k; i++) {
                for (int c = 0; c < d; c++) {
                    err[i][c] = new ErrorStats();
                    if (i < learners.size()) {
                        cov[i][c] = new IntervalCoverage();
                    }
                }
            }
            long[] nanos = new long[learners.size()];
            double[][] pending = new double[k][d];
            for (double[] p : pending) {
                Arrays.fill(p, Double.NaN);
            }
            long start = rows.get(0).time();
            long n = 0;
            for (Row row : rows) {
                boolean scored = n >= skipEvents && row.time() - start >= skipDays * 86_400_000L;
                n++;
                for (int i = 0; i < learners.size(); i++) {
                    long t0 = System.nanoTime();
                    ForecastingLearner.Result r = learners.get(i).observe(row.time(), row.values());
                    nanos[i] += System.nanoTime() - t0;
                    if (scored) {
                        for (int c = 0; c < d; c++) {
                            err[i][c].add(r.previousForecast[c], row.values()[c]);
                            cov[i][c].add(r.previousLower[c], r.previousUpper[c], row.values()[c]);
                        }
                    }
                }
                for (int j = 0; j < baselines.size(); j++) {
                    int i = learners.size() + j;
                    if (scored) {
                        for (int c = 0; c < d; c++) {
                            err[i][c].add(pending[i][c], row.values()[c]);
                        }
                    }
                    baselines.get(j).observe(row.values());
                    System.arraycopy(baselines.get(j).forecast(), 0, pending[i], 0, d);
                }
            }
            if (!report) {
                continue;
            }
            System.out.printf(Locale.ROOT, "%nkey %s: %d events, cadence %d ms (%d a day), scored %d%n", e.getKey(),
                rows.size(), cadence, perDay, err[0][0].count());
            for (int i = 0; i < learners.size(); i++) {
                ForecastingLearner l = learners.get(i);
                System.out.printf(Locale.ROOT, "  %-16s %.2f us/event, state %d bytes, seasonal lags %s, divergences %d%n",
                    names.get(i), nanos[i] / 1e3 / rows.size(), LearnerCodec.toBytes(l).length,
                    Arrays.toString(l.seasonalLags()), l.divergences());
            }
            printTable(names, err, cov, valueFields, learners.size());
            int pers = learners.size(); // the first baseline: persistence
            for (int i = 0; i < k; i++) {
                double ratio = 0.0;
                for (int c = 0; c < d; c++) {
                    ratio += err[i][c].mae() / err[pers][c].mae() / d;
                }
                if (Double.isFinite(ratio) && ratio > 0) {
                    double[] acc = logRatio.computeIfAbsent(names.get(i), x -> new double[2]);
                    acc[0] += Math.log(ratio);
                    acc[1]++;
                }
            }
            for (int i = 0; i < k; i++) {
                ErrorStats[] t = totals.computeIfAbsent(names.get(i), x -> newStats(d));
                for (int c = 0; c < d; c++) {
                    t[c].merge(err[i][c]);
                }
                if (i < learners.size()) {
                    IntervalCoverage[] tc = totalCoverage.computeIfAbsent(names.get(i), x -> newCoverage(d));
                    for (int c = 0; c < d; c++) {
                        tc[c].merge(cov[i][c]);
                    }
                }
            }
          }
        }
        if (series.size() > 1) {
            System.out.printf(Locale.ROOT, "%nall keys%n");
            List<String> names = new ArrayList<>(totals.keySet());
            ErrorStats[][] err = new ErrorStats[names.size()][];
            IntervalCoverage[][] cov = new IntervalCoverage[totalCoverage.size()][];
            for (int i = 0; i < names.size(); i++) {
                err[i] = totals.get(names.get(i));
                if (i < cov.length) {
                    cov[i] = totalCoverage.get(names.get(i));
                }
            }
            printTable(names, err, cov, valueFields, cov.length);
            System.out.printf(Locale.ROOT, "%ngeometric mean over keys of MAE / persistence MAE (keys where both are > 0)%n");
            for (Map.Entry<String, double[]> e : logRatio.entrySet()) {
                System.out.printf(Locale.ROOT, "  %-24s %.4f (%d keys)%n", e.getKey(), Math.exp(e.getValue()[0] / e.getValue()[1]),
                    (int) e.getValue()[1]);
            }
        }
    }

    private static ErrorStats[] newStats(int d) {
        ErrorStats[] s = new ErrorStats[d];
        for (int c = 0; c < d; c++) {
            s[c] = new ErrorStats();
        }
        return s;
    }

    private static IntervalCoverage[] newCoverage(int d) {
        IntervalCoverage[] s = new IntervalCoverage[d];
        for (int c = 0; c < d; c++) {
            s[c] = new IntervalCoverage();
        }
        return s;
    }

    private static void printTable(List<String> names, ErrorStats[][] err, IntervalCoverage[][] cov,
                                   String[] channels, int models) {
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "  %-16s", ""));
        for (String ch : channels) {
            h.append(String.format(Locale.ROOT, " | %12s %10s %10s %8s", ch + " MAE", "RMSE", "MAE/pers", "cover"));
        }
        System.out.println(h);
        int pers = names.indexOf("persistence");
        for (int i = 0; i < names.size(); i++) {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "  %-16s", names.get(i)));
            for (int c = 0; c < channels.length; c++) {
                String cv = i < models ? String.format(Locale.ROOT, "%7.2f%%", 100 * cov[i][c].coverage()) : "";
                s.append(String.format(Locale.ROOT, " | %12.4f %10.4f %10.3f %8s", err[i][c].mae(), err[i][c].rmse(),
                    err[i][c].mae() / err[pers][c].mae(), cv));
            }
            System.out.println(s);
        }
    }

    /** Median of the first gaps between a key's events (ms), as the learner estimates it. */
    static long cadence(List<Row> rows) {
        long[] g = new long[Math.min(9, rows.size() - 1)];
        for (int i = 0; i < g.length; i++) {
            g[i] = rows.get(i + 1).time() - rows.get(i).time();
        }
        Arrays.sort(g);
        return g.length == 0 ? 1000 : Math.max(1, g[g.length / 2]);
    }

    static Map<String, List<Row>> read(Path file, String keyField, String timeField, String indexField, long stepMs,
                                       String[] valueFields, double scaleBy) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int key = keyField.isEmpty() ? -1 : col(header, keyField);
        int time = indexField.isEmpty() ? col(header, timeField) : -1;
        int index = indexField.isEmpty() ? -1 : col(header, indexField);
        int[] vals = new int[valueFields.length];
        for (int i = 0; i < vals.length; i++) {
            vals[i] = col(header, valueFields[i]);
        }
        Map<String, List<Row>> out = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            double[] v = new double[vals.length];
            for (int i = 0; i < vals.length; i++) {
                v[i] = Double.parseDouble(f[vals[i]]) * scaleBy;
            }
            long t = index >= 0 ? (Long.parseLong(f[index]) - 1) * stepMs : parseTime(f[time]);
            out.computeIfAbsent(key < 0 ? "series" : f[key], x -> new ArrayList<>()).add(new Row(t, v));
        }
        return out;
    }

    private static int col(List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no column '" + name + "' in " + header);
        }
        return i;
    }

    static long parseTime(String s) {
        String t = s.trim().replace(' ', 'T');
        if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        }
        return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
