package org.flinkrtrl.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The incremental figures on a hand-computed run of two keys, pooled, and as report.json. */
class EvaluationTest {
    static Prediction p(String key, long ts, double actual, double previousForecast, double score, String label) {
        Prediction p = new Prediction();
        p.key = key;
        p.timestamp = ts;
        p.actual = new double[] {actual};
        p.forecast = new double[] {actual};
        p.previousForecast = new double[] {previousForecast};
        p.anomalyScore = score;
        p.label = label;
        p.loss = Double.NaN;
        return p;
    }

    /** a: 1, 3, 2 forecast (NaN), 2, 2.5; b: 10, 10 forecast (NaN), 11 and diverged. */
    static Evaluation twoKeys() {
        Evaluation e = Evaluation.standard(1, 3.0);
        e.add(p("a", 100, 1, Double.NaN, 0, "0"));
        e.add(p("b", 100, 10, Double.NaN, 0, "0"));
        e.add(p("a", 200, 3, 2, 1.0, "1"));
        Prediction b2 = p("b", 200, 10, 11, 4.0, "1");
        b2.diverged = true;
        e.add(b2);
        e.add(p("a", 150, 2, 2.5, 5.0, "0"));
        return e;
    }

    @Test
    void perKeyFigures() {
        Evaluation e = twoKeys();
        assertEquals(5, e.predictions());
        assertEquals(2, e.keyCount());
        ForecastErrors.Errors a = e.key("a").get(ForecastErrors.Errors.class);
        assertEquals(2, a.scored(0));
        assertEquals(0.75, a.maeModel(0), 0.0);
        assertEquals(1.5, a.maePersistence(0), 0.0);
        assertEquals(Math.sqrt(0.625), a.rmseModel(0), 0.0);
        assertEquals(Math.sqrt(2.5), a.rmsePersistence(0), 0.0);
        EventCounts.Counts ca = e.key("a").counts();
        assertEquals(3, ca.events());
        assertEquals(1, ca.labelledAnomalies());
        assertEquals(1, ca.flagged());
        assertEquals(5.0, ca.maxScore(), 0.0);
        assertEquals(100, ca.minTimestamp());
        assertEquals(200, ca.maxTimestamp());
        assertEquals(0.0, e.key("a").get(AnomalyAuc.Auc.class).auc(), 0.0, "the anomalous event scored lower");
        assertTrue(Double.isNaN(e.key("b").get(AnomalyAuc.Auc.class).auc()), "b has no scored normal event");
        assertEquals(1, e.key("b").counts().divergenceResets());
    }

    @Test
    void overallPoolsTheKeys() {
        Evaluation.KeyResult all = twoKeys().overall();
        ForecastErrors.Errors f = all.get(ForecastErrors.Errors.class);
        assertEquals(3, f.scored(0));
        assertEquals(2.5 / 3, f.maeModel(0), 1e-15);
        assertEquals(1.0, f.maePersistence(0), 0.0);
        assertEquals(Math.sqrt(2.25 / 3), f.rmseModel(0), 1e-15);
        assertEquals(0.0, all.get(AnomalyAuc.Auc.class).auc(), 0.0, "anomalous 1 and 4 against normal 5");
        assertEquals(5, all.counts().events());
        assertEquals(2, all.counts().flagged());
        assertEquals(5.0, all.counts().maxScore(), 0.0);
    }

    @Test
    void keysInNumericThenTextOrder() {
        Evaluation e = Evaluation.standard(1, 3.0);
        for (String k : new String[] {"b", "10", "a", "9", "-3", "99999999999999999999999"}) {
            e.add(p(k, 0, 1, Double.NaN, 0, null));
        }
        assertEquals(List.of("-3", "9", "10", "99999999999999999999999", "a", "b"),
            e.keys().stream().map(Evaluation.KeyResult::key).toList());
    }

    @Test
    void jsonSummaryHoldsEveryKeyAndThePooledFigures(@TempDir Path dir) throws Exception {
        Evaluation e = twoKeys();
        Path json = dir.resolve("report.json");
        JsonSummary.write(json, new RunInfo("in.jsonl", "mapping", "model", "plain", new String[] {"x"}, 2.0, 1.0, 7), e);
        JsonNode n = new ObjectMapper().readTree(json.toFile());
        assertEquals(5, n.get("events").asLong());
        assertEquals(2, n.get("keyCount").asInt());
        assertEquals(7, n.get("deadLetters").asInt());
        assertEquals(4.0, n.get("processingEventsPerSecond").asDouble(), 0.0);
        assertEquals("x", n.get("channels").get(0).asText());
        JsonNode overall = n.get("overall");
        assertEquals(5, overall.get("events").get("events").asLong());
        assertTrue(overall.get("events").get("events").isIntegralNumber());
        assertEquals(1.0, overall.get("forecast").get("x").get("maePersistence").asDouble(), 0.0);
        assertEquals(0.0, overall.get("anomaly").get("rocAuc").asDouble(), 0.0);
        JsonNode keys = n.get("keys");
        assertEquals(2, keys.size());
        assertEquals("a", keys.get(0).get("key").asText());
        assertEquals(100, keys.get(0).get("minTs").asLong());
        assertEquals(0.75, keys.get(0).get("forecast").get("x").get("maeModel").asDouble(), 0.0);
        assertEquals(2, keys.get(0).get("forecast").get("x").get("scored").asLong());
        assertTrue(keys.get(1).get("anomaly").get("rocAuc").isNull(), "undefined figures are null");
        assertEquals(1, keys.get(1).get("events").get("divergenceResets").asLong());
    }

    @Test
    void jsonSummaryEscapesAnyKey(@TempDir Path dir) throws Exception {
        Evaluation e = Evaluation.standard(1, 3.0);
        String odd = "k\ud800\u0000\"\u00e9\ud83d\ude00";
        e.add(p(odd, Long.MIN_VALUE, 1, Double.NaN, 0, null));
        e.add(p(odd, Long.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, null));
        Path json = dir.resolve("report.json");
        JsonSummary.write(json, new RunInfo("in", "m", "c", "k", new String[] {"x"}, 0, 0, 0), e);
        String text = Files.readString(json);
        assertTrue(text.chars().allMatch(c -> c < 128), "ASCII only");
        JsonNode k = new ObjectMapper().readTree(text).get("keys").get(0);
        assertEquals(odd, k.get("key").asText());
        assertEquals(Long.MIN_VALUE, k.get("minTs").asLong());
        assertEquals(Long.MAX_VALUE, k.get("maxTs").asLong());
        assertTrue(k.get("forecast").get("x").get("maeModel").isNull(), "an infinite error is written as null");
    }
}
