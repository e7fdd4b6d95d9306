package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.logs.MinerSettings;
import org.junit.jupiter.api.Test;

/** How the command line selects the log mode and sizes its model. */
class LogOptionsTest {
    static final String[] FILE = {"--input", "x.jsonl", "--key-field", "host"};

    static JobOptions parse(String... extra) {
        String[] all = new String[FILE.length + extra.length];
        System.arraycopy(FILE, 0, all, 0, FILE.length);
        System.arraycopy(extra, 0, all, FILE.length, extra.length);
        return JobOptions.parse(all);
    }

    @Test
    void aCategoryWithoutValuesSelectsPreParsedTypes() {
        JobOptions o = parse("--category-field", "type", "--vocabulary", "20", "--hidden", "8");
        assertTrue(o.logMode());
        assertNull(o.minerSettings());
        ModelConfig c = o.modelConfig();
        assertEquals(ModelConfig.Head.SOFTMAX, c.head());
        assertEquals(21, c.outputs());
        assertEquals(22, c.inputs());
        assertEquals(8, c.hidden());
        assertEquals("type", o.mapping().categoryField);
        assertEquals(0, o.mapping().valueFields.length);
        assertFalse(parse("--category-field", "level", "--value-fields", "v").logMode(), "a category beside values");
    }

    @Test
    void aMessageFieldSelectsTemplateMining() {
        JobOptions o = parse("--message-field", "msg", "--max-templates", "50");
        assertTrue(o.logMode());
        assertEquals(MinerSettings.DEFAULTS.withMaxTemplates(50), o.minerSettings());
        assertEquals("msg", o.mapping().categoryField);
        assertEquals(64, o.modelConfig().outputs(), "63 types and the unseen class by default");
    }

    @Test
    void aLogModelDefaultsToTheSoftmaxLearningRateUnlessOneIsGiven() {
        assertEquals(0.01, parse("--message-field", "msg").modelConfig().learningRate(), "softmax head default");
        assertEquals(0.01, parse("--category-field", "type").modelConfig().learningRate());
        assertEquals(0.001, parse("--message-field", "msg", "--lr", "0.001").modelConfig().learningRate(),
            "a given rate is kept, also when it equals the regression default");
        assertEquals(0.02, parse("--category-field", "type", "--learning-rate", "0.02").modelConfig().learningRate());
        assertEquals(0.001, parse("--value-fields", "v").modelConfig().learningRate(), "forecaster default");
        assertEquals(0.001, parse("--message-field", "msg", "--rate-bucket", "1m").rateModelConfig().learningRate(),
            "the rate view forecasts counts: the regression default");
    }

    @Test
    void aMessageFieldWithoutInputIsTheBundledLogsDefault() {
        JobOptions o = JobOptions.parse("--message-field", "message");
        assertEquals(JobOptions.Mode.EMBEDDED, o.mode());
        assertTrue(o.logMode());
        assertEquals("source", o.mapping().keyField);
        assertEquals("time", o.mapping().timeField);
        assertEquals("message", o.mapping().categoryField);
        assertEquals("attack", o.mapping().labelField);
        assertEquals(org.flinkrtrl.connectors.EventParser.Format.JSON, o.eventFormat());
    }

    @Test
    void conflictingOrIncompleteLogOptionsAreRefused() {
        assertEquals("--message-field and --value-fields exclude each other",
            assertThrows(UsageException.class, () -> parse("--message-field", "m", "--value-fields", "v")).getMessage());
        assertEquals("--message-field and --category-field exclude each other",
            assertThrows(UsageException.class, () -> parse("--message-field", "m", "--category-field", "c")).getMessage());
        assertEquals("the log mode with pre-parsed types needs --input or --bootstrap-servers (--message-field alone "
            + "replays the bundled fail2ban logs)",
            assertThrows(UsageException.class, () -> JobOptions.parse("--category-field", "c")).getMessage());
        assertEquals("option --value-fields is required with --input",
            assertThrows(UsageException.class, () -> parse()).getMessage());
    }

    @Test
    void theRateViewHasOneChannelPerLevelAndATopicOnKafka() {
        JobOptions o = parse("--message-field", "msg", "--rate-bucket", "1m", "--rate-levels", "ERROR,WARN");
        assertEquals(java.util.List.of("ERROR", "WARN"), o.rateLevels());
        assertEquals(3, o.rateModelConfig().inputs(), "the count and one count per level");
        assertEquals(1, parse("--message-field", "msg", "--rate-bucket", "1m").rateModelConfig().inputs());
        String[] kafka = {"--bootstrap-servers", "b:9092", "--input-topic", "in", "--output-topic", "out",
            "--key-field", "host", "--message-field", "msg", "--rate-bucket", "1m"};
        assertEquals("option --rate-topic is required with --rate-bucket on Kafka",
            assertThrows(UsageException.class, () -> JobOptions.parse(kafka)).getMessage());
        String[] withTopic = java.util.Arrays.copyOf(kafka, kafka.length + 2);
        withTopic[kafka.length] = "--rate-topic";
        withTopic[kafka.length + 1] = "rates";
        JobOptions k = JobOptions.parse(withTopic);
        assertEquals("rates", k.get(k.rateTopic));
        assertEquals("option --rate-topic needs --bootstrap-servers (file runs write rates.jsonl)",
            assertThrows(UsageException.class, () -> parse("--message-field", "msg", "--rate-bucket", "1m",
                "--rate-topic", "r")).getMessage());
        assertEquals("--rate-levels and --rate-topic need --rate-bucket",
            assertThrows(UsageException.class, () -> parse("--message-field", "msg", "--rate-levels", "ERROR")).getMessage());
        assertEquals("--rate-levels: a level is one word of letters and digits, got 'bad level'",
            assertThrows(UsageException.class, () -> parse("--message-field", "msg", "--rate-bucket", "1m",
                "--rate-levels", "bad level")).getMessage());
        assertEquals("--rate-bucket applies to the log mode (--message-field or --category-field)",
            assertThrows(UsageException.class, () -> parse("--value-fields", "v", "--rate-bucket", "1m")).getMessage());
    }
}
