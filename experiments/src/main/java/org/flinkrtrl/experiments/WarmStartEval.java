package org.flinkrtrl.experiments;

import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.OUTPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.SEED;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.WarmStartTemplate;
import org.flinkrtrl.flink.KeySeeds;
import org.flinkrtrl.jobs.SensorForecastJob;

/**
 * How many events a new key's forecaster needs before its error settles, started cold (its random initialisation
 * and the persistence prior of the linear path) or warm (from a template of the other keys' trained models,
 * {@link ForecastingLearner#warmStart}), on the bundled wireless-sensor data (4 motes, humidity and temperature).
 *
 * Also on the nab-dev series of the same daily shape ({@code art_daily*}, one channel).
 *
 * <p>Leave one key out: for each key, the other keys' forecasters are trained on their whole series (the job's
 * default model configuration, per-key seeds as in the job); the held-out key is then run from its first event
 * cold, warm from the parameter average of the others' models, warm with the others' linear covariance too, and
 * warm from one other key's model (each in turn, figures averaged over them).
 * Error over a stretch of events: the sum of the absolute one-step errors (all channels) divided by persistence's
 * (the key's last value as forecast) over the same events: 1.0 is as good as persistence, the baseline beside it.
 *
 * <p>Reported per held-out key and variant: the error over the first 50, 200 and 1000 events, and the warm-up
 * length: the number of events after which the error over all events so far stays at or below a given error, the
 * cold model's error over its first {@value #TARGET_EVENTS} events (so the cold model's warm-up is at most
 * {@value #TARGET_EVENTS}; a start that errs less early on reaches that level sooner).
 */
public final class WarmStartEval {
    /** The given error of the warm-up: the cold model's error over its first this many events. */
    static final int TARGET_EVENTS = 1000;
    static final int[] HORIZONS = {50, 200, 1000};

    /** Start of the derived time axis: 9 May 2010 00:00 UTC, readings 5 s apart (the data set has no clock). */
    static final long START_MS = 1273363200000L;
    static final long STEP_MS = 5000L;

    /** How a held-out key starts. */
    public enum Variant {
        /** Random initialisation, the persistence prior of the linear path. */
        COLD,
        /** The parameter average of the other keys' models, the prior's covariance. */
        WARM,
        /** As WARM, with the average covariance of the linear coefficients. */
        WARM_COVARIANCE,
        /** One other key's model (coefficients only), each other key in turn; the figures are the mean over them. */
        WARM_ONE_KEY
    }

    /** One key's series: event times (epoch ms) and values, d channels per event. */
    public record Series(String key, long[] times, double[][] values) {
        int channels() {
            return values[0].length;
        }
    }

    /** One held-out key's run in one variant: mean error over {@link #HORIZONS}, warm-up length, per-event errors. */
    public record Run(String key, Variant variant, double[] meanError, int warmUp, double[] errors) {}

    private WarmStartEval() {}

    public static void main(String[] argv) throws IOException {
        Args a = new Args(argv);
        String data = a.str("data", "sensors");
        a.checkAllUsed();
        List<Series> keys = "sensors".equals(data) ? bundled() : nab(Paths.get(data));
        ModelConfig cfg = ModelConfig.builder().set(INPUTS, keys.get(0).channels())
            .set(OUTPUTS, keys.get(0).channels()).build();
        System.out.printf(Locale.ROOT, "# warm start, leave one key out: %s, %d keys; the job's default model%n",
            "sensors".equals(data) ? "bundled sensor data" : data, keys.size());
        System.out.printf(Locale.ROOT, "# error = sum |one-step error| / sum |persistence error| over the same events"
            + " (all channels); warm-up = events after which the error over the events so far stays at or below the"
            + " cold model's error over its first %d events%n", TARGET_EVENTS);
        StringBuilder head = new StringBuilder("| held-out key | variant |");
        for (int h : HORIZONS) {
            head.append(" error 1-").append(h).append(" |");
        }
        System.out.println(head.append(" warm-up (events) |"));
        System.out.println("|---|---|" + "---|".repeat(HORIZONS.length + 1));
        Map<Variant, double[]> sums = new LinkedHashMap<>();
        for (Series held : keys) {
            for (Run r : evaluate(keys, held.key(), cfg)) {
                StringBuilder row = new StringBuilder("| " + r.key + " | " + r.variant + " |");
                double[] sum = sums.computeIfAbsent(r.variant, v -> new double[HORIZONS.length + 1]);
                for (int i = 0; i < HORIZONS.length; i++) {
                    row.append(String.format(Locale.ROOT, " %.3f |", r.meanError[i]));
                    sum[i] += r.meanError[i] / keys.size();
                }
                sum[HORIZONS.length] += (double) r.warmUp / keys.size();
                System.out.println(row.append(' ').append(r.warmUp).append(" |"));
            }
        }
        for (Map.Entry<Variant, double[]> e : sums.entrySet()) {
            StringBuilder row = new StringBuilder("| mean | " + e.getKey() + " |");
            for (double v : java.util.Arrays.copyOf(e.getValue(), HORIZONS.length)) {
                row.append(String.format(Locale.ROOT, " %.3f |", v));
            }
            System.out.println(row.append(String.format(Locale.ROOT, " %.0f |", e.getValue()[HORIZONS.length])));
        }
    }

