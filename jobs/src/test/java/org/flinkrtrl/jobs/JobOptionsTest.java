package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.flinkrtrl.connectors.EventParser;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSetting;
import org.flinkrtrl.core.learner.ModelSettings;
import org.flinkrtrl.flink.ModelOptions;
import org.flinkrtrl.flink.StateCacheSize;
import org.junit.jupiter.api.Test;

/** The command line: every option in --help, typed values, and bad input rejected with a clear message and exit 2. */
class JobOptionsTest {
    static String[] run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = SensorForecastJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(rc), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void helpListsEveryDeclaredOption() throws Exception {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        String help = r[1];
        int names = 0;
        for (Cli.Option<?> o : JobOptions.parse().declared()) {
            for (String name : o.spec.names()) {
                assertTrue(Pattern.compile("(^|[ ,])" + Pattern.quote(name) + "([=, ]|$)", Pattern.MULTILINE)
                    .matcher(help).find(), "help lacks " + name);
                names++;
            }
        }
        assertTrue(names > 40, "declared names: " + names);
        for (ModelSetting<?> s : ModelSettings.options()) {
            assertTrue(help.contains("--" + s.key() + "=<" + s.label() + ">"), "help lacks --" + s.key());
            assertTrue(help.contains(s.description()), "help lacks the description of --" + s.key());
        }
        assertTrue(help.contains("(default: 0.001)"), help);
        assertTrue(help.contains("--cell=<tanh|gated>"), help);
    }

    @Test
    void everyModelSettingIsReachableFromTheCommandLine() {
        ModelConfig defaults = JobOptions.parse().modelConfig();
        assertEquals(ModelConfig.builder().set(ModelSettings.INPUTS, 2).set(ModelSettings.OUTPUTS, 2).build(), defaults,
            "embedded defaults: the sensor data's two value fields");
        for (ModelSetting<?> s : ModelSettings.options()) {
            assertReachable(s, defaults);
        }
    }

    private static <T> void assertReachable(ModelSetting<T> s, ModelConfig defaults) {
        String text = anotherValidText(s);
        T other = s.parse(text);
        if (s.key().startsWith("lru-")) { // the lru ring settings take effect with method lru only
            ModelConfig c = JobOptions.parse("--method", "lru", "--" + s.key(), text).modelConfig();
            assertEquals(other, s.get(c), s.key());
            assertEquals(defaults.with(ModelSettings.METHOD, Method.LRU).with(s, other), c,
                "--" + s.key() + " changes only " + s.name());
            return;
        }
        ModelConfig c = JobOptions.parse("--" + s.key(), text).modelConfig();
        assertEquals(other, s.get(c), s.key());
        assertEquals(defaults.with(s, other), c, "--" + s.key() + " changes only " + s.name());
    }

    /** The first of a few typical texts (or enum choices) that is a valid value other than the default. */
    private static String anotherValidText(ModelSetting<?> s) {
        List<String> candidates = new ArrayList<>(List.of("0.5", "2", "3", "0.25", "false", "Europe/Paris"));
        candidates.addAll(List.of(s.choices().split(", ")));
        for (String text : candidates) {
            if (isOtherValid(s, text)) {
                return text;
            }
        }
        throw new AssertionError("no valid non-default text for " + s.key());
    }

