package org.flinkrtrl.jobs.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.record.LogPrediction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report of a bounded log-mode run: {@code report.html} (the log section: figures pooled and per source with
 * the baselines beside, the most surprising events with their text, and per source charts of surprise, anomaly
 * score and vocabulary growth over its events) and {@code report.json} beside it:
 * <pre>{@code
 * {"mode":"log","input":..,"events":..,"sourceCount":..,"deadLetters":..,"seconds":..,"model":..,"mapping":..,
 *  "minEvents":..,"pooled":{"sources":..,"scored":..,"bitsPerEvent":{"mixture":..,"network":..,"context2":..,
 *  "context0":..,"ngram2":..,"ngram1":..,"ngram0":..,"frequency":..},"top1":{"mixture":..,"ngram2":..,"ngram1":..,
 *  "ngram0":..,"frequency":..},"mixtureBelowNgram2":..,"networkBelowNgram2":..},
 *  "attack":{"positive":..,"other":..,"rocAucScore":..,"rocAucSurprise":..}|null,
 *  "sources":[{"key":..,"events":..,"scored":..,"types":..,"unseenEvents":..,"bitsPerEvent":{..},"top1":{..}},..],
 *  "mostSurprising":[{"key":..,"ts":..,"typeId":..,"template":..,"surprise":..,"anomalyScore":..,"label":..},..]}
 * }</pre>
 * The model names are {@link LogEvaluation#MODELS}: the mixture and its components (network, order-2 and order-0
 * context counts) from the outputs, and the baselines computed beside them (Witten-Bell n-gram orders 2, 1, 0 and
 * the add-one frequency model); top-1 accuracy is given for the mixture and the baselines.
 */
public final class LogReport {
    /** Sources charted: the ones with the most events. */
    public static final int CHARTS = 8;
    /** Sources with fewer events are left out of the pooled figures. */
    public static final int MIN_EVENTS = 40;
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    /** Row names of {@link LogEvaluation#MODELS} in the HTML report. */
    private static final String[] LABELS = {"mixture (the source's model)", "network alone (component)",
        "order-2 context counts (component)", "order-0 counts (component)", "baseline: Witten-Bell n-gram order 2",
        "baseline: Witten-Bell n-gram order 1", "baseline: Witten-Bell n-gram order 0",
        "baseline: add-one frequency"};
    /** Column headers of the per-source table. */
    private static final String[] SHORT = {"mixture", "network", "context 2", "context 0", "WB 2", "WB 1", "WB 0",
        "frequency"};
    private static final int NGRAM2 = LogEvaluation.BASELINES;

    private LogReport() {}

    public static void write(Path html, RunInfo run, LogEvaluation eval) throws IOException {
        writeJson(RunReport.jsonBeside(html), run, eval);
        writeHtml(html, run, eval);
    }

