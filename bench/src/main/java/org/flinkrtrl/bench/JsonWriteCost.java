package org.flinkrtrl.bench;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.record.Prediction;

/**
 * CPU per prediction of the JSON lines writer ({@link PredictionJson.LineWriter}: since the eighth session the bytes
 * written directly by {@code PredictionBytes}, numbers through {@code DoubleText}; before, a Jackson generator with
 * pre-encoded field names) against the same format through Jackson's own double writer and
 * String field names, alternating rounds in one JVM, on the predictions of a file (e.g. the demo's
 * predictions.jsonl), written to a discarding stream.
 *
 * <pre>
 * java -cp core/target/classes:$(bench/classpath.sh) org.flinkrtrl.bench.JsonWriteCost predictions.jsonl 10
 * </pre>
 */
public final class JsonWriteCost {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private JsonWriteCost() {}

    public static void main(String[] args) throws Exception {
        List<Prediction> ps = Files.readAllLines(Path.of(args[0])).stream().map(PredictionJson::fromJson).toList();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        double[] a = new double[rounds];
        double[] b = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            a[r] = lineWriter(ps);
            b[r] = jackson(ps);
            System.out.printf(Locale.ROOT, "round %d: line writer %.3f us/prediction, Jackson's double writer %.3f%n", r,
                a[r], b[r]);
        }
        // the first half of the rounds is JIT warm-up
        double[] la = java.util.Arrays.copyOfRange(a, rounds / 2, rounds);
        double[] lb = java.util.Arrays.copyOfRange(b, rounds / 2, rounds);
        java.util.Arrays.sort(la);
        java.util.Arrays.sort(lb);
        int m = la.length / 2;
        System.out.printf(Locale.ROOT, "%d predictions, median of the last %d rounds: line writer %.3f us, Jackson's "
            + "double writer %.3f us per prediction (ratio %.2f)%n", ps.size(), la.length, la[m], lb[m], la[m] / lb[m]);
    }

    private static double lineWriter(List<Prediction> ps) throws IOException {
        long t0 = THREADS.getCurrentThreadCpuTime();
        try (PredictionJson.LineWriter w = new PredictionJson.LineWriter(OutputStream.nullOutputStream())) {
            for (Prediction p : ps) {
                w.write(p);
            }
        }
        return (THREADS.getCurrentThreadCpuTime() - t0) / 1e3 / ps.size();
    }

    /** The format through Jackson's writeNumber(double) with its fast double writer and String field names. */
    private static double jackson(List<Prediction> ps) throws IOException {
        long t0 = THREADS.getCurrentThreadCpuTime();
        try (JsonGenerator g = new JsonFactoryBuilder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .rootValueSeparator((String) null).build().createGenerator(OutputStream.nullOutputStream())) {
            for (Prediction p : ps) {
                g.writeStartObject();
                g.writeStringField("key", p.key);
                g.writeNumberField("ts", p.timestamp);
                g.writeNumberField("steps", p.steps);
                array(g, "actual", p.actual);
                array(g, "forecast", p.forecast);
                array(g, "previousForecast", p.previousForecast);
                if (p.lower != null) {
                    array(g, "scale", p.scale);
                    array(g, "lower", p.lower);
                    array(g, "upper", p.upper);
                    array(g, "previousLower", p.previousLower);
                    array(g, "previousUpper", p.previousUpper);
                }
                PredictionJson.number(g, "loss", p.loss);
                PredictionJson.number(g, "anomalyScore", p.anomalyScore);
                g.writeObjectFieldStart("anomaly");
                PredictionJson.number(g, "surprise", p.surprise);
                PredictionJson.number(g, "likelihood", p.likelihood);
                PredictionJson.number(g, "sustained", p.sustained);
                PredictionJson.number(g, "level", p.level);
                g.writeNumberField("channel", p.anomalyChannel);
                g.writeBooleanField("warmingUp", p.warmingUp);
                g.writeEndObject();
                g.writeBooleanField("anomalous", p.anomalous);
                PredictionJson.number(g, "rollingError", p.rollingError);
                g.writeBooleanField("drift", p.drift);
                g.writeBooleanField("diverged", p.diverged);
                if (p.label != null) {
                    g.writeStringField("label", p.label);
                }
                g.writeEndObject();
                g.writeRaw('\n');
            }
        }
        return (THREADS.getCurrentThreadCpuTime() - t0) / 1e3 / ps.size();
    }

    private static void array(JsonGenerator g, String name, double[] a) throws IOException {
        if (a == null) {
            g.writeNullField(name);
            return;
        }
        g.writeArrayFieldStart(name);
        for (double v : a) {
            if (Double.isFinite(v)) {
                g.writeNumber(v);
            } else {
                g.writeNull();
            }
        }
        g.writeEndArray();
    }
}
