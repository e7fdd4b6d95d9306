package org.flinkrtrl.connectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Prediction;
import org.flinkrtrl.record.Texts;

/**
 * The output format: one JSON object per prediction,
 * {@code {"key","ts","steps","actual":[..],"forecast":[..],"previousForecast":[..],"scale":[..],"lower":[..],
 * "upper":[..],"previousLower":[..],"previousUpper":[..],"loss","anomalyScore",
 * "anomaly":{"surprise","likelihood","level","channel","warmingUp"},"anomalous","rollingError","drift","diverged",
 * "label"}}
 * ({@code label} only when present; NaN and infinities are written as {@code null} and read back as NaN), and the
 * dead-letter format {@code {"stage","reason","key","ts","payload","payloadBytes"}} plus {@code "payloadSha256"}
 * when the payload is only a prefix of the rejected record. Text with an unpaired UTF-16 surrogate is written with
 * every non-ASCII character as a JSON escape, so the output is always valid UTF-8 and reads back to the same
 * string. Stateless and thread-safe.
 */
public final class PredictionJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PredictionJson() {}

    public static String toJson(Prediction p) {
        StringWriter w = new StringWriter(160);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.writeStartObject();
            string(g, "key", p.key);
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
            number(g, "loss", p.loss);
            number(g, "anomalyScore", p.anomalyScore);
            g.writeObjectFieldStart("anomaly");
            number(g, "surprise", p.surprise);
            number(g, "likelihood", p.likelihood);
            number(g, "level", p.level);
            g.writeNumberField("channel", p.anomalyChannel);
            g.writeBooleanField("warmingUp", p.warmingUp);
            g.writeEndObject();
            g.writeBooleanField("anomalous", p.anomalous);
            number(g, "rollingError", p.rollingError);
            g.writeBooleanField("drift", p.drift);
            g.writeBooleanField("diverged", p.diverged);
            if (p.label != null) {
                string(g, "label", p.label);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    public static Prediction fromJson(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            Prediction p = new Prediction();
            p.key = n.path("key").asText(null);
            p.timestamp = n.path("ts").asLong();
            p.steps = n.path("steps").asLong();
            p.actual = array(n.get("actual"));
            p.forecast = array(n.get("forecast"));
            p.previousForecast = array(n.get("previousForecast"));
            p.scale = array(n.get("scale"));
            p.lower = array(n.get("lower"));
            p.upper = array(n.get("upper"));
            p.previousLower = array(n.get("previousLower"));
            p.previousUpper = array(n.get("previousUpper"));
            p.loss = number(n.get("loss"));
            p.anomalyScore = number(n.get("anomalyScore"));
            JsonNode a = n.path("anomaly");
            p.surprise = number(a.get("surprise"));
            p.likelihood = number(a.get("likelihood"));
            p.level = number(a.get("level"));
            p.anomalyChannel = a.path("channel").asInt(0);
            p.warmingUp = a.path("warmingUp").asBoolean(false);
            p.anomalous = n.path("anomalous").asBoolean(false);
            p.rollingError = number(n.get("rollingError"));
            p.drift = n.path("drift").asBoolean(false);
            p.diverged = n.path("diverged").asBoolean(false);
            JsonNode l = n.get("label");
            p.label = l == null || l.isNull() ? null : l.asText();
            return p;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a prediction record: " + text, e);
        }
    }

    public static String toJson(DeadLetter d) {
        StringWriter w = new StringWriter(160);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.writeStartObject();
            string(g, "stage", d.stage);
            string(g, "reason", d.reason);
            string(g, "key", d.key);
            if (d.timestamp != Long.MIN_VALUE) {
                g.writeNumberField("ts", d.timestamp);
            } else {
                g.writeNullField("ts");
            }
            string(g, "payload", d.payload);
            g.writeNumberField("payloadBytes", d.payloadBytes);
            if (d.payloadSha256 != null) {
                g.writeStringField("payloadSha256", d.payloadSha256);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    public static DeadLetter deadLetterFromJson(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            JsonNode ts = n.get("ts");
            DeadLetter d = new DeadLetter(n.path("stage").asText(null), n.path("reason").asText(null),
                n.hasNonNull("payload") ? n.get("payload").asText() : null,
                n.hasNonNull("key") ? n.get("key").asText() : null,
                ts == null || ts.isNull() ? Long.MIN_VALUE : ts.asLong());
            d.payloadBytes = n.path("payloadBytes").asLong(-1);
            d.payloadSha256 = n.hasNonNull("payloadSha256") ? n.get("payloadSha256").asText() : null;
            return d;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a dead-letter record: " + text, e);
        }
    }

    /** A string field (null as JSON null); all non-ASCII escaped when the text has an unpaired surrogate. */
    private static void string(JsonGenerator g, String name, String v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else if (Texts.unpairedSurrogate(v) >= 0) {
            g.setHighestNonEscapedChar(0x7f);
            g.writeStringField(name, v);
            g.setHighestNonEscapedChar(0);
        } else {
            g.writeStringField(name, v);
        }
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

    /** A number field, NaN and infinities as {@code null}: the output formats' convention. */
    public static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(name, v);
        } else {
            g.writeNullField(name);
        }
    }

    private static double[] array(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        double[] a = new double[n.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = number(n.get(i));
        }
        return a;
    }

    private static double number(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.doubleValue();
    }
}
