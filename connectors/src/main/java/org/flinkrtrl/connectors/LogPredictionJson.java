package org.flinkrtrl.connectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.flinkrtrl.record.LogPrediction;

/**
 * The log mode's output format: one JSON object per event,
 * {@code {"key","ts","typeId","template","probability","surprise","unseen","anomalyScore","top":[{"type","p"},..],
 * "parts":{"network","context","frequency","gap"},"rollingLogLoss","drift","label"}} (parts: the surprise, bits,
 * under each component of the mixture alone and of the time gap)
 * ({@code label} only when present; NaN, the first event's probability and surprise, as {@code null}, read back as
 * NaN). Stateless and thread-safe.
 */
public final class LogPredictionJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LogPredictionJson() {}

    public static String toJson(LogPrediction p) {
        StringWriter w = new StringWriter(200);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("key", p.key);
            g.writeNumberField("ts", p.timestamp);
            g.writeStringField("typeId", p.typeId);
            g.writeStringField("template", p.template);
            PredictionJson.number(g, "probability", p.probability);
            PredictionJson.number(g, "surprise", p.surprise);
            g.writeBooleanField("unseen", p.unseen);
            PredictionJson.number(g, "anomalyScore", p.anomalyScore);
            g.writeArrayFieldStart("top");
            for (int i = 0; i < p.topTypes.length; i++) {
                g.writeStartObject();
                g.writeStringField("type", p.topTypes[i]);
                PredictionJson.number(g, "p", p.topProbabilities[i]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("parts");
            PredictionJson.number(g, "network", p.networkSurprise);
            PredictionJson.number(g, "context", p.contextSurprise);
            PredictionJson.number(g, "frequency", p.frequencySurprise);
            PredictionJson.number(g, "gap", p.gapSurprise);
            g.writeEndObject();
            PredictionJson.number(g, "rollingLogLoss", p.rollingLogLoss);
            g.writeBooleanField("drift", p.drift);
            if (p.label != null) {
                g.writeStringField("label", p.label);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    public static LogPrediction fromJson(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            LogPrediction p = new LogPrediction();
            p.key = n.path("key").asText();
            p.timestamp = n.path("ts").asLong();
            p.typeId = n.path("typeId").asText();
            p.template = n.path("template").asText();
            p.probability = number(n.get("probability"));
            p.surprise = number(n.get("surprise"));
            p.unseen = n.path("unseen").asBoolean();
            p.anomalyScore = number(n.get("anomalyScore"));
            JsonNode top = n.path("top");
            p.topTypes = new String[top.size()];
            p.topProbabilities = new double[top.size()];
            for (int i = 0; i < top.size(); i++) {
                p.topTypes[i] = top.get(i).path("type").asText();
                p.topProbabilities[i] = number(top.get(i).get("p"));
            }
            JsonNode parts = n.path("parts");
            p.networkSurprise = number(parts.get("network"));
            p.contextSurprise = number(parts.get("context"));
            p.frequencySurprise = number(parts.get("frequency"));
            p.gapSurprise = number(parts.get("gap"));
            p.rollingLogLoss = number(n.get("rollingLogLoss"));
            p.drift = n.path("drift").asBoolean(false);
            p.label = n.hasNonNull("label") ? n.get("label").asText() : null;
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double number(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }
}
