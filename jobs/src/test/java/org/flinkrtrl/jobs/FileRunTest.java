package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** A JSON-lines file replay: one prediction per valid line in per-key file order, bad lines as dead letters, a report. */
class FileRunTest {
    @Test
    void jsonLinesFileWithMalformedLines(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            for (String k : new String[] {"a", "b"}) {
                lines.add("{\"id\":\"" + k + "\",\"time\":\"2024-01-01T00:" + String.format("%02d:%02d", i / 60, i % 60)
                    + "Z\",\"x\":" + (Math.sin(i / 5.0) + ("a".equals(k) ? 0 : 3)) + ",\"y\":" + (i % 7) + ",\"anomaly\":"
                    + (i >= 100 && i < 105 ? 1 : 0) + "}");
            }
            if (i == 50) {
                lines.add("{\"id\":\"a\",\"time\":\"2024-01-01T00:00:00Z\",\"x\":1}");
                lines.add("garbage");
            }
        }
        Path in = dir.resolve("in.jsonl");
        Files.write(in, lines);
        Path out = dir.resolve("p.jsonl");
        Path report = dir.resolve("r.html");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = SensorForecastJob.run(new String[] {"--input", in.toString(), "--key-field", "id", "--time-field", "time",
            "--value-fields", "x,y", "--label-field", "anomaly", "--output", out.toString(), "--report", report.toString(),
            "--hidden", "4", "--parallelism", "2"}, new PrintStream(buf, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, rc, buf.toString(StandardCharsets.UTF_8));

        List<String> preds = Files.readAllLines(out);
        assertEquals(240, preds.size());
        // the subtasks' committed part files are gathered into the output and then removed with their folder
        assertTrue(Files.notExists(dir.resolve(".p.jsonl.parts")), "parts folder left behind");
        Map<String, Long> last = new HashMap<>();
        for (String p : preds) {
            Prediction pr = PredictionJson.fromJson(p);
            assertEquals(last.getOrDefault(pr.key, 0L) + 1, pr.steps, "per-key order");
            last.put(pr.key, pr.steps);
            assertEquals(2, pr.actual.length);
        }
        List<String> dead = Files.readAllLines(dir.resolve("dead-letters.jsonl"));
        assertEquals(2, dead.size());
        List<String> reasons = new ArrayList<>();
        for (String d : dead) {
            DeadLetter l = PredictionJson.deadLetterFromJson(d);
            reasons.add(l.reason);
        }
        assertTrue(reasons.contains("missing value field 'y'"), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("malformed JSON")), reasons.toString());
        String html = Files.readString(report);
        assertTrue(html.contains("<h2>key a</h2>") && html.contains("<h2>key b</h2>"), "per-key charts");
    }

    @Test
    void aFileOutOfOrderWithinTheBoundGivesTheSortedFilesPredictionsAndItsDuplicateIsADeadLetter(@TempDir Path dir)
        throws Exception {
        List<long[]> rows = new ArrayList<>(); // {arrival, key, second}
        java.util.Random rnd = new java.util.Random(3);
        List<String> sorted = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            for (int k = 0; k < 3; k++) {
                sorted.add(row(k, i));
                rows.add(new long[] {i * 1000L + rnd.nextInt(4000), k, i});
            }
        }
        rows.sort(java.util.Comparator.comparingLong(r -> r[0]));
        List<String> shuffled = new ArrayList<>();
        for (long[] r : rows) {
            shuffled.add(row((int) r[1], (int) r[2]));
        }
        assertTrue(!shuffled.equals(sorted));
        String duplicate = shuffled.get(200);
        shuffled.add(201, duplicate); // delivered twice in a row: its original is still buffered

        List<String> fromSorted = run(dir.resolve("sorted"), sorted);
        List<String> fromShuffled = run(dir.resolve("shuffled"), shuffled);
        assertEquals(450, fromSorted.size());
        assertEquals(fromSorted, fromShuffled);
        assertEquals(List.of(), Files.readAllLines(dir.resolve("sorted").resolve("dead-letters.jsonl")));
        List<String> dead = Files.readAllLines(dir.resolve("shuffled").resolve("dead-letters.jsonl"));
        assertEquals(1, dead.size());
        DeadLetter d = PredictionJson.deadLetterFromJson(dead.get(0));
        assertEquals("duplicate", d.stage);
        assertEquals("duplicate of an event already buffered (same key, timestamp and values)", d.reason);
    }

    private static String row(int key, int second) {
        return "{\"id\":\"k" + key + "\",\"t\":" + (1_700_000_000_000L + second * 1000L) + ",\"x\":"
            + Math.sin(second / 7.0 + key) + "}";
    }

    /** Runs the job on the lines; returns the predictions, sorted (the order between keys is not defined). */
    private static List<String> run(Path dir, List<String> lines) throws Exception {
        Files.createDirectories(dir);
        Path in = dir.resolve("in.jsonl");
        Files.write(in, lines);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = SensorForecastJob.run(new String[] {"--input", in.toString(), "--key-field", "id", "--time-field", "t",
            "--value-fields", "x", "--out-dir", dir.toString(), "--hidden", "4", "--report-charts", "0",
            "--event-order", "event-time"},
            new PrintStream(buf, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, rc, buf.toString(StandardCharsets.UTF_8));
        List<String> preds = new ArrayList<>(Files.readAllLines(dir.resolve("predictions.jsonl")));
        preds.sort(null);
        return preds;
    }
}
