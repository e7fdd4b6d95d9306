package org.flinkrtrl.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSetting;
import org.flinkrtrl.core.learner.ModelSettings;
import org.junit.jupiter.api.Test;

class ModelOptionsTest {

    @Test
    void oneOptionPerUserSettingWithItsDefault() {
        assertEquals(ModelSettings.options().size(), ModelOptions.MODEL.size());
        for (ModelSetting<?> s : ModelSettings.options()) {
            ConfigOption<?> o = ModelOptions.option(s);
            assertEquals("rtrl.model." + s.key(), o.key());
            assertEquals(s.defaultValue(), o.defaultValue(), o.key());
        }
        assertThrows(IllegalArgumentException.class, () -> ModelOptions.option(ModelSettings.INPUTS));
    }

    @Test
    void defaultsMatchTheCoreDefaults() {
        ModelConfig fromOptions = ModelOptions.toModelConfig(new Configuration(), 2);
        ModelConfig core = ModelConfig.builder().set(ModelSettings.INPUTS, 2).set(ModelSettings.OUTPUTS, 2).build();
        assertEquals(core, fromOptions);
        assertEquals(Duration.ofDays(7), ModelOptions.stateTtl(new Configuration()));
        assertEquals(0.5, ModelOptions.anomalyThreshold(new Configuration()));
    }

