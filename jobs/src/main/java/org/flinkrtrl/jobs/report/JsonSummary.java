package org.flinkrtrl.jobs.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flinkrtrl.connectors.PredictionJson;

/**
 * {@code report.json}: the run's figures for machines, written while streaming over the keys.
 * <pre>{@code
 * {"input":..,"events":..,"keyCount":..,"deadLetters":..,"seconds":..,"processingSeconds":..,
 *  "channels":["x",..],"model":..,"mapping":..,
 *  "overall":{"events":{"events":..,..},"forecast":{"x":{"scored":..,"maeModel":..,..}},"anomaly":{..}},
 *  "keys":[{"key":"a","minTs":..,"maxTs":..,"events":{..},"forecast":{..},"anomaly":{..}},..]}
 * }</pre>
 * One object per metric ({@link Metric#name()}); a channel's figures sit in an object named after the channel.
 * Undefined figures are {@code null}. Keys appear in full, in key order; text outside ASCII is escaped, so any key
 * (an unpaired surrogate included) gives valid JSON.
 */
public final class JsonSummary {
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private JsonSummary() {}

    public static void write(Path file, RunInfo run, Evaluation eval) throws IOException {
        List<Metric> metrics = eval.metrics();
        List<List<Figure>> figures = metrics.stream().map(m -> m.figures(run.channels())).toList();
        try (OutputStream out = Files.newOutputStream(file); JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("input", run.input());
            g.writeNumberField("events", eval.predictions());
            g.writeNumberField("keyCount", eval.keyCount());
            g.writeNumberField("deadLetters", run.deadLetters());
            PredictionJson.number(g, "seconds", run.seconds());
            PredictionJson.number(g, "processingSeconds", run.processingSeconds());
            PredictionJson.number(g, "processingEventsPerSecond", run.processingEventsPerSecond(eval.predictions()));
            g.writeArrayFieldStart("channels");
            for (String c : run.channels()) {
                g.writeString(c);
            }
            g.writeEndArray();
            g.writeStringField("model", run.model());
            g.writeStringField("mapping", run.mapping());
            g.writeStringField("kernels", run.kernels());
            g.writeObjectFieldStart("overall");
            metrics(g, metrics, figures, eval.overall());
            g.writeEndObject();
            g.writeArrayFieldStart("keys");
            for (Evaluation.KeyResult k : eval.keys()) {
                g.writeStartObject();
                g.writeStringField("key", k.key());
                g.writeNumberField("minTs", k.counts().minTimestamp());
                g.writeNumberField("maxTs", k.counts().maxTimestamp());
                metrics(g, metrics, figures, k);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void metrics(JsonGenerator g, List<Metric> metrics, List<List<Figure>> figures,
                                Evaluation.KeyResult k) throws IOException {
        for (int m = 0; m < metrics.size(); m++) {
            double[] v = k.accumulator(m).values();
            List<Figure> f = figures.get(m);
            g.writeObjectFieldStart(metrics.get(m).name());
            String channel = null;
            for (int i = 0; i < f.size(); i++) {
                Figure fi = f.get(i);
                if (fi.channel() == null ? channel != null : !fi.channel().equals(channel)) {
                    if (channel != null) {
                        g.writeEndObject();
                    }
                    channel = fi.channel();
                    if (channel != null) {
                        g.writeObjectFieldStart(channel);
                    }
                }
                if (fi.count() && Double.isFinite(v[i]) && Math.abs(v[i]) < 0x1p53) {
                    g.writeNumberField(fi.name(), (long) v[i]);
                } else {
                    PredictionJson.number(g, fi.name(), v[i]);
                }
            }
            if (channel != null) {
                g.writeEndObject();
            }
            g.writeEndObject();
        }
    }
}
