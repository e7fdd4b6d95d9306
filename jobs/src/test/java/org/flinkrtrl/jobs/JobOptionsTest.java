package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.flinkrtrl.connectors.EventParser;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.junit.jupiter.api.Test;

/** The command line: every option in --help, typed values, and bad input rejected with a clear message and exit 2. */
class JobOptionsTest {
    private static String[] run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = SensorForecastJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(rc), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void helpListsEveryOption() throws Exception {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        for (String o : new String[] {"--input", "--key-field", "--time-field", "--value-fields", "--label-field", "--output",
            "--report", "--bootstrap-servers", "--input-topic", "--output-topic", "--dead-letter-topic", "--group-id",
            "--delivery", "--format", "--kafka-property", "--kafka-properties", "--hidden", "--cell", "--method", "--rank",
            "--truncation", "--lr", "--clip", "--reset-period", "--seed", "--ttl", "--checkpoint-dir",
            "--checkpoint-interval", "--restore", "--state-backend", "--parallelism", "--replay-rate", "--help"}) {
            assertTrue(r[1].contains(o + " ") || r[1].contains(o + "\n"), "help lacks " + o);
        }
    }

    @Test
    void badOptionsAreRejectedWithAClearMessage() throws Exception {
        String[][] cases = {
            {"unknown option '--hiden'; did you mean --hidden?", "--hiden", "8"},
            {"invalid value 'x' for --hidden", "--hidden", "x"},
            {"invalid value '0' for --hidden: must be >= 1", "--hidden", "0"},
            {"invalid value 'lstm' for --cell: expected one of tanh, gated", "--cell", "lstm"},
            {"invalid value 'maybe' for --delivery", "--delivery", "maybe"},
            {"option --lr needs a value <rate>", "--lr"},
            {"option --input-topic is required with --bootstrap-servers", "--bootstrap-servers", "h:1"},
            {"option --value-fields is required with --input", "--input", "x.csv", "--key-field", "k"},
            {"option --output-topic needs --bootstrap-servers", "--output-topic", "t"},
            {"invalid value 'soon' for --ttl: expected a duration", "--ttl", "soon"},
            {"option --hidden given twice", "--hidden", "4", "--hidden", "8"},
            {"invalid value 'a' for --kafka-property", "--kafka-property", "a"},
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
    void kafkaOptionsAreTyped() throws Exception {
        JobOptions o = JobOptions.parse("--bootstrap-servers", "b:9092", "--input-topic", "in", "--output-topic", "out",
            "--key-field", "key", "--time-field", "ts", "--value-fields", "value", "--format", "json",
            "--delivery", "at-least-once", "--kafka-property", "security.protocol=SSL", "--kafka-property",
            "ssl.key.password=x=y", "--method", "kf", "--cell", "gated", "--hidden", "8", "--ttl", "1h");
        assertEquals(JobOptions.Mode.KAFKA, o.mode());
        assertEquals(EventParser.Format.JSON, o.eventFormat());
        assertEquals(DeliveryGuarantee.AT_LEAST_ONCE, o.get(o.delivery));
        assertEquals("x=y", o.kafkaProperties().getProperty("ssl.key.password"));
        assertEquals("flink-rtrl-out", o.transactionalIdPrefix());
        ModelConfig c = o.modelConfig();
        assertEquals(Method.KF, c.method);
        assertEquals(ModelConfig.CellType.GATED, c.cell);
        assertEquals(8, c.hidden);
        assertEquals(1, c.inputs);
        assertEquals(Duration.ofHours(1), o.stateTtl());
        assertThrows(CommandLine.UsageException.class, () -> JobOptions.parse("--bootstrap-servers", "b", "--input-topic",
            "in", "--output-topic", "out", "--key-field", "k", "--value-fields", "v", "--format", "csv"));
    }
}
