package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file run with --control-file: commands apply from their event time, acks beside the predictions. */
class ControlFileRunTest {
    private static Map<String, Prediction> run(Path dir, Path in, Path control, String name) throws Exception {
        Path out = dir.resolve(name).resolve("predictions.jsonl");
        List<String> args = new ArrayList<>(List.of("--input", in.toString(), "--key-field", "id", "--time-field", "time",
            "--value-fields", "x,y", "--output", out.toString(), "--hidden", "4", "--parallelism", "2",
            "--report-charts", "0"));
        if (control != null) {
            args.addAll(List.of("--control-file", control.toString()));
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = SensorForecastJob.run(args.toArray(new String[0]), new PrintStream(buf, true, StandardCharsets.UTF_8),
            System.err);
        assertEquals(0, rc, buf.toString(StandardCharsets.UTF_8));
        Map<String, Prediction> byKeyStep = new HashMap<>();
        for (String line : Files.readAllLines(out)) {
            Prediction p = PredictionJson.fromJson(line);
            byKeyStep.put(p.key + "|" + p.steps, p);
        }
        assertEquals(240, byKeyStep.size());
        return byKeyStep;
    }

    @Test
    void controlFileFreezesOneKeyFromItsTimeAndAcknowledges(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            for (String k : new String[] {"a", "b"}) {
                lines.add("{\"id\":\"" + k + "\",\"time\":\"2024-01-01T00:" + String.format("%02d:%02d", i / 60, i % 60)
                    + "Z\",\"x\":" + (Math.sin(i / 5.0) + ("a".equals(k) ? 0 : 3)) + ",\"y\":" + (i % 7) + "}");
            }
        }
        Path in = dir.resolve("in.jsonl");
        Files.write(in, lines);
        Path control = dir.resolve("control.jsonl");
        Files.write(control, List.of(
            "{\"id\":\"freeze-a\",\"time\":\"2024-01-01T00:01:00Z\",\"key\":\"a\",\"op\":\"freeze\"}",
            "{\"id\":\"oops\",\"time\":\"2024-01-01T00:01:10Z\",\"op\":\"learning-rate\",\"value\":-1}",
            "{\"id\":\"lr-all\",\"time\":\"2024-01-01T00:01:30Z\",\"op\":\"learning-rate\",\"value\":0.01}"));

        Map<String, Prediction> plain = run(dir, in, null, "plain");
        Map<String, Prediction> controlled = run(dir, in, control, "controlled");
        // key a: the same up to step 60 (time 00:00:59), frozen from step 61 (time 00:01:00) on
        for (int s = 1; s <= 60; s++) {
            assertEquals(plain.get("a|" + s).forecast[0], controlled.get("a|" + s).forecast[0], "a step " + s);
        }
        assertNotEquals(plain.get("a|120").forecast[0], controlled.get("a|120").forecast[0]);
        // key b: the same up to step 90 (00:01:29), then the learning rate changes
        for (int s = 1; s <= 90; s++) {
            assertEquals(plain.get("b|" + s).forecast[0], controlled.get("b|" + s).forecast[0], "b step " + s);
        }
        assertNotEquals(plain.get("b|120").forecast[0], controlled.get("b|120").forecast[0]);

        List<String> acks = Files.readAllLines(dir.resolve("controlled").resolve("acks.jsonl"));
        assertEquals(5, acks.size(), acks.toString()); // 2 accepted, freeze on a, lr on a and b
        assertTrue(acks.contains("{\"id\":\"freeze-a\",\"op\":\"freeze\",\"time\":1704067260000,\"status\":\"applied\","
            + "\"key\":\"a\",\"appliedAt\":1704067260000,\"steps\":60,\"effect\":\"frozen\"}"), acks.toString());
        List<String> dead = Files.readAllLines(dir.resolve("controlled").resolve("dead-letters.jsonl"));
        assertEquals(1, dead.size());
        DeadLetter d = PredictionJson.deadLetterFromJson(dead.get(0));
        assertEquals("control", d.stage);
        assertTrue(d.reason.startsWith("control command: learning-rate needs a finite value > 0"), d.reason);
    }
}