    /** The bundled sensor data: one series per mote (humidity, temperature), readings 5 s apart. */
    public static List<Series> bundled() throws IOException {
        try (InputStream in = SensorForecastJob.class.getResourceAsStream(SensorForecastJob.BUNDLED_DATA)) {
            if (in == null) {
                throw new IOException("bundled data " + SensorForecastJob.BUNDLED_DATA + " not on the classpath");
            }
            Map<String, List<double[]>> motes = new LinkedHashMap<>();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].trim().split(",");
                motes.computeIfAbsent(f[1], k -> new ArrayList<>())
                    .add(new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4])});
            }
            List<Series> out = new ArrayList<>();
            for (Map.Entry<String, List<double[]>> e : motes.entrySet()) {
                long[] times = new long[e.getValue().size()];
                for (int t = 0; t < times.length; t++) {
                    times[t] = START_MS + STEP_MS * t;
                }
                out.add(new Series(e.getKey(), times, e.getValue().toArray(new double[0][])));
            }
            return out;
        }
    }

    /**
     * NAB series (timestamp,value CSV files) whose names start with {@code art_daily}, from a folder searched
     * recursively (e.g. nab-dev/): one key per file, the same daily shape with different noise and anomalies.
     */
    public static List<Series> nab(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("art_daily")
                && p.getFileName().toString().endsWith(".csv")).sorted().toList();
        }
        if (files.size() < 2) {
            throw new IOException("fewer than two art_daily*.csv files under " + folder);
        }
        List<Series> out = new ArrayList<>();
        DateTimeFormatter fmt = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            long[] times = new long[lines.size() - 1];
            double[][] values = new double[lines.size() - 1][];
            for (int i = 1; i < lines.size(); i++) {
                String[] p = lines.get(i).split(",");
                times[i - 1] = LocalDateTime.parse(p[0], fmt).toInstant(ZoneOffset.UTC).toEpochMilli();
                values[i - 1] = new double[] {Double.parseDouble(p[1])};
            }
            String name = f.getFileName().toString();
            out.add(new Series(name.substring(0, name.length() - 4), times, values));
        }
        return out;
    }

    /** The variants of one held-out key, the others trained on their whole series to make the template. */
    public static List<Run> evaluate(List<Series> keys, String held, ModelConfig cfg) {
        List<ForecastingLearner> trained = new ArrayList<>();
        Series target = null;
        for (Series s : keys) {
            if (s.key().equals(held)) {
                target = s;
            } else {
                ForecastingLearner l = new ForecastingLearner(cfg, KeySeeds.seedFor(cfg.seed(), s.key()));
                run(l, s);
                trained.add(l);
            }
        }
        if (target == null) {
            throw new IllegalArgumentException("no key " + held);
        }
        double[] persistence = persistenceErrors(target);
        List<Run> out = new ArrayList<>();
        double given = Double.NaN;
        for (Variant v : Variant.values()) {
            List<WarmStartTemplate> templates = switch (v) {
                case COLD -> java.util.Collections.singletonList(null);
                case WARM -> List.of(WarmStartTemplate.average(trained, false));
                case WARM_COVARIANCE -> List.of(WarmStartTemplate.average(trained, true));
                case WARM_ONE_KEY -> trained.stream().map(l -> WarmStartTemplate.of(l, false)).toList();
            };
            double[] means = new double[HORIZONS.length];
            double warmUp = 0;
            double[] e = null;
            for (WarmStartTemplate template : templates) {
                ForecastingLearner l = new ForecastingLearner(cfg, KeySeeds.seedFor(cfg.seed(), held));
                if (template != null) {
                    l.warmStart(template);
                }
                e = run(l, target);
                if (v == Variant.COLD) {
                    given = ratio(e, persistence, 0, Math.min(TARGET_EVENTS, e.length));
                }
                for (int i = 0; i < HORIZONS.length; i++) {
                    means[i] += ratio(e, persistence, 0, Math.min(HORIZONS[i], e.length)) / templates.size();
                }
                warmUp += (double) warmUp(e, persistence, given, TARGET_EVENTS) / templates.size();
            }
            out.add(new Run(held, v, means, (int) Math.round(warmUp), e));
        }
        return out;
    }

    /** Runs {@code l} over the series; returns per scored event the absolute one-step error summed over channels. */
    static double[] run(ForecastingLearner l, Series s) {
        double[] err = new double[s.times().length - 1];
        for (int t = 0; t < s.times().length; t++) {
            double[] x = s.values()[t];
            ForecastingLearner.Result r = l.observe(s.times()[t], x);
            if (r.scored) {
                for (int c = 0; c < x.length; c++) {
                    err[t - 1] += Math.abs(x[c] - r.previousForecast[c]);
                }
            }
        }
        return err;
    }

    /** Persistence's absolute error per event from the second on, summed over channels. */
    static double[] persistenceErrors(Series s) {
        double[] err = new double[s.times().length - 1];
        for (int t = 1; t < s.times().length; t++) {
            for (int c = 0; c < s.channels(); c++) {
                err[t - 1] += Math.abs(s.values()[t][c] - s.values()[t - 1][c]);
            }
        }
        return err;
    }

    /** sum e / sum p over [from, to). */
    static double ratio(double[] e, double[] p, int from, int to) {
        return sum(e, from, to) / sum(p, from, to);
    }

    static double sum(double[] e, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += e[i];
        }
        return s;
    }

    /**
     * Events (1-based, scored events) after which the cumulative error ratio {@code sum e / sum p} over the events so
     * far stays at or below {@code target} up to event {@code horizon}; {@code horizon + 1} when it ends above.
     */
    static int warmUp(double[] e, double[] p, double target, int horizon) {
        int end = Math.min(horizon, e.length);
        double se = 0;
        double sp = 0;
        int last = 0;
        for (int t = 0; t < end; t++) {
            se += e[t];
            sp += p[t];
            if (!(se <= target * sp)) {
                last = t + 1;
            }
        }
        return last + 1;
    }
}
