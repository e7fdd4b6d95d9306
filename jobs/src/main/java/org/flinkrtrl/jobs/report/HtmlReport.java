package org.flinkrtrl.jobs.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The HTML page of a bounded run, from the accumulated figures and the charted keys' bounded series only: run
 * facts, a table of every metric's figures (all keys pooled, then up to {@link #TABLE_ROWS} keys in key order; every
 * key is in {@code report.json}), and the charts as PNG data URIs, so the page needs no network. Keys are shown
 * shortened ({@link KeyNames}).
 */
public final class HtmlReport {
    /** Keys listed in the table. */
    public static final int TABLE_ROWS = 10_000;

    private HtmlReport() {}

    public static void write(Path file, RunInfo run, Evaluation eval, List<ChartSeries> charts, String jsonName)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Figure> columns = new ArrayList<>();
        for (Metric m : eval.metrics()) {
            columns.addAll(m.figures(run.channels()));
        }
        Evaluation.KeyResult overall = eval.overall();
        EventCounts.Counts all = overall.counts();
        AnomalyAuc.Auc auc = firstOrNull(overall, AnomalyAuc.Auc.class);
        // the encoder replaces what it cannot encode: no key or label can make the page fail
        try (Writer h = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
                1 << 16)) {
            h.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>flink-rtrl report</title>\n"
                + "<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}"
                + "td.l,th.l{text-align:left}img{max-width:100%}</style></head><body>\n");
            h.write("<h1>flink-rtrl: per-key online forecasting and anomaly scores</h1>\n");
            h.write("<p>Input: " + esc(run.input()) + "<br>Mapping: " + esc(run.mapping()) + "<br>Model: "
                + esc(run.model()) + "<br>Kernels: " + esc(run.kernels()) + "</p>\n");
            long events = eval.predictions();
            h.write(String.format(Locale.ROOT, "<p>%d events, %d keys, %d dead letters, %d divergence resets. "
                    + "%.1f s wall clock including start-up (%.0f events/s); <b>%.0f events/s</b> from the first output "
                    + "to the last. Anomaly ROC AUC (all keys): <b>%s</b>.</p>%n", events, eval.keyCount(),
                run.deadLetters(), all.divergenceResets(), run.seconds(), run.eventsPerSecond(events),
                run.processingEventsPerSecond(events), auc == null ? "n/a" : fmt(auc.auc())));
            h.write("<p>Errors are one-step-ahead forecast errors in raw units, over every event after a key's first. "
                + "Persistence forecasts the key's last value. The anomaly ROC AUC is computed from scores in bins "
                + "1.1 % wide (relative); the binning bound is the most it can differ from the exact AUC. Every key's figures "
                + "are in <a href=\"" + esc(jsonName) + "\">" + esc(jsonName) + "</a>.</p>\n");
            h.write("<table><tr><th class=l>key</th>");
            for (Figure f : columns) {
                h.write("<th>" + esc(f.label()) + "</th>");
            }
            h.write("</tr>\n");
            row(h, "all keys", overall);
            int shown = 0;
            for (Evaluation.KeyResult k : eval.keys()) {
                if (shown++ == TABLE_ROWS) {
                    break;
                }
                row(h, KeyNames.shorten(k.key()), k);
            }
            h.write("</table>\n");
            if (eval.keyCount() > TABLE_ROWS) {
                h.write(String.format(Locale.ROOT, "<p>The table lists the first %d of %d keys; %s lists them all.</p>%n",
                    TABLE_ROWS, eval.keyCount(), esc(jsonName)));
            }
            if (charts.size() < eval.keyCount()) {
                h.write(String.format(Locale.ROOT, "<p>Charts for %d of %d keys: the most anomalous (most events "
                    + "scored above the threshold) and the largest.</p>%n", charts.size(), eval.keyCount()));
            }
            for (ChartSeries s : charts) {
                String name = esc(KeyNames.shorten(s.key()));
                h.write("<h2>key " + name + "</h2>\n");
                h.write("<img alt=\"key " + name + "\" src=\"data:image/png;base64,"
                    + Base64.getEncoder().encodeToString(Charts.png(s, run.channels())) + "\">\n");
            }
            h.write("<p style=\"font-size:small\">Shaded bands: labelled anomalies. Forecast = the forecast the model "
                + "made for each event before seeing it. A chart shows per series the lowest and the highest point of "
                + "each of at most a fixed number of consecutive runs of events.</p>\n</body></html>\n");
        }
    }

    private static <A extends KeyAccumulator> A firstOrNull(Evaluation.KeyResult k, Class<A> type) {
        try {
            return k.get(type);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void row(Writer h, String key, Evaluation.KeyResult k) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<tr><td class=l>").append(esc(key)).append("</td>");
        for (int m = 0; m < k.accumulatorCount(); m++) {
            for (double v : k.accumulator(m).values()) {
                sb.append("<td>").append(fmt(v)).append("</td>");
            }
        }
        sb.append("</tr>\n");
        h.write(sb.toString());
    }

    /** Integers as integers, other numbers with 4 decimals (or 4 significant digits when tiny or huge). */
    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        return a >= 1e-3 && a < 1e6 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.4g", v);
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
