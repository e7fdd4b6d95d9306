package org.flinkrtrl.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        p.level = 0.125;
        p.anomalyChannel = 1;
        p.warmingUp = true;
        p.steps = 1;
        p.label = "1";
        String json = PredictionJson.toJson(p);
        assertTrue(json.contains("\"anomaly\":{\"surprise\":0.25,\"likelihood\":0.5,\"level\":0.125,\"channel\":1,"
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
}
