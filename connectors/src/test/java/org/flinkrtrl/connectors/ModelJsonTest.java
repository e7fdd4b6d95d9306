package org.flinkrtrl.connectors;

import static org.flinkrtrl.core.learner.ModelSettings.HIDDEN;
import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.OUTPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.SEED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.core.logs.LogSourceModel;
import org.flinkrtrl.core.logs.MinerSettings;
import org.flinkrtrl.core.logs.TemplateMiner;
import org.junit.jupiter.api.Test;

/** The model line: the state round trips bit for bit, the readable fields are the model's, bad lines say why. */
class ModelJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long T0 = 1273363200000L;

    static ForecastingLearner trained(int events) {
        ModelConfig cfg = ModelConfig.builder().set(INPUTS, 2).set(OUTPUTS, 2).set(HIDDEN, 4).set(SEED, 3L).build();
        ForecastingLearner l = new ForecastingLearner(cfg, 11L);
        for (int t = 0; t < events; t++) {
            l.observe(T0 + 5000L * t, new double[] {40 + Math.sin(t / 7.0), 25 + 0.01 * t});
        }
        return l;
    }

    @Test
    void forecasterLineCarriesTheExactStateAndTheModelsFigures() throws Exception {
        ForecastingLearner l = trained(300);
        String line = ModelJson.forecaster("mote-\u00e9", l, true);
        assertFalse(line.contains("\n"));
        assertTrue(line.chars().allMatch(c -> c < 0x80), "ASCII only");
        JsonNode n = MAPPER.readTree(line);
        assertEquals("mote-\u00e9", n.get("key").asText());
        assertEquals("forecaster", n.get("kind").asText());
        assertEquals(LearnerCodec.VERSION, n.get("codecVersion").asInt());
        assertEquals(300, n.get("steps").asLong());
        assertEquals(4, n.get("config").get("hidden").asInt());
        assertEquals("ok", n.get("config").get("method").asText());
        assertEquals(0.001, n.get("config").get("learning-rate").asDouble());
        assertEquals(5000, n.get("cadenceMillis").asLong());
        assertEquals(2, n.get("channels").size());
        JsonNode c1 = n.get("channels").get(1);
        assertEquals(25.0, c1.get("unit").asDouble());
        assertEquals(l.levelMean(1), c1.get("levelMean").asDouble());
        assertEquals(l.changeStd(1), c1.get("changeStd").asDouble());
        assertEquals(l.recentAbsError(1, 1), c1.get("recentAbsError").get("linear").asDouble());
        assertEquals(299, n.get("anomaly").get("scored").asLong());
        assertEquals(l.detector().levelMean(0), n.get("anomaly").get("levelMean").get(0).asDouble());
        assertEquals(l.model().recurrentWeights().length, n.get("weights").get("recurrent").size());
        assertEquals(l.model().recurrentWeights()[5], n.get("weights").get("recurrent").get(5).asDouble());
        assertEquals(l.linearCoefficients(0)[1], n.get("weights").get("linear").get(0).get(1).asDouble());
        assertArrayEquals(LearnerCodec.toBytes(l), Base64.getDecoder().decode(n.get("state").asText()));
        assertFalse(MAPPER.readTree(ModelJson.forecaster("k", l, false)).has("weights"));
        assertFalse(n.has("lifecycle"));
        assertEquals(null, ModelJson.read(line).lifecycle());

        // with the key's lifecycle: its bytes round trip
        KeyLifecycle life = new KeyLifecycle();
        life.setLearningRate(0.005);
        life.setFrozen(true);
        String withLife = ModelJson.forecaster("k", l, life, false);
        JsonNode lj = MAPPER.readTree(withLife).get("lifecycle");
        assertEquals(0.005, lj.get("learningRate").asDouble());
        assertTrue(lj.get("frozen").asBoolean());
        KeyLifecycle back = ModelJson.lifecycle(ModelJson.read(withLife));
        java.io.ByteArrayOutputStream lifeBytes = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream backBytes = new java.io.ByteArrayOutputStream();
        life.write(new java.io.DataOutputStream(lifeBytes));
        back.write(new java.io.DataOutputStream(backBytes));
        assertArrayEquals(lifeBytes.toByteArray(), backBytes.toByteArray());

        // the decoded model continues exactly as the original
        ModelJson.Line read = ModelJson.read(line);
        assertEquals("mote-\u00e9", read.key());
        ForecastingLearner copy = ModelJson.forecaster(read);
        for (int t = 300; t < 340; t++) {
            double[] x = {40 + Math.sin(t / 7.0), 25 + 0.01 * t};
            double[] a = l.observe(T0 + 5000L * t, x).forecast.clone();
            double[] b = copy.observe(T0 + 5000L * t, x).forecast.clone();
            assertArrayEquals(a, b);
        }
        assertArrayEquals(LearnerCodec.toBytes(l), LearnerCodec.toBytes(copy));
    }

    @Test
    void logLineRoundTrips() throws Exception {
        ModelConfig cfg = LogLearner.config(ModelConfig.builder().set(HIDDEN, 4).build(), 7);
        LogSourceModel m = new LogSourceModel(new TemplateMiner(MinerSettings.DEFAULTS), new LogLearner(cfg, 5L), 3);
        for (int t = 0; t < 50; t++) {
            m.observe(t % 3 == 0 ? "user " + t + " logged in" : "disk full on /dev/sda" + (t % 2), T0 + t);
        }
        String line = ModelJson.log("host-1", m, false);
        JsonNode n = MAPPER.readTree(line);
        assertEquals("log", n.get("kind").asText());
        assertEquals(50, n.get("steps").asLong());
        assertEquals(m.learner().vocabulary().size(), n.get("log").get("types").asInt());
        assertEquals(m.miner().templateCount(), n.get("log").get("templates").asInt());
        ModelJson.Line read = ModelJson.read(line);
        assertArrayEquals(m.toBytes(), read.state());
        assertArrayEquals(m.toBytes(), ModelJson.log(read).toBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelJson.forecaster(read));
        assertEquals("model line of key host-1 is a log model, not a forecaster", e.getMessage());
    }

    @Test
    void badLinesAreRefusedWithTheReason() {
        assertEquals("not a model line (no JSON object)",
            assertThrows(IllegalArgumentException.class, () -> ModelJson.read("[1,2]")).getMessage());
        assertEquals("model line without a key",
            assertThrows(IllegalArgumentException.class, () -> ModelJson.read("{\"kind\":\"log\"}")).getMessage());
        assertEquals("model line of key a: unknown kind 'x' (expected forecaster or log)", assertThrows(
            IllegalArgumentException.class, () -> ModelJson.read("{\"key\":\"a\",\"kind\":\"x\"}")).getMessage());
        assertEquals("model line of key a without a state", assertThrows(IllegalArgumentException.class,
            () -> ModelJson.read("{\"key\":\"a\",\"kind\":\"log\"}")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> ModelJson.read("{\"key\":\"a\",\"kind\":\"log\",\"state\":\"%%\"}")).getMessage()
            .startsWith("model line of key a: state is not base64"));
        ModelJson.Line garbage = ModelJson.read("{\"key\":\"a\",\"kind\":\"forecaster\",\"state\":\"AAAA\"}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelJson.forecaster(garbage)).getMessage()
            .startsWith("model line of key a: state does not decode: "));
    }
}
