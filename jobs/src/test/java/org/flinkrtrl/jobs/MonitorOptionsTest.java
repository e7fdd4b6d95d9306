package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.core.lifecycle.DriftReaction;
import org.flinkrtrl.core.lifecycle.MonitorConfig;
import org.flinkrtrl.flink.ModelOptions;
import org.junit.jupiter.api.Test;

/** The per-key monitor's settings from the command line and the Flink configuration; the control options' rules. */
class MonitorOptionsTest {
    @Test
    void everyMonitorSettingIsReachableFromTheCommandLineAndTheFlinkConfiguration() {
        assertEquals(MonitorSettings.DEFAULTS, JobOptions.parse().monitorConfig());
        MonitorConfig want = new MonitorConfig(50, false, 0.25, 40.0, 500, 20, DriftReaction.BOOST, 2.0, 30);
        assertEquals(want, JobOptions.parse("--error-window", "50", "--drift", "false", "--drift-delta", "0.25",
            "--drift-threshold", "40", "--drift-window", "500", "--drift-warm-up", "20", "--drift-reaction", "boost",
            "--drift-boost", "2", "--drift-boost-events", "30").monitorConfig());
        assertEquals(want, ModelOptions.monitorConfig(Configuration.fromMap(Map.of("rtrl.monitor.error-window", "50",
            "rtrl.monitor.drift", "false", "rtrl.monitor.drift-delta", "0.25", "rtrl.monitor.drift-threshold", "40",
            "rtrl.monitor.drift-window", "500", "rtrl.monitor.drift-warm-up", "20", "rtrl.monitor.drift-reaction",
            "BOOST", "rtrl.monitor.drift-boost", "2", "rtrl.monitor.drift-boost-events", "30"))));
        assertEquals(MonitorSettings.ALL.size(), ModelOptions.MONITOR.size());
    }

    @Test
    void badValuesAndMisplacedControlOptionsAreUsageErrors() {
        UsageException e = assertThrows(UsageException.class, () -> JobOptions.parse("--drift-threshold", "0"));
        assertTrue(e.getMessage().contains("must be finite and > 0"), e.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> ModelOptions.monitorConfig(
            Configuration.fromMap(Map.of("rtrl.monitor.error-window", "0"))));
        assertTrue(f.getMessage().startsWith("option 'rtrl.monitor.error-window' must be >= 1"), f.getMessage());
        e = assertThrows(UsageException.class, () -> JobOptions.parse("--control-topic", "c"));
        assertEquals("options --control-topic and --ack-topic need --bootstrap-servers", e.getMessage());
        e = assertThrows(UsageException.class, () -> JobOptions.parse("--bootstrap-servers", "b:9092", "--input-topic",
            "i", "--output-topic", "o", "--key-field", "k", "--value-fields", "v", "--control-file", "c.jsonl"));
        assertEquals("option --control-file applies to file runs; a Kafka job reads --control-topic", e.getMessage());
        e = assertThrows(UsageException.class, () -> JobOptions.parse("--bootstrap-servers", "b:9092", "--input-topic",
            "i", "--output-topic", "o", "--key-field", "k", "--value-fields", "v", "--ack-topic", "a"));
        assertEquals("option --ack-topic needs --control-topic", e.getMessage());
    }
}
