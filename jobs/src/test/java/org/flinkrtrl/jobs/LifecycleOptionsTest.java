package org.flinkrtrl.jobs;

import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.OUTPUTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flinkrtrl.connectors.ModelJson;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSettings;
import org.flinkrtrl.core.learner.WarmStartTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export, import and warm-start options: which combinations are accepted, and the template they build. */
class LifecycleOptionsTest {

    static String usage(String... args) {
        return assertThrows(UsageException.class, () -> JobOptions.parse(args).warmStart()).getMessage();
    }

    @Test
    void actionsAndTheirRequiredOptions() {
        assertEquals(JobOptions.Action.RUN, JobOptions.parse().action());
        assertEquals(JobOptions.Action.EXPORT_MODELS,
            JobOptions.parse("--restore", "/tmp/sp", "--export-models", "m.jsonl", "--export-weights").action());
        assertEquals(JobOptions.Action.IMPORT_MODELS,
            JobOptions.parse("--import-models", "m.jsonl", "--import-savepoint", "/tmp/sp").action());
        assertEquals("option --restore is required with --export-models (the savepoint or checkpoint to read)",
            usage("--export-models", "m.jsonl"));
        assertEquals("option --import-savepoint is required with --import-models (the savepoint to write)",
            usage("--import-models", "m.jsonl"));
        assertEquals("--export-models and --import-models exclude each other",
            usage("--export-models", "a", "--import-models", "b"));
        assertEquals("option --input does not apply to --export-models",
            usage("--restore", "/tmp/sp", "--export-models", "m", "--input", "x.csv"));
        assertEquals("option --export-weights needs --export-models", usage("--export-weights"));
        assertEquals("option --import-savepoint needs --import-models", usage("--import-savepoint", "/tmp/x"));
        assertEquals("option --restore does not apply to --import-models",
            usage("--import-models", "m", "--import-savepoint", "/tmp/x", "--restore", "/tmp/y"));
        assertEquals("option --warm-start-keys needs --warm-start", usage("--warm-start-keys", "a"));
        assertEquals("option --warm-start-covariance needs --warm-start", usage("--warm-start-covariance"));
        assertEquals("--warm-start applies to the forecaster, not to the log mode",
            usage("--warm-start", "m", "--input", "x.jsonl", "--key-field", "k", "--category-field", "c"));
    }

    static ForecastingLearner trained(ModelConfig cfg, long seed) {
        ForecastingLearner l = new ForecastingLearner(cfg, seed);
        for (int t = 0; t < 50; t++) {
            l.observe(1000L * t, new double[] {40 + Math.sin(t + seed), 20 + 0.1 * t});
        }
        return l;
    }

    @Test
    void warmStartReadsTheChosenModelsOfAnExport(@TempDir Path dir) throws Exception {
        // the embedded mode's model: two channels, the default settings
        ModelConfig cfg = ModelConfig.builder().set(INPUTS, 2).set(OUTPUTS, 2).build();
        ForecastingLearner a = trained(cfg, 1);
        ForecastingLearner b = trained(cfg, 2);
        Path models = dir.resolve("models.jsonl");
        Files.write(models, List.of(ModelJson.forecaster("a", a, false), "", ModelJson.forecaster("b", b, true)));
        assertNull(JobOptions.parse().warmStart());

        WarmStartTemplate both = JobOptions.parse("--warm-start", models.toString()).warmStart();
        assertEquals(2, both.models());
        assertTrue(!both.withCovariance());
        ForecastingLearner fromBoth = new ForecastingLearner(cfg, 9);
        fromBoth.warmStart(both);
        ForecastingLearner expected = new ForecastingLearner(cfg, 9);
        expected.warmStart(WarmStartTemplate.average(List.of(a, b), false));
        assertEquals(expected.linearCoefficients(1)[2], fromBoth.linearCoefficients(1)[2], 0.0);

        WarmStartTemplate onlyB = JobOptions.parse("--warm-start", models.toString(), "--warm-start-keys", "b",
            "--warm-start-covariance").warmStart();
        assertEquals(1, onlyB.models());
        assertTrue(onlyB.withCovariance());

        assertEquals("--warm-start: warm-start keys not in " + models + ": c",
            usage("--warm-start", models.toString(), "--warm-start-keys", "b,c"));
        assertTrue(usage("--warm-start", models.toString(), "--hidden", "8")
            .startsWith("--warm-start: the models in " + models + " ran another configuration than this job's"));
        assertEquals("--warm-start: file not found: " + dir.resolve("none"), usage("--warm-start", dir.resolve("none").toString()));
        Files.write(models, List.of(ModelJson.forecaster("a", a, false), "{\"key\":\"x\"}"));
        assertEquals("--warm-start: " + models + " line 2: model line of key x: unknown kind '' (expected forecaster or log)",
            usage("--warm-start", models.toString()));
        assertEquals(ModelSettings.HIDDEN.defaultValue(), a.config().hidden());
    }
}