    @Test
    void aLogModelTakesTheSoftmaxHeadsDefaultsForUnsetOptions() {
        ModelConfig log = ModelOptions.toLogModelConfig(new Configuration(), 12);
        assertEquals(ModelConfig.Head.SOFTMAX, log.head());
        assertEquals(13, log.outputs());
        assertEquals(0.01, log.learningRate());
        assertEquals(ModelSettings.HIDDEN.defaultValue(), log.hidden(), "no softmax default: the common one");
        Configuration set = new Configuration();
        set.set(ModelOptions.option(ModelSettings.LEARNING_RATE), 0.001);
        assertEquals(0.001, ModelOptions.toLogModelConfig(set, 12).learningRate(), "a set value is kept");
        assertEquals(0.001, ModelOptions.toModelConfig(new Configuration(), 1).learningRate(), "regression default");
        assertEquals(0.01, ModelSettings.LEARNING_RATE.defaultFor(ModelConfig.Head.SOFTMAX));
        assertEquals(0.001, ModelSettings.LEARNING_RATE.defaultFor(ModelConfig.Head.REGRESSION));
        assertMessage(Map.of("rtrl.model.learning-rate", "fast"), "option 'rtrl.model.learning-rate' could not be parsed");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ModelOptions.toLogModelConfig(Configuration.fromMap(Map.of("rtrl.model.learning-rate", "fast")), 12));
        assertTrue(e.getMessage().contains("option 'rtrl.model.learning-rate' could not be parsed"), e.getMessage());
    }

    @Test
    void readsEveryOptionFromJobParameters() {
        Map<String, String> params = new LinkedHashMap<>(Map.ofEntries(
            Map.entry("rtrl.model.cell", "gated"),
            Map.entry("rtrl.model.hidden", "32"),
            Map.entry("rtrl.model.method", "UORO"),
            Map.entry("rtrl.model.rank", "3"),
            Map.entry("rtrl.model.truncation", "8"),
            Map.entry("rtrl.model.optimizer", "sgd"),
            Map.entry("rtrl.model.learning-rate", "0.05"),
            Map.entry("rtrl.model.beta1", "0.8"),
            Map.entry("rtrl.model.beta2", "0.99"),
            Map.entry("rtrl.model.epsilon", "1e-6"),
            Map.entry("rtrl.model.clip-norm", "2.5"),
            Map.entry("rtrl.model.readout-clip-norm", "4"),
            Map.entry("rtrl.model.reset-period", "100"),
            Map.entry("rtrl.model.seed", "-9"),
            Map.entry("rtrl.model.huber-delta", "1.5"),
            Map.entry("rtrl.model.anomaly-alpha", "0.2"),
            Map.entry("rtrl.model.divergence-loss", "1e4"),
            Map.entry("rtrl.model.init-gain", "0.9"),
            Map.entry("rtrl.model.readout-init-std", "0.05"),
            Map.entry("rtrl.model.lru-r-min", "0.1"),
            Map.entry("rtrl.model.lru-r-max", "0.8"),
            Map.entry("rtrl.model.lru-max-phase", "1.5"),
            Map.entry("rtrl.model.lru-readout-width", "6"),
            Map.entry("rtrl.model.seasonal-context", "false"),
            Map.entry("rtrl.model.linear-path", "false"),
            Map.entry("rtrl.model.recurrent-path", "false"),
            Map.entry("rtrl.model.interval-level", "0.9"),
            Map.entry("rtrl.model.time-zone", "Europe/Paris"),
            Map.entry("rtrl.model.max-lag-steps", "500"),
            Map.entry("rtrl.model.linear-forgetting", "0.99"),
            Map.entry("rtrl.model.update-period", "4")));
        for (ModelSetting<?> s : ModelSettings.options()) {
            assertTrue(params.containsKey("rtrl.model." + s.key()), "the test sets every option; missing " + s.key());
        }
        params.put("rtrl.state.ttl", "2 h");
        params.put("rtrl.metrics.anomaly-threshold", "4.5");
        Configuration conf = ModelOptions.fromMap(params);
        ModelConfig c = ModelOptions.toModelConfig(conf, 3);
        assertEquals(ModelConfig.CellType.GATED, c.cell());
        assertEquals(32, c.hidden());
        assertEquals(3, c.inputs());
        assertEquals(3, c.outputs());
        assertEquals(ModelConfig.Head.REGRESSION, c.head());
        assertEquals(Method.UORO, c.method());
        assertEquals(3, c.rank());
        assertEquals(8, c.truncation());
        assertEquals(ModelConfig.OptimizerType.SGD, c.optimizer());
        assertEquals(0.05, c.learningRate());
        assertEquals(0.8, c.beta1());
        assertEquals(0.99, c.beta2());
        assertEquals(1e-6, c.epsilon());
        assertEquals(2.5, c.clipNorm());
        assertEquals(4.0, c.readoutClipNorm());
        assertEquals(100, c.resetPeriod());
        assertEquals(-9L, c.seed());
        assertEquals(1.5, c.huberDelta());
        assertEquals(0.2, c.anomalyAlpha());
        assertEquals(1e4, c.divergenceLoss());
        assertEquals(0.9, c.initGain());
        assertEquals(0.05, c.readoutInitStd());
        assertEquals(4, c.updatePeriod());
        assertEquals(new org.flinkrtrl.core.learner.ForecasterOptions(false, false, false, 0.9, "Europe/Paris", 500, 0.99),
            org.flinkrtrl.core.learner.ForecasterOptions.of(c));
        assertEquals(0.4, c.lruRMin()); // the lru ring belongs to method lru only; other methods hold the defaults
        params.put("rtrl.model.method", "lru");
        ModelConfig lru = ModelOptions.toModelConfig(ModelOptions.fromMap(params), 3);
        assertEquals(0.1, lru.lruRMin());
        assertEquals(0.8, lru.lruRMax());
        assertEquals(1.5, lru.lruMaxPhase());
        assertEquals(6, lru.lruReadoutWidth());
        assertEquals(0, c.lruReadoutWidth());
        assertEquals(Duration.ofHours(2), ModelOptions.stateTtl(conf));
        assertEquals(4.5, ModelOptions.anomalyThreshold(conf));
    }

    @Test
    void badValuesNameTheOption() {
        assertMessage(Map.of("rtrl.model.hidden", "0"), "option 'rtrl.model.hidden' must be >= 1 and <= 4096, got 0");
        assertMessage(Map.of("rtrl.model.hidden", "lots"), "option 'rtrl.model.hidden' could not be parsed");
        assertMessage(Map.of("rtrl.model.method", "adamw"), "option 'rtrl.model.method' could not be parsed");
        assertMessage(Map.of("rtrl.model.cell", "lstm"), "option 'rtrl.model.cell' could not be parsed");
        assertMessage(Map.of("rtrl.model.learning-rate", "-1"), "option 'rtrl.model.learning-rate' must be finite and > 0");
        assertMessage(Map.of("rtrl.model.rank", "0"), "option 'rtrl.model.rank' must be >= 1");
        assertMessage(Map.of("rtrl.model.update-period", "0"), "option 'rtrl.model.update-period' must be in [1, 1000000]");
        assertMessage(Map.of("rtrl.model.anomaly-alpha", "1.5"), "option 'rtrl.model.anomaly-alpha' must be in (0, 1]");
        assertMessage(Map.of("rtrl.model.clip-norm", "NaN"), "option 'rtrl.model.clip-norm' must be >= 0");
        assertMessage(Map.of("rtrl.model.reset-period", "-2"), "option 'rtrl.model.reset-period' must be >= 0");
        assertMessage(Map.of("rtrl.model.beta1", "1"), "option 'rtrl.model.beta1' must be in [0, 1), got 1.0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ModelOptions.toModelConfig(new Configuration(), 0));
        assertTrue(e.getMessage().contains("at least one value field"), e.getMessage());
        IllegalArgumentException ttl = assertThrows(IllegalArgumentException.class,
            () -> ModelOptions.stateTtl(ModelOptions.fromMap(Map.of("rtrl.state.ttl", "soon"))));
        assertTrue(ttl.getMessage().startsWith("option 'rtrl.state.ttl' could not be parsed"), ttl.getMessage());
    }

    private static void assertMessage(Map<String, String> params, String expectedStart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ModelOptions.toModelConfig(ModelOptions.fromMap(params), 2));
        assertTrue(e.getMessage().startsWith(expectedStart), "message was: " + e.getMessage());
    }
}