    static void writeJson(Path file, RunInfo run, LogEvaluation eval) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("mode", "log");
            g.writeStringField("input", run.input());
            g.writeNumberField("events", eval.events());
            List<LogEvaluation.Source> sources = eval.sources();
            g.writeNumberField("sourceCount", sources.size());
            g.writeNumberField("deadLetters", run.deadLetters());
            PredictionJson.number(g, "seconds", run.seconds());
            g.writeStringField("model", run.model());
            g.writeStringField("mapping", run.mapping());
            g.writeNumberField("minEvents", MIN_EVENTS);
            g.writeObjectFieldStart("pooled");
            g.writeNumberField("sources", eval.pooledSources(MIN_EVENTS));
            g.writeNumberField("scored", eval.pooledScored(MIN_EVENTS));
            g.writeObjectFieldStart("bitsPerEvent");
            for (int m = 0; m < LogEvaluation.MODELS.length; m++) {
                PredictionJson.number(g, LogEvaluation.MODELS[m], eval.pooledBits(m, MIN_EVENTS));
            }
            g.writeEndObject();
            g.writeObjectFieldStart("top1");
            for (int m = 0; m < LogEvaluation.MODELS.length; m++) {
                if (LogEvaluation.hasTop1(m)) {
                    PredictionJson.number(g, LogEvaluation.MODELS[m], eval.pooledTop1(m, MIN_EVENTS));
                }
            }
            g.writeEndObject();
            g.writeNumberField("mixtureBelowNgram2", eval.sourcesBelow(0, NGRAM2, MIN_EVENTS));
            g.writeNumberField("networkBelowNgram2", eval.sourcesBelow(1, NGRAM2, MIN_EVENTS));
            g.writeEndObject();
            if (eval.labelledPositive() > 0 && eval.labelledOther() > 0) {
                g.writeObjectFieldStart("attack");
                g.writeNumberField("positive", eval.labelledPositive());
                g.writeNumberField("other", eval.labelledOther());
                PredictionJson.number(g, "rocAucScore", eval.auc(1));
                PredictionJson.number(g, "rocAucSurprise", eval.auc(2));
                g.writeEndObject();
            } else {
                g.writeNullField("attack");
            }
            g.writeArrayFieldStart("sources");
            for (LogEvaluation.Source s : sources) {
                g.writeStartObject();
                g.writeStringField("key", s.key);
                g.writeNumberField("events", s.events);
                g.writeNumberField("scored", s.scored);
                g.writeNumberField("types", s.types());
                g.writeNumberField("unseenEvents", s.unseen);
                g.writeObjectFieldStart("bitsPerEvent");
                for (int m = 0; m < LogEvaluation.MODELS.length; m++) {
                    PredictionJson.number(g, LogEvaluation.MODELS[m], s.bitsPerEvent(m));
                }
                g.writeEndObject();
                g.writeObjectFieldStart("top1");
                for (int m = 0; m < LogEvaluation.MODELS.length; m++) {
                    if (LogEvaluation.hasTop1(m)) {
                        PredictionJson.number(g, LogEvaluation.MODELS[m], s.top1(m));
                    }
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("mostSurprising");
            for (LogPrediction p : eval.mostSurprising()) {
                g.writeStartObject();
                g.writeStringField("key", p.key);
                g.writeNumberField("ts", p.timestamp);
                g.writeStringField("typeId", p.typeId);
                g.writeStringField("template", p.template);
                PredictionJson.number(g, "surprise", p.surprise);
                PredictionJson.number(g, "anomalyScore", p.anomalyScore);
                if (p.label != null) {
                    g.writeStringField("label", p.label);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    static void writeHtml(Path file, RunInfo run, LogEvaluation eval) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<LogEvaluation.Source> sources = eval.sources();
        try (Writer h = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
                1 << 16)) {
            h.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>flink-rtrl log report</title>\n"
                + "<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}"
                + "td.l,th.l{text-align:left}img{max-width:100%}</style></head><body>\n");
            h.write("<h1>flink-rtrl: per-source next-event models of logs</h1>\n");
            h.write("<p>Input: " + HtmlReport.esc(run.input()) + "<br>Mapping: " + HtmlReport.esc(run.mapping())
                + "<br>Model: " + HtmlReport.esc(run.model()) + "</p>\n");
            h.write(String.format(Locale.ROOT, "<p>%d events, %d sources, %d dead letters, %.1f s wall clock "
                + "including start-up.</p>%n", eval.events(), sources.size(), run.deadLetters(), run.seconds()));
            long big = eval.pooledSources(MIN_EVENTS);
            h.write("<h2>Next-event prediction</h2>\n<p>Prequential: each event is scored against the prediction "
                + "made at the source's previous event, then learnt; a type's first sight counts as the unseen class. "
                + "The source's model is the mixture of the network with its order-2 and order-0 context counts "
                + "(weights on each component's recent log-loss); each component alone is scored from the same "
                + "outputs. The baselines run beside the outputs on the same targets: an online interpolated "
                + "Witten-Bell n-gram over the source's event types (orders 2, 1, 0) and the per-source add-one "
                + "frequency model. Pooled over the " + big + " sources with at least " + MIN_EVENTS + " events ("
                + eval.pooledScored(MIN_EVENTS) + " scored events); the mixture has fewer bits per event than the "
                + "order-2 n-gram on " + eval.sourcesBelow(0, NGRAM2, MIN_EVENTS) + " of them, the network alone on "
                + eval.sourcesBelow(1, NGRAM2, MIN_EVENTS) + ". Every source is in report.json.</p>\n");
            h.write("<table><tr><th class=l>model</th><th>bits/event</th><th>top-1 accuracy</th></tr>\n");
            for (int m = 0; m < LogEvaluation.MODELS.length; m++) {
                String b = m == 0 ? "<b>" : "";
                String e = m == 0 ? "</b>" : "";
                h.write("<tr><td class=l>" + b + HtmlReport.esc(LABELS[m]) + e + "</td><td>" + b
                    + HtmlReport.fmt(eval.pooledBits(m, MIN_EVENTS)) + e + "</td><td>"
                    + (LogEvaluation.hasTop1(m) ? HtmlReport.fmt(eval.pooledTop1(m, MIN_EVENTS)) : "") + "</td></tr>\n");
            }
            h.write("</table>\n<p>Per source (at least " + MIN_EVENTS + " events): bits per event, and top-1 "
                + "accuracy of the mixture and the order-2 n-gram; types in the source's vocabulary, and events scored as "
                + "the unseen class (first sights, and types past the vocabulary's capacity).</p>\n");
            h.write("<table><tr><th class=l>source</th><th>events</th><th>types</th><th>unseen events</th>");
            for (String l : SHORT) {
                h.write("<th>" + HtmlReport.esc(l) + "</th>");
            }
            h.write("<th>top-1 mixture</th><th>top-1 WB 2</th></tr>\n");
            for (LogEvaluation.Source s : sources) {
                if (s.events < MIN_EVENTS) {
                    continue;
                }
                StringBuilder r = new StringBuilder("<tr><td class=l>").append(HtmlReport.esc(KeyNames.shorten(s.key)))
                    .append("</td><td>").append(s.events).append("</td><td>").append(s.types()).append("</td><td>").append(s.unseen)
                    .append("</td>");
                for (int m = 0; m < LogEvaluation.MODELS.length; m++) {
                    r.append("<td>").append(HtmlReport.fmt(s.bitsPerEvent(m))).append("</td>");
                }
                r.append("<td>").append(HtmlReport.fmt(s.top1(0))).append("</td><td>")
                    .append(HtmlReport.fmt(s.top1(NGRAM2))).append("</td></tr>\n");
                h.write(r.toString());
            }
            h.write("</table>\n");
            if (eval.labelledPositive() > 0 && eval.labelledOther() > 0) {
                h.write(String.format(Locale.ROOT, "<p>Labels: ROC AUC of the anomaly score, positive (%d) against "
                        + "other (%d) labelled scored events, all sources: <b>%s</b>; of the surprise alone: %s.</p>%n",
                    eval.labelledPositive(), eval.labelledOther(), HtmlReport.fmt(eval.auc(1)),
                    HtmlReport.fmt(eval.auc(2))));
            }
            h.write("<h2>Most surprising events</h2>\n<p>By anomaly score (the event's type and gap surprise, "
                + "calibrated to its source's own history), then surprise.</p>\n<table><tr><th class=l>source</th>"
                + "<th>time (epoch ms)</th><th>anomaly score</th><th>surprise, bits</th><th class=l>template</th>"
                + "<th class=l>label</th></tr>\n");
            for (LogPrediction p : eval.mostSurprising()) {
                h.write("<tr><td class=l>" + HtmlReport.esc(KeyNames.shorten(p.key)) + "</td><td>" + p.timestamp
                    + "</td><td>" + HtmlReport.fmt(p.anomalyScore) + "</td><td>" + HtmlReport.fmt(p.surprise)
                    + "</td><td class=l>" + HtmlReport.esc(p.template) + "</td><td class=l>"
                    + (p.label == null ? "" : HtmlReport.esc(p.label)) + "</td></tr>\n");
            }
            h.write("</table>\n<h2>Sources over time</h2>\n<p>The " + Math.min(CHARTS, sources.size())
                + " sources with the most events: surprise (bits) and anomaly score per event, and vocabulary "
                + "growth (types seen so far).</p>\n");
            for (int i = 0; i < Math.min(CHARTS, sources.size()); i++) {
                LogEvaluation.Source s = sources.get(i);
                String name = HtmlReport.esc(KeyNames.shorten(s.key));
                h.write("<img alt=\"source " + name + "\" src=\"data:image/png;base64,"
                    + Base64.getEncoder().encodeToString(chart(s)) + "\">\n");
            }
            h.write("</body></html>\n");
        }
    }

    /** Surprise and anomaly score over the source's events, and its vocabulary growth. */
    static byte[] chart(LogEvaluation.Source s) throws IOException {
        NumberAxis x = new NumberAxis("event number");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        plot.setGap(8);
        double[] n = s.column(0);
        plot.add(sub(n, s.column(1), "surprise, bits", new Color(0x1f77b4)), 2);
        plot.add(sub(n, s.column(2), "anomaly score", new Color(0xd62728)), 1);
        plot.add(sub(n, s.column(3), "types seen", new Color(0x2ca02c)), 1);
        JFreeChart chart = new JFreeChart("source " + KeyNames.shorten(s.key) + " (" + s.events + " events)",
            new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        BufferedImage img = chart.createBufferedImage(1150, 460);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        return bos.toByteArray();
    }

    private static XYPlot sub(double[] x, double[] y, String name, Color color) {
        XYSeries xy = new XYSeries(name, false, true);
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(y[i])) {
                xy.add(x[i], y[i]);
            }
        }
        NumberAxis axis = new NumberAxis(name);
        axis.setAutoRangeMinimumSize(0.5);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, color);
        r.setSeriesStroke(0, new BasicStroke(1.0f));
        return new XYPlot(new XYSeriesCollection(xy), null, axis, r);
    }
}
