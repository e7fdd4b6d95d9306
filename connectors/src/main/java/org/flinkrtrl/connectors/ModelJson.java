package org.flinkrtrl.connectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Base64;
import org.flinkrtrl.core.anomaly.AnomalyDetector;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSetting;
import org.flinkrtrl.core.learner.ModelSettings;
import org.flinkrtrl.core.learner.OnlineLearner;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.core.logs.LogSourceModel;

/**
 * The model line: one key's model as one JSON object, the export and import format of the model lifecycle
 * (docs/model-lifecycle.md). It carries the full state as base64 of the codec bytes ({@code state}), so an import
 * is lossless, and beside it what a person or a tool wants to read: configuration, steps, recent errors, anomaly
 * statistics, the key's lifecycle (control overrides and error monitor, with its own bytes) and, on request, the
 * weights. Only {@code key}, {@code kind}, {@code state} and {@code lifecycle.state} are read back.
 * NaN and infinities are written as {@code null}. Stateless and thread-safe.
 */
public final class ModelJson {
    /** Kind of a forecaster line (sensor job, operator uid rtrl-forecaster). */
    public static final String FORECASTER = "forecaster";
    /** Kind of a log model line (log mode, operator uid rtrl-log-model). */
    public static final String LOG = "log";

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelJson() {}

    /**
     * What an import needs of a line: the key, the kind, the model's state bytes and the key's lifecycle bytes
     * ({@code KeyLifecycle}: control overrides and the error monitor; null when the line has none).
     */
    public record Line(String key, String kind, byte[] state, byte[] lifecycle) {}

    /** A forecaster's line; {@code weights} adds the network weights and the linear coefficients. */
    public static String forecaster(String key, ForecastingLearner l, boolean weights) {
        return forecaster(key, l, null, weights);
    }