    private static <T> boolean isOtherValid(ModelSetting<T> s, String text) {
        try {
            T v = s.parse(text);
            return s.isValid(v) && !v.equals(s.defaultValue());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void aliasesReachTheSameSetting() {
        assertEquals(0.05, JobOptions.parse("--lr", "0.05").modelConfig().learningRate());
        assertEquals(0.05, JobOptions.parse("--learning-rate=0.05").modelConfig().learningRate());
        assertEquals(2.0, JobOptions.parse("--clip", "2").modelConfig().clipNorm());
        assertEquals(-9L, JobOptions.parse("--seed", "-9").modelConfig().seed());
        assertNotEquals(JobOptions.parse().modelConfig(), JobOptions.parse("--huber-delta", "1").modelConfig());
    }

    @Test
    void badOptionsAreRejectedWithAClearMessage() throws Exception {
        String[][] cases = {
            {"unknown option '--hiden'; did you mean --hidden?", "--hiden", "8"},
            {"unknown option '--hiden'; did you mean --hidden?", "--hiden=8"},
            {"unexpected argument 'x' (options start with --", "x"},
            {"invalid value 'x' for --hidden: expected an integer", "--hidden", "x"},
            {"invalid value '0' for --hidden: must be >= 1", "--hidden", "0"},
            {"invalid value '5000' for --hidden: must be >= 1 and <= 4096", "--hidden", "5000"},
            {"invalid value 'lstm' for --cell: expected one of tanh, gated", "--cell", "lstm"},
            {"invalid value 'adamw' for --method: expected one of ok, kf, uoro, rtrl, tbptt, lru", "--method", "adamw"},
            {"invalid value '1.5' for --anomaly-alpha: must be in (0, 1]", "--anomaly-alpha", "1.5"},
            {"invalid value '1' for --beta1: must be in [0, 1)", "--beta1", "1"},
            {"invalid value '-1' for --lr: must be finite and > 0", "--lr", "-1"},
            {"invalid value 'maybe' for --delivery", "--delivery", "maybe"},
            {"option --lr needs a value <rate>", "--lr"},
            {"option --learning-rate needs a value <rate>", "--learning-rate", "--hidden", "4"},
            {"option --input-topic is required with --bootstrap-servers", "--bootstrap-servers", "h:1"},
            {"option --value-fields is required with --input", "--input", "x.csv", "--key-field", "k"},
            {"option --output-topic needs --bootstrap-servers", "--output-topic", "t"},
            {"invalid value 'soon' for --ttl: expected a duration", "--ttl", "soon"},
            {"invalid value 'lots' for --state-cache: expected auto, a share of the heap", "--state-cache", "lots"},
            {"invalid value '1heap' for --state-cache: expected auto", "--state-cache", "1heap"},
            {"option --hidden given twice", "--hidden", "4", "--hidden", "8"},
            {"option --learning-rate given twice", "--learning-rate", "0.1", "--lr", "0.2"},
            {"option '--help' should be specified without 'yes' parameter", "--help=yes"},
            {"input file not found: /nonexistent/in.csv", "--input", "/nonexistent/in.csv", "--key-field", "k", "--value-fields", "v"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            String[] r = run(args);
            assertEquals("2", r[0], String.join(" ", args));
            assertTrue(r[2].contains(c[0]), "for " + String.join(" ", args) + " got: " + r[2]);
            assertTrue(r[2].contains("--help"), r[2]);
        }
    }

    @Test
    void theStateCacheFollowsTheHeapUnlessGivenASize() {
        assertEquals(StateCacheSize.DEFAULT, JobOptions.parse().stateCache());
        assertEquals(StateCacheSize.DEFAULT, ModelOptions.stateCache(JobOptions.parse().modelOptions()));
        assertEquals(StateCacheSize.heapShare(0.4), JobOptions.parse("--state-cache", "0.4heap").stateCache());
        assertEquals(StateCacheSize.bytes(512L << 20),
            ModelOptions.stateCache(JobOptions.parse("--state-cache", "512mb").modelOptions()));
        assertEquals(StateCacheSize.NONE, JobOptions.parse("--state-cache", "0").stateCache());
    }

    @Test
    void kafkaOptionsAreTyped() throws Exception {
        JobOptions o = JobOptions.parse("--bootstrap-servers", "b:9092", "--input-topic", "in", "--output-topic", "out",
            "--key-field", "key", "--time-field", "ts", "--value-fields", "value", "--format", "json",
            "--delivery", "at-least-once", "--method", "kf", "--cell", "gated", "--hidden", "8", "--ttl", "1h");
        assertEquals(JobOptions.Mode.KAFKA, o.mode());
        assertEquals(EventParser.Format.JSON, o.eventFormat());
        assertEquals(DeliveryGuarantee.AT_LEAST_ONCE, o.get(o.delivery));
        assertEquals("flink-rtrl-out", o.transactionalIdPrefix());
        ModelConfig c = o.modelConfig();
        assertEquals(Method.KF, c.method());
        assertEquals(ModelConfig.CellType.GATED, c.cell());
        assertEquals(8, c.hidden());
        assertEquals(1, c.inputs());
        assertEquals(Duration.ofHours(1), o.stateTtl());
        assertThrows(UsageException.class, () -> JobOptions.parse("--bootstrap-servers", "b", "--input-topic",
            "in", "--output-topic", "out", "--key-field", "k", "--value-fields", "v", "--format", "csv"));
    }
}
