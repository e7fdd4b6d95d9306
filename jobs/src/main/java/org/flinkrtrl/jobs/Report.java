package org.flinkrtrl.jobs;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.flinkrtrl.connectors.FieldMapping;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.math.Kernels;
import org.flinkrtrl.record.Prediction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Evaluation and HTML report of a bounded run: per key and channel the model's one-step forecast error (MAE,
 * RMSE) against persistence (the last value), the anomaly score's ROC AUC against the labels, events/s, and
 * charts (actual vs forecast, anomaly score, labelled windows shaded) embedded as PNG data URIs, so the page needs
 * no network.
 */
public final class Report {
    private Report() {}

    /** Whether a label marks an anomaly: anything but empty, 0, false, normal, no. */
    public static boolean isPositive(String label) {
        if (label == null) {
            return false;
        }
        String l = label.trim().toLowerCase(Locale.ROOT);
        return !(l.isEmpty() || l.equals("0") || l.equals("0.0") || l.equals("false") || l.equals("normal") || l.equals("no"));
    }

    /** Error statistics of one key and channel (or all keys pooled). */
    public static final class Errors {
        public long n;
        double absModel;
        double sqModel;
        double absPersist;
        double sqPersist;

        void add(double model, double persist) {
            n++;
            absModel += Math.abs(model);
            sqModel += model * model;
            absPersist += Math.abs(persist);
            sqPersist += persist * persist;
        }

        public double maeModel() { return absModel / n; }
        public double rmseModel() { return Math.sqrt(sqModel / n); }
        public double maePersistence() { return absPersist / n; }
        public double rmsePersistence() { return Math.sqrt(sqPersist / n); }
    }

    /** Everything the report's table shows. */
    public static final class Summary {
        public final long events;
        public final double seconds;
        /** From the first output to the last: the steady-state processing time, start-up excluded. */
        public final double processingSeconds;
        /** key -> per-channel errors. */
        public final Map<String, Errors[]> perKey = new TreeMap<>();
        /** Per channel, all keys pooled. */
        public Errors[] pooled;
        /** key -> AUC (NaN when the key has one class only). */
        public final Map<String, Double> aucPerKey = new TreeMap<>();
        /** AUC over all scored events of all keys; NaN without labels of both classes. */
        public double auc = Double.NaN;
        public long positives;
        public long diverged;

        Summary(long events, double seconds, double processingSeconds) {
            this.events = events;
            this.seconds = seconds;
            this.processingSeconds = processingSeconds;
        }

        /** Events per second from the first output to the last (NaN when too short to measure). */
        public double processingEventsPerSecond() {
            return processingSeconds > 0 ? (events - 1) / processingSeconds : Double.NaN;
        }

        public double eventsPerSecond() {
            return events / Math.max(seconds, 1e-9);
        }

        /** MAE of the model over all channels and keys (mean of the per-channel pooled MAEs). */
        public double maeModel() {
            return Arrays.stream(pooled).mapToDouble(Errors::maeModel).average().orElse(Double.NaN);
        }

        public double maePersistence() {
            return Arrays.stream(pooled).mapToDouble(Errors::maePersistence).average().orElse(Double.NaN);
        }

