package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flinkrtrl.connectors.ModelJson;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.WarmStartTemplate;
import org.flinkrtrl.flink.KeySeeds;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --warm-start reaches the operator: a file run's new keys forecast exactly as core learners started from the file. */
class WarmStartFileRunTest {
    static double x(int i, String k) {
        return 10 + Math.sin(i / 6.0) + ("a".equals(k) ? 0 : 2);
    }

    static double y(int i) {
        return 3 + 0.05 * (i % 11);
    }

    @Test
    void newKeysOfAFileRunStartFromTheExportedModel(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            for (String k : new String[] {"a", "b"}) {
                lines.add("{\"id\":\"" + k + "\",\"time\":\"2024-01-01T00:" + String.format("%02d:%02d", i / 60, i % 60)
                    + "Z\",\"x\":" + x(i, k) + ",\"y\":" + y(i) + "}");
            }
        }
        Path in = dir.resolve("in.jsonl");
        Files.write(in, lines);
        String[] run = {"--input", in.toString(), "--key-field", "id", "--time-field", "time", "--value-fields", "x,y",
            "--output", dir.resolve("p.jsonl").toString(), "--report", dir.resolve("r.html").toString(),
            "--parallelism", "2", "--hidden", "4"};
        ModelConfig cfg = JobOptions.parse(run).modelConfig();

        // an "exported" model trained elsewhere on the job's configuration
        ForecastingLearner trained = new ForecastingLearner(cfg, 77);
        for (int i = 0; i < 500; i++) {
            trained.observe(1_700_000_000_000L + 1000L * i, new double[] {20 + Math.cos(i / 9.0), 5 + 0.01 * i});
        }
        Path models = dir.resolve("models.jsonl");
        Files.write(models, List.of(ModelJson.forecaster("elsewhere", trained, false)));

        List<String> args = new ArrayList<>(List.of(run));
        args.addAll(List.of("--warm-start", models.toString(), "--warm-start-covariance"));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = SensorForecastJob.run(args.toArray(new String[0]), new PrintStream(buf, true, StandardCharsets.UTF_8),
            System.err);
        String console = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, console);
        assertTrue(console.contains("warm start: new keys start from the model of " + models
            + ", with the linear covariance"), console);

        WarmStartTemplate t = WarmStartTemplate.of(trained, true);
        Map<String, ForecastingLearner> ref = new HashMap<>();
        for (String k : new String[] {"a", "b"}) {
            ForecastingLearner l = new ForecastingLearner(cfg, KeySeeds.seedFor(cfg.seed(), k));
            l.warmStart(t);
            ref.put(k, l);
        }
        List<String> out = Files.readAllLines(dir.resolve("p.jsonl"));
        assertEquals(120, out.size());
        Map<String, Integer> index = new HashMap<>();
        for (String line : out) {
            Prediction p = PredictionJson.fromJson(line);
            int i = index.merge(p.key, 1, Integer::sum) - 1;
            long ts = Instant.parse("2024-01-01T00:" + String.format("%02d:%02d", i / 60, i % 60) + "Z").toEpochMilli();
            assertEquals(ts, p.timestamp);
            double[] expected = ref.get(p.key).observe(ts, new double[] {x(i, p.key), y(i)}).forecast;
            assertArrayEquals(expected, p.forecast, "key " + p.key + " event " + i);
        }
    }
}
