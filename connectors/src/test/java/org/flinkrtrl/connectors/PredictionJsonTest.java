package org.flinkrtrl.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;

/** Output records round-trip, with NaN as null. */
class PredictionJsonTest {
    @Test
    void predictionRoundTripWithNaNAsNull() {
        Prediction p = new Prediction();
        p.key = "k7";
        p.timestamp = 1700000000000L;
        p.actual = new double[] {21.5, -0.125};
        p.forecast = new double[] {21.25, 1e-300};
        p.previousForecast = new double[] {Double.NaN, Double.NaN};
        p.loss = Double.NaN;
        p.anomalyScore = 0.0;
        p.surprise = 0.25;
        p.likelihood = 0.5;
        p.sustained = 0.375;
        p.level = 0.125;
        p.anomalyChannel = 1;
        p.warmingUp = true;
        p.steps = 1;
        p.label = "1";
        String json = PredictionJson.toJson(p);
        assertTrue(json.contains("\"anomaly\":{\"surprise\":0.25,\"likelihood\":0.5,\"sustained\":0.375,\"level\":0.125,\"channel\":1,"
            + "\"warmingUp\":true}"), json);
        assertTrue(json.contains("\"previousForecast\":[null,null]"), json);
        assertTrue(json.contains("\"loss\":null"), json);
        assertTrue(json.startsWith("{\"key\":\"k7\",\"ts\":1700000000000,\"steps\":1,"), json);
        assertEquals(p, PredictionJson.fromJson(json));

        p.label = null;
        p.loss = 0.3;
        p.diverged = true;
        String json2 = PredictionJson.toJson(p);
        assertFalse(json2.contains("label"), json2);
        assertEquals(p, PredictionJson.fromJson(json2));
    }

    @Test
    void deadLetterRoundTrip() {
        DeadLetter d = new DeadLetter("parse", "malformed JSON: x", "{\"a\":\u00e9\"", null, Long.MIN_VALUE);
        String json = PredictionJson.toJson(d);
        assertTrue(json.contains("\"ts\":null"), json);
        assertEquals(d, PredictionJson.deadLetterFromJson(json));
        DeadLetter d2 = new DeadLetter("validate", "values has dimension 3, expected 2", "Event{..}", "k", 5L);
        assertEquals(d2, PredictionJson.deadLetterFromJson(PredictionJson.toJson(d2)));
    }

    /**
     * toJson is the text of the format written field by field with Jackson's own writer (jacksonText, the oracle),
     * and the reused writers write exactly that, record after record: the line writer with one newline each, the
     * encoder as that text's UTF-8 bytes; also after a record whose unpaired surrogate switched escaping on.
     */
    @Test
    void reusedGeneratorsWriteTheSameTextAsToJson() throws Exception {
        Random rnd = new Random(7);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        PredictionJson.Encoder enc = new PredictionJson.Encoder();
        try (PredictionJson.LineWriter w = new PredictionJson.LineWriter(file)) {
            for (int i = 0; i < 200; i++) {
                Prediction p = new Prediction();
                // keys: printable ASCII (written directly), non-ASCII and escapes (through Jackson's escaping)
                p.key = i % 50 == 3 ? "bad\uD800key" : i % 11 == 0 ? "q\"u\\o\tte\u007f/" : i % 2 == 1 ? "plain-" + i
                    : "key-" + (i % 7) + "-\u00e9";
                p.timestamp = i == 7 ? Long.MIN_VALUE : i == 8 ? -5 : i == 9 ? Long.MAX_VALUE : 1_700_000_000_000L + i;
                p.steps = i == 8 ? -1 : i;
                // one record longer than the line writer's buffer (its pass-through path)
                p.actual = i == 100 ? rnd.doubles(900).map(v -> v * 1e6).toArray()
                    : new double[] {rnd.nextGaussian() * 1e3, i == 5 ? Double.NaN : rnd.nextDouble() * 1e-5};
                p.forecast = new double[] {rnd.nextGaussian(), Double.POSITIVE_INFINITY};
                p.previousForecast = new double[] {rnd.nextGaussian() * 1e9, 1e-300};
                if (i % 2 == 0) {
                    p.scale = new double[] {rnd.nextDouble(), 2};
                    p.lower = new double[] {-rnd.nextDouble(), 0.1};
                    p.upper = new double[] {rnd.nextDouble(), 0.2};
                    p.previousLower = new double[] {Double.NaN, -3};
                    p.previousUpper = new double[] {Double.NaN, 3};
                }
                p.loss = i == 0 ? Double.NaN : rnd.nextDouble();
                p.anomalyScore = rnd.nextDouble();
                p.surprise = rnd.nextGaussian();
                p.likelihood = rnd.nextDouble();
                p.sustained = rnd.nextDouble();
                p.level = rnd.nextGaussian();
                p.anomalyChannel = i % 2;
                p.warmingUp = i < 10;
                p.diverged = i == 17;
                p.label = i % 3 == 0 ? "1" : i % 3 == 1 ? null : "l\u00e4bel \"" + i + "\"";
                String json = PredictionJson.toJson(p);
                assertEquals(jacksonText(p), json);
                assertEquals(json, new String(enc.encode(p), StandardCharsets.UTF_8));
                assertEquals(p.key, PredictionJson.fromJson(json).key);
                w.write(p);
                expected.append(json).append('\n');
                if (i % 40 == 0) {
                    DeadLetter d = DeadLetter.bounded("parse", "reason \"" + i + "\"", "x,\uDC00,y", null,
                        Long.MIN_VALUE, 100);
                    String dj = PredictionJson.toJson(d);
                    assertEquals(dj, new String(enc.encode(d), StandardCharsets.UTF_8));
                    w.write(d);
                    expected.append(dj).append('\n');
                }
            }
        }
        assertEquals(expected.toString(), file.toString(StandardCharsets.UTF_8));
    }

    /**
     * The format written field by field with Jackson's own number writer (its fast double writer): the reference
     * for {@link DoubleText} and the pre-encoded field names.
     */
    private static String jacksonText(Prediction p) throws java.io.IOException {
        java.io.StringWriter w = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator g = new com.fasterxml.jackson.core.JsonFactoryBuilder()
                .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build()
                .createGenerator(w)) {
            g.writeStartObject();
            boolean surrogate = org.flinkrtrl.record.Texts.unpairedSurrogate(p.key) >= 0;
            g.setHighestNonEscapedChar(surrogate ? 0x7f : 0);
            g.writeStringField("key", p.key);
            g.setHighestNonEscapedChar(0);
            g.writeNumberField("ts", p.timestamp);
            g.writeNumberField("steps", p.steps);
            String[] names = {"actual", "forecast", "previousForecast", "scale", "lower", "upper", "previousLower",
                "previousUpper"};
            double[][] arrays = {p.actual, p.forecast, p.previousForecast, p.scale, p.lower, p.upper,
                p.previousLower, p.previousUpper};
            for (int i = 0; i < names.length; i++) {
                if (i >= 3 && p.lower == null) {
                    break;
                }
                g.writeArrayFieldStart(names[i]);
                for (double v : arrays[i]) {
                    if (Double.isFinite(v)) {
                        g.writeNumber(v);
                    } else {
                        g.writeNull();
                    }
                }
                g.writeEndArray();
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
        }
        return w.toString();
    }
}