        public String text() {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < pooled.length; c++) {
                Errors e = pooled[c];
                sb.append(String.format(Locale.ROOT, "channel %d: MAE model %.4f vs persistence %.4f, RMSE model %.4f vs "
                    + "persistence %.4f (%d scored)%n", c, e.maeModel(), e.maePersistence(), e.rmseModel(),
                    e.rmsePersistence(), e.n));
            }
            sb.append(String.format(Locale.ROOT, "anomaly ROC AUC %s (%d labelled anomalous events)",
                Double.isNaN(auc) ? "n/a (no labels of both classes)" : String.format(Locale.ROOT, "%.4f", auc), positives));
            return sb.toString();
        }
    }

    /** Computes the summary; predictions of a key must be in the key's order (steps ascending). */
    public static Summary summarize(List<Prediction> predictions, double seconds, double processingSeconds) {
        Summary s = new Summary(predictions.size(), seconds, processingSeconds);
        Map<String, List<Prediction>> byKey = byKey(predictions);
        int dims = predictions.isEmpty() ? 0 : predictions.get(0).actual.length;
        s.pooled = new Errors[dims];
        for (int c = 0; c < dims; c++) {
            s.pooled[c] = new Errors();
        }
        List<double[]> allScores = new ArrayList<>();
        for (Map.Entry<String, List<Prediction>> en : byKey.entrySet()) {
            Errors[] errs = new Errors[dims];
            for (int c = 0; c < dims; c++) {
                errs[c] = new Errors();
            }
            List<double[]> scores = new ArrayList<>();
            double[] last = null;
            for (Prediction p : en.getValue()) {
                if (p.diverged) {
                    s.diverged++;
                }
                boolean pos = isPositive(p.label);
                if (pos) {
                    s.positives++;
                }
                if (last != null && p.previousForecast != null && allFinite(p.previousForecast)) {
                    for (int c = 0; c < dims; c++) {
                        double model = p.previousForecast[c] - p.actual[c];
                        double persist = last[c] - p.actual[c];
                        errs[c].add(model, persist);
                        s.pooled[c].add(model, persist);
                    }
                    if (p.label != null && Double.isFinite(p.anomalyScore)) {
                        scores.add(new double[] {p.anomalyScore, pos ? 1 : 0});
                    }
                }
                last = p.actual;
            }
            s.perKey.put(en.getKey(), errs);
            s.aucPerKey.put(en.getKey(), auc(scores));
            allScores.addAll(scores);
        }
        s.auc = auc(allScores);
        return s;
    }

    private static boolean allFinite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    static Map<String, List<Prediction>> byKey(List<Prediction> predictions) {
        Map<String, List<Prediction>> m = new TreeMap<>(Report::compareKeys);
        for (Prediction p : predictions) {
            m.computeIfAbsent(p.key, k -> new ArrayList<>()).add(p);
        }
        return m;
    }

    private static int compareKeys(String a, String b) {
        try {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    /** ROC AUC of scores (column 0) against 0/1 labels (column 1), ties counted half; NaN with one class only. */
    public static double auc(List<double[]> scored) {
        long pos = scored.stream().filter(x -> x[1] > 0).count();
        long neg = scored.size() - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        double[][] a = scored.toArray(new double[0][]);
        Arrays.sort(a, (x, y) -> Double.compare(x[0], y[0]));
        double rankSumPos = 0;
        int i = 0;
        while (i < a.length) {
            int j = i;
            while (j + 1 < a.length && a[j + 1][0] == a[i][0]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (a[k][1] > 0) {
                    rankSumPos += avgRank;
                }
            }
            i = j + 1;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    // ---- HTML ---------------------------------------------------------------------------------------------------

    public static void writeHtml(Path file, String title, Summary s, List<Prediction> predictions, ModelConfig cfg,
                                 FieldMapping mapping, long deadLetters) throws IOException {
        System.setProperty("java.awt.headless", "true");
        String[] channels = mapping.valueFields.length == mapping.dimensions ? mapping.valueFields
            : channelNames(mapping.dimensions);
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>flink-rtrl report</title>\n")
            .append("<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}")
            .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}")
            .append("td.l,th.l{text-align:left}.better{color:#060;font-weight:bold}img{max-width:100%}</style></head><body>\n");
        h.append("<h1>flink-rtrl: per-key online forecasting and anomaly scores</h1>\n");
        h.append("<p>Input: ").append(esc(title)).append("<br>Mapping: ").append(esc(mapping.toString()))
            .append("<br>Model: ").append(esc(cfg.toString()))
            // the report is written by the JVM that ran the embedded MiniCluster, i.e. the one whose kernels were used
            .append("<br>Kernels: ").append(esc(Kernels.describe())).append("</p>\n");
        h.append(String.format(Locale.ROOT, "<p>%d events, %d keys, %d dead letters, %d divergence resets. "
            + "%.1f s wall clock including start-up (%.0f events/s); <b>%.0f events/s</b> from the first output to the "
            + "last. Anomaly ROC AUC (all keys): <b>%s</b>.</p>%n", s.events, s.perKey.size(), deadLetters, s.diverged,
            s.seconds, s.eventsPerSecond(), s.processingEventsPerSecond(), fmt(s.auc)));
        h.append("<p>Errors are one-step-ahead forecast errors in raw units, over every event after a key's first. "
            + "Persistence forecasts the key's last value.</p>\n");
        h.append("<table><tr><th class=l>key</th><th class=l>channel</th><th>events</th><th>MAE model</th>"
            + "<th>MAE persistence</th><th>RMSE model</th><th>RMSE persistence</th><th>anomaly AUC</th></tr>\n");
        for (Map.Entry<String, Errors[]> en : s.perKey.entrySet()) {
            Errors[] e = en.getValue();
            for (int c = 0; c < e.length; c++) {
                row(h, en.getKey(), channels[c], e[c], c == 0 ? fmt(s.aucPerKey.get(en.getKey())) : "");
            }
        }
        for (int c = 0; c < s.pooled.length; c++) {
            row(h, "all", channels[c], s.pooled[c], c == 0 ? fmt(s.auc) : "");
        }
        h.append("</table>\n");

        Map<String, List<Prediction>> byKey = byKey(predictions);
        for (Map.Entry<String, List<Prediction>> en : byKey.entrySet()) {
            h.append("<h2>key ").append(esc(en.getKey())).append("</h2>\n");
            byte[] png = chart(en.getKey(), en.getValue(), channels);
            h.append("<img alt=\"key ").append(esc(en.getKey())).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\">\n");
        }
        h.append("<p style=\"font-size:small\">Shaded bands: labelled anomaly windows. Forecast = the forecast the "
            + "model made for each event before seeing it.</p>\n</body></html>\n");
        Files.writeString(file, h.toString(), StandardCharsets.UTF_8);
    }

    private static String[] channelNames(int d) {
        String[] n = new String[d];
        for (int i = 0; i < d; i++) {
            n[i] = "value[" + i + "]";
        }
        return n;
    }

    private static void row(StringBuilder h, String key, String channel, Errors e, String auc) {
        boolean better = e.maeModel() < e.maePersistence();
        h.append(String.format(Locale.ROOT, "<tr><td class=l>%s</td><td class=l>%s</td><td>%d</td><td%s>%.4f</td>"
                + "<td>%.4f</td><td%s>%.4f</td><td>%.4f</td><td>%s</td></tr>%n", esc(key), esc(channel), e.n,
            better ? " class=better" : "", e.maeModel(), e.maePersistence(),
            e.rmseModel() < e.rmsePersistence() ? " class=better" : "", e.rmseModel(), e.rmsePersistence(), auc));
    }

    private static String fmt(Double v) {
        return v == null || v.isNaN() ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Labelled windows [start, end] in event time. */
    static List<long[]> windows(List<Prediction> ps) {
        List<long[]> w = new ArrayList<>();
        long[] open = null;
        for (Prediction p : ps) {
            if (isPositive(p.label)) {
                if (open == null) {
                    open = new long[] {p.timestamp, p.timestamp};
                    w.add(open);
                } else {
                    open[1] = p.timestamp;
                }
            } else {
                open = null;
            }
        }
        return w;
    }

    static byte[] chart(String key, List<Prediction> ps, String[] channels) throws IOException {
        DateAxis time = new DateAxis("event time (UTC)");
        time.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(8);
        List<long[]> windows = windows(ps);
        for (int c = 0; c < channels.length; c++) {
            XYSeries actual = new XYSeries("actual " + channels[c], false, true);
            XYSeries forecast = new XYSeries("forecast " + channels[c], false, true);
            for (Prediction p : ps) {
                actual.add(p.timestamp, p.actual[c]);
                if (p.previousForecast != null && Double.isFinite(p.previousForecast[c])) {
                    forecast.add(p.timestamp, p.previousForecast[c]);
                }
            }
            XYSeriesCollection data = new XYSeriesCollection();
            data.addSeries(actual);
            data.addSeries(forecast);
            NumberAxis y = new NumberAxis(channels[c]);
            y.setAutoRangeIncludesZero(false);
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
            r.setSeriesPaint(0, new Color(0x1f77b4));
            r.setSeriesPaint(1, new Color(0xff7f0e));
            r.setSeriesStroke(0, new BasicStroke(1.5f));
            r.setSeriesStroke(1, new BasicStroke(1.0f));
            XYPlot sub = new XYPlot(data, null, y, r);
            sub.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD); // forecast on top
            mark(sub, windows);
            plot.add(sub, 2);
        }
        // log scale: the score is a z-score whose first values (no error history yet) can be enormous
        XYSeries score = new XYSeries("log10(1 + anomaly score)", false, true);
        for (Prediction p : ps) {
            if (Double.isFinite(p.anomalyScore)) {
                score.add(p.timestamp, Math.log10(1 + Math.max(0, p.anomalyScore)));
            }
        }
        NumberAxis y = new NumberAxis("log10(1 + score)");
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, new Color(0xd62728));
        XYPlot sub = new XYPlot(new XYSeriesCollection(score), null, y, r);
        mark(sub, windows);
        plot.add(sub, 1);
        JFreeChart chart = new JFreeChart("key " + key + (ps.isEmpty() ? "" : " from "
            + Instant.ofEpochMilli(ps.get(0).timestamp)), new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        BufferedImage img = chart.createBufferedImage(1150, 180 * channels.length + 280);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        return bos.toByteArray();
    }

    private static void mark(XYPlot plot, List<long[]> windows) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        for (long[] w : windows) {
            IntervalMarker m = new IntervalMarker(w[0], Math.max(w[1], w[0] + 1));
            m.setPaint(new Color(255, 0, 0, 40));
            plot.addDomainMarker(m, org.jfree.chart.ui.Layer.BACKGROUND);
        }
    }

    /** Used by tests: label windows per key. */
    static Map<String, List<long[]>> windowsByKey(List<Prediction> ps) {
        Map<String, List<long[]>> m = new LinkedHashMap<>();
        byKey(ps).forEach((k, v) -> m.put(k, windows(v)));
        return m;
    }
}
