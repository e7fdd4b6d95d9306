package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flinkrtrl.jobs.report.KeyNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded runs whose inputs once broke the report: extreme timestamps, a 1 MB key, many keys. Each ends normally
 * with every record once as a prediction or a dead letter, an HTML report and report.json.
 */
class FileRunReportTest {
    private static String record(String key, long ts, double value) {
        return "{\"key\":\"" + key + "\",\"ts\":" + ts + ",\"value\":" + value + "}";
    }

    private static SensorForecastJob.FileRunResult run(Path dir, Path in, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--input", in.toString(), "--key-field", "key", "--time-field",
            "ts", "--value-fields", "value", "--out-dir", dir.resolve("out").toString(), "--hidden", "4",
            "--parallelism", "2"));
        args.addAll(List.of(extra));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SensorForecastJob.FileRunResult r = SensorForecastJob.runFile(JobOptions.parse(args.toArray(new String[0])),
            new PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertFalse(r.failed, text);
        assertTrue(Files.isRegularFile(dir.resolve("out/report.html")), "report.html");
        return r;
    }

    private static JsonNode json(Path dir) throws Exception {
        return new ObjectMapper().readTree(dir.resolve("out/report.json").toFile());
    }

    private static int count(String text, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void extremeTimestampsEndWithAReport(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add(record("normal", 1_700_000_000_000L + 1000L * i, Math.sin(i / 3.0)));
            long ts = i % 3 == 0 ? Long.MIN_VALUE : i % 3 == 1 ? Long.MAX_VALUE : 0;
            lines.add(record("extreme", ts, Math.cos(i / 3.0)));
        }
        lines.add(record("min-only", Long.MIN_VALUE, 1));
        lines.add(record("max-only", Long.MAX_VALUE, 1));
        Path in = dir.resolve("in.jsonl");
        Files.write(in, lines);
        SensorForecastJob.FileRunResult r = run(dir, in);
        Map<String, Long> perKey = RunOutputs.assertEachRecordOnce(dir.resolve("out/predictions.jsonl"),
            dir.resolve("out/dead-letters.jsonl"), lines.size());
        assertEquals(40L, perKey.get("normal"));
        JsonNode keys = json(dir).get("keys");
        assertEquals(perKey.size(), keys.size(), "every predicted key in report.json");
        for (JsonNode k : keys) {
            assertEquals(perKey.get(k.get("key").asText()).longValue(), k.get("events").get("events").asLong());
        }
        String html = Files.readString(dir.resolve("out/report.html"));
        assertEquals(perKey.size(), count(html, "<img "), "every key charted (fewer than 12)");
        assertTrue(r.reportSeconds < 60, r.reportSeconds + " s for the report");
    }

    @Test
    void aOneMegabyteKeyIsReportedQuicklyUnderAShortName(@TempDir Path dir) throws Exception {
        String big = "k".repeat(1 << 20);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add(record("small", 1_700_000_000_000L + 1000L * i, i % 5));
            if (i % 10 == 0) {
                lines.add(record(big, 1_700_000_000_000L + 1000L * i, i));
            }
        }
        Path in = dir.resolve("in.jsonl");
        Files.write(in, lines);
        SensorForecastJob.FileRunResult r = run(dir, in);
        Map<String, Long> perKey = RunOutputs.assertEachRecordOnce(dir.resolve("out/predictions.jsonl"),
            dir.resolve("out/dead-letters.jsonl"), lines.size());
        assertTrue(r.reportSeconds < 60, r.reportSeconds + " s for the report");
        String html = Files.readString(dir.resolve("out/report.html"));
        assertFalse(html.contains("k".repeat(KeyNames.SHOWN + 1)), "no key longer than the shown prefix in the page");
        if (perKey.containsKey(big)) {
            assertEquals(3L, perKey.get(big));
            assertTrue(html.contains("<h2>key " + "k".repeat(KeyNames.SHOWN) + "\u2026 (1048576 chars)</h2>"),
                "shortened heading");
            assertTrue(count(html, "<img ") == 2, "both keys charted");
            boolean listed = false;
            for (JsonNode k : json(dir).get("keys")) {
                listed |= big.equals(k.get("key").asText());
            }
            assertTrue(listed, "report.json has the full key");
        }
    }

    @Test
    void manyKeysGetTheConfiguredNumberOfChartsAndAllAreListed(@TempDir Path dir) throws Exception {
        int keys = 20_000;
        List<String> lines = new ArrayList<>(3 * keys);
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < keys; k++) {
                // key k7 jumps at its last event: the most anomalous is among the charted
                double v = k % 17 + 0.5 * i + (k == 7 && i == 2 ? 1000 : 0);
                lines.add(record("k" + k, 1_700_000_000_000L + 1000L * i, v));
            }
        }
        Path in = dir.resolve("in.jsonl");
        Files.write(in, lines);
        SensorForecastJob.FileRunResult r = run(dir, in, "--report-charts", "12");
        System.out.printf("many keys: %d keys, run %.1f s, report %.1f s%n", keys, r.seconds, r.reportSeconds);
        Map<String, Long> perKey = RunOutputs.assertEachRecordOnce(dir.resolve("out/predictions.jsonl"),
            dir.resolve("out/dead-letters.jsonl"), lines.size());
        assertEquals(keys, perKey.size());
        JsonNode summary = json(dir);
        assertEquals(keys, summary.get("keyCount").asInt());
        assertEquals(3L * keys, summary.get("overall").get("events").get("events").asLong());
        JsonNode listed = summary.get("keys");
        assertEquals(keys, listed.size());
        for (JsonNode k : listed) {
            assertEquals(3, k.get("events").get("events").asLong(), k.get("key").asText());
        }
        String html = Files.readString(dir.resolve("out/report.html"));
        assertEquals(12, count(html, "<img "), "charts");
        assertEquals(12, count(html, "<h2>key "), "chart headings");
        assertTrue(html.contains("<h2>key k7</h2>"), "the most anomalous key is charted");
        assertTrue(r.reportSeconds < 120, r.reportSeconds + " s for the report");
    }
}