    /** As above, with the key's lifecycle state ({@code KeyLifecycle} bytes) when not null. */
    public static String forecaster(String key, ForecastingLearner l, KeyLifecycle lifecycle, boolean weights) {
        return write(g -> {
            head(g, key, FORECASTER, l.config(), l.steps());
            g.writeNumberField("divergences", l.divergences());
            g.writeNumberField("cadenceMillis", l.cadenceMillis());
            g.writeArrayFieldStart("seasonalLags");
            for (int lag : l.seasonalLags()) {
                g.writeNumber(lag);
            }
            g.writeEndArray();
            int d = l.config().inputs();
            g.writeArrayFieldStart("channels");
            for (int c = 0; c < d; c++) {
                g.writeStartObject();
                number(g, "unit", l.unit(c));
                number(g, "levelMean", l.levelMean(c));
                number(g, "levelStd", l.levelStd(c));
                number(g, "changeStd", l.changeStd(c));
                number(g, "scale", l.scale(c));
                number(g, "intervalMultiplier", l.intervalMultiplier(c));
                g.writeObjectFieldStart("recentAbsError");
                for (int k = 0; k < ForecastingLearner.EXPERT_NAMES.length; k++) {
                    number(g, ForecastingLearner.EXPERT_NAMES[k], l.recentAbsError(k, c));
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            network(g, l.model());
            AnomalyDetector a = l.detector();
            g.writeObjectFieldStart("anomaly");
            g.writeNumberField("scored", a.count());
            g.writeBooleanField("warmingUp", a.warmingUp());
            number(g, "lastLearnWeight", a.weight());
            number(g, "recentSurprise", a.recentSurprise());
            g.writeArrayFieldStart("levelMean");
            for (int c = 0; c < d; c++) {
                value(g, a.levelMean(c));
            }
            g.writeEndArray();
            g.writeArrayFieldStart("levelStd");
            for (int c = 0; c < d; c++) {
                value(g, a.levelStd(c));
            }
            g.writeEndArray();
            g.writeEndObject();
            if (weights) {
                g.writeObjectFieldStart("weights");
                array(g, "recurrent", l.model().recurrentWeights());
                array(g, "readout", l.model().readoutWeights());
                g.writeArrayFieldStart("linear");
                for (int c = 0; c < d; c++) {
                    g.writeStartArray();
                    for (double v : l.linearCoefficients(c)) {
                        value(g, v);
                    }
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeStringField("state", Base64.getEncoder().encodeToString(LearnerCodec.toBytes(l)));
            lifecycle(g, lifecycle);
        });
    }

    /** A log model's line; {@code weights} adds the network weights. */
    public static String log(String key, LogSourceModel m, boolean weights) {
        return log(key, m, null, weights);
    }

    /** As above, with the key's lifecycle state when not null. */
    public static String log(String key, LogSourceModel m, KeyLifecycle lifecycle, boolean weights) {
        LogLearner l = m.learner();
        return write(g -> {
            head(g, key, LOG, l.config(), l.events());
            g.writeObjectFieldStart("log");
            g.writeNumberField("scored", l.scoredEvents());
            g.writeNumberField("newTypes", l.newTypes());
            g.writeNumberField("overflowEvents", l.overflowEvents());
            g.writeNumberField("resets", l.resets());
            number(g, "meanBits", l.scoredEvents() == 0 ? Double.NaN : l.totalBits() / l.scoredEvents());
            g.writeNumberField("types", l.vocabulary().size());
            g.writeNumberField("templates", m.miner() == null ? 0 : m.miner().templateCount());
            g.writeEndObject();
            network(g, l.network());
            if (weights) {
                g.writeObjectFieldStart("weights");
                array(g, "recurrent", l.network().recurrentWeights());
                array(g, "readout", l.network().readoutWeights());
                g.writeEndObject();
            }
            g.writeStringField("state", Base64.getEncoder().encodeToString(m.toBytes()));
            lifecycle(g, lifecycle);
        });
    }

    /**
     * The key's lifecycle: the readable part (overrides, rolling error, drifts) and its bytes in base64
     * ({@code state}), or nothing without one.
     */
    private static void lifecycle(JsonGenerator g, KeyLifecycle k) throws IOException {
        if (k == null) {
            return;
        }
        g.writeObjectFieldStart("lifecycle");
        number(g, "learningRate", k.learningRate());
        g.writeBooleanField("frozen", k.frozen());
        number(g, "anomalyThreshold", k.anomalyThreshold());
        g.writeNumberField("warmUp", k.warmUp());
        g.writeNumberField("commandsApplied", k.commandsApplied());
        number(g, "rollingError", k.rollingError());
        g.writeNumberField("drifts", k.drifts());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        k.write(new DataOutputStream(bytes));
        g.writeStringField("state", Base64.getEncoder().encodeToString(bytes.toByteArray()));
        g.writeEndObject();
    }

    /**
     * The lifecycle of a line, or null when it has none.
     *
     * @throws IllegalArgumentException when its bytes do not decode
     */
    public static KeyLifecycle lifecycle(Line line) {
        if (line.lifecycle() == null) {
            return null;
        }
        try {
            return KeyLifecycle.readFrom(new DataInputStream(new ByteArrayInputStream(line.lifecycle())));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("model line of key " + line.key() + ": lifecycle does not decode: "
                + e.getMessage());
        }
    }

    /**
     * Reads a line's key, kind and state.
     *
     * @throws IllegalArgumentException saying what is wrong: not JSON, no key, an unknown kind, no state or
     *                                  state that is not base64
     */
    public static Line read(String text) {
        JsonNode n;
        try {
            n = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a model line (no JSON object): " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a model line (no JSON object)");
        }
        JsonNode key = n.get("key");
        if (key == null || !key.isTextual()) {
            throw new IllegalArgumentException("model line without a key");
        }
        String kind = n.path("kind").asText("");
        if (!FORECASTER.equals(kind) && !LOG.equals(kind)) {
            throw new IllegalArgumentException("model line of key " + key.asText() + ": unknown kind '" + kind
                + "' (expected " + FORECASTER + " or " + LOG + ")");
        }
        JsonNode state = n.get("state");
        if (state == null || !state.isTextual()) {
            throw new IllegalArgumentException("model line of key " + key.asText() + " without a state");
        }
        byte[] stateBytes;
        try {
            stateBytes = Base64.getDecoder().decode(state.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model line of key " + key.asText() + ": state is not base64: "
                + e.getMessage());
        }
        JsonNode life = n.path("lifecycle").get("state");
        byte[] lifeBytes = null;
        if (life != null && !life.isNull()) {
            try {
                lifeBytes = Base64.getDecoder().decode(life.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("model line of key " + key.asText() + ": lifecycle state is not"
                    + " base64: " + e.getMessage());
            }
        }
        return new Line(key.asText(), kind, stateBytes, lifeBytes);
    }

    /**
     * The forecaster of a line.
     *
     * @throws IllegalArgumentException when the line is no forecaster's or its state does not decode
     */
    public static ForecastingLearner forecaster(Line line) {
        if (!FORECASTER.equals(line.kind())) {
            throw new IllegalArgumentException("model line of key " + line.key() + " is a " + line.kind()
                + " model, not a " + FORECASTER);
        }
        try {
            return LearnerCodec.forecastingFromBytes(line.state());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("model line of key " + line.key() + ": state does not decode: " + e.getMessage());
        }
    }

    /**
     * The log model of a line.
     *
     * @throws IllegalArgumentException when the line is no log model's or its state does not decode
     */
    public static LogSourceModel log(Line line) {
        if (!LOG.equals(line.kind())) {
            throw new IllegalArgumentException("model line of key " + line.key() + " is a " + line.kind()
                + " model, not a " + LOG);
        }
        try {
            return LogSourceModel.fromBytes(line.state());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("model line of key " + line.key() + ": state does not decode: " + e.getMessage());
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        StringWriter w = new StringWriter(4096);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.setHighestNonEscapedChar(0x7f); // keys may hold any text: every non-ASCII character escaped
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void head(JsonGenerator g, String key, String kind, ModelConfig cfg, long steps) throws IOException {
        g.writeStringField("key", key);
        g.writeStringField("kind", kind);
        g.writeNumberField("codecVersion", LearnerCodec.VERSION);
        g.writeObjectFieldStart("config");
        for (ModelSetting<?> s : ModelSettings.ALL) {
            setting(g, s, cfg);
        }
        g.writeEndObject();
        g.writeNumberField("steps", steps);
    }

    private static <T> void setting(JsonGenerator g, ModelSetting<T> s, ModelConfig cfg) throws IOException {
        T v = s.get(cfg);
        if (v instanceof Integer i) {
            g.writeNumberField(s.key(), i);
        } else if (v instanceof Long x) {
            g.writeNumberField(s.key(), x);
        } else if (v instanceof Double x) {
            number(g, s.key(), x);
        } else if (v instanceof Boolean b) {
            g.writeBooleanField(s.key(), b);
        } else {
            g.writeStringField(s.key(), s.format(v));
        }
    }

    private static void network(JsonGenerator g, OnlineLearner net) throws IOException {
        g.writeObjectFieldStart("network");
        g.writeNumberField("steps", net.steps());
        g.writeNumberField("updates", net.updates());
        number(g, "lastGradNorm", net.lastGradNorm());
        g.writeEndObject();
    }

    private static void array(JsonGenerator g, String name, double[] a) throws IOException {
        g.writeArrayFieldStart(name);
        for (double v : a) {
            value(g, v);
        }
        g.writeEndArray();
    }

    private static void value(JsonGenerator g, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeNull();
        }
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        PredictionJson.number(g, name, v);
    }
}
