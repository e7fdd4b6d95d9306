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
}
