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
import java.util.TreeMap;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flinkrtrl.connectors.LogPredictionJson;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.record.LogPrediction;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log mode on files in an embedded MiniCluster: mined templates, per-key order, dead letters with reasons. */
class LogFileRunTest {

    static String run(String... args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = SensorForecastJob.run(args, new PrintStream(buf, true, StandardCharsets.UTF_8), System.err);
        String console = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, console);
        return console;
    }

    @Test
    void minesTemplatesPerSourceAndRoutesBadLinesToTheDeadLetters(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String host = i % 2 == 0 ? "web" : "db";
            String msg = i % 3 == 0 ? "Accepted password for user" + (i % 4) + " from 10.0.0." + i + " port " + (4000 + i)
                : "session closed for uid=" + i;
            lines.add("{\"host\":\"" + host + "\",\"time\":" + (1000L * i) + ",\"msg\":\"" + msg + "\",\"attack\":"
                + (i == 40) + "}");
            if (i == 20) {
                lines.add("{\"host\":\"web\",\"time\":1,\"msg\":\"" + "x".repeat(300) + "\"}");
                lines.add("{\"host\":\"web\",\"time\":2,\"msg\":\"  \"}");
                lines.add("{\"host\":\"web\",\"time\":3}");
                lines.add("{not json");
            }
        }
        Path in = dir.resolve("logs.jsonl");
        Files.write(in, lines);
        Path out = dir.resolve("out.jsonl");
        String console = run("--input", in.toString(), "--key-field", "host", "--time-field", "time",
            "--message-field", "msg", "--label-field", "attack", "--output", out.toString(), "--hidden", "4",
            "--vocabulary", "8", "--max-message-chars", "200", "--top-k", "2", "--parallelism", "2");
        assertTrue(console.contains("processed 60 events of 2 keys"), console);

        Map<String, Long> lastTs = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (String l : Files.readAllLines(out)) {
            LogPrediction p = LogPredictionJson.fromJson(l);
            assertTrue(p.timestamp > lastTs.getOrDefault(p.key, -1L), "per-key order");
            lastTs.put(p.key, p.timestamp);
            int n = counts.merge(p.key, 1, Integer::sum);
            assertEquals(n == 1, Double.isNaN(p.probability), "only a source's first event is unscored");
            assertTrue(n == 1 || (p.anomalyScore >= 0 && p.anomalyScore < 1), "score in [0, 1)");
            assertTrue(p.topTypes.length >= 1 && p.topTypes.length <= 2);
            if (p.typeId.equals("0") && p.key.equals("web") && n > 10) {
                assertEquals("Accepted password for <*> from <IP> port <NUM>", p.template);
            }
        }
        assertEquals(Map.of("web", 30, "db", 30), counts);
        List<String> reasons = new ArrayList<>();
        for (String d : Files.readAllLines(dir.resolve("dead-letters.jsonl"))) {
            reasons.add(PredictionJson.deadLetterFromJson(d).reason);
        }
        assertEquals(4, reasons.size(), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("category field 'msg' has 300 characters, more than the "
            + "maximum 200")), reasons.toString());
        assertTrue(reasons.contains("message is empty"), reasons.toString());
        assertTrue(reasons.contains("message is missing"), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("malformed JSON")), reasons.toString());
    }

    /** The embedded default: the bundled fail2ban logs with their labels, and the report's attack figures. */
    @Test
    void theBundledLogsAreTheDefaultOfTheMessageField(@TempDir Path dir) throws Exception {
        String console = run("--message-field", "message", "--out-dir", dir.toString(), "--hidden", "4",
            "--parallelism", "2");
        assertTrue(console.contains("bundled logs: fail2ban") && console.contains("GPL-2.0-or-later"), console);
        assertTrue(console.contains("processed 1064 events of 91 keys"), console);
        JsonNode r = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals(798, r.path("attack").path("positive").asLong(), "as LogEval counts the scored attack lines");
        assertEquals(175, r.path("attack").path("other").asLong());
        double auc = r.path("attack").path("rocAucScore").asDouble();
        assertTrue(auc > 0 && auc < 1, "an AUC: " + auc);
        assertEquals(8, r.path("pooled").path("sources").asInt());
        assertEquals(549, r.path("pooled").path("scored").asLong());
    }

    @Test
    void theRateViewGivesASilentSourceZeroBuckets(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            lines.add("{\"host\":\"busy\",\"time\":" + (1000L * i) + ",\"type\":\"tick\"}");
            if (i < 10) {
                lines.add("{\"host\":\"quiet\",\"time\":" + (1000L * i) + ",\"type\":\"tock\"}");
            }
        }
        Path in = dir.resolve("logs.jsonl");
        Files.write(in, lines);
        String console = run("--input", in.toString(), "--key-field", "host", "--time-field", "time",
            "--category-field", "type", "--out-dir", dir.toString(), "--hidden", "4", "--rate-bucket", "5s",
            "--rate-silent-buckets", "3", "--parallelism", "2");
        assertTrue(console.contains("processed 70 events of 2 keys"), console);
        Map<String, List<String>> buckets = new TreeMap<>();
        for (String l : Files.readAllLines(dir.resolve("rates.jsonl"))) {
            Prediction p = PredictionJson.fromJson(l);
            buckets.computeIfAbsent(p.key, k -> new ArrayList<>()).add(p.timestamp + "=" + (long) p.actual[0]);
        }
        assertEquals(List.of("4999=5", "9999=5", "14999=0", "19999=0", "24999=0"), buckets.get("quiet"));
        List<String> busy = buckets.get("busy");
        assertEquals(15, busy.size(), busy.toString());
        assertEquals("59999=5", busy.get(11));
        assertEquals(List.of("64999=0", "69999=0", "74999=0"), busy.subList(12, 15));
    }

    @Test
    void aSourceThatFallsSilentGetsZeroBucketsWithHighScores(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("logs.jsonl");
        Files.write(in, RateTraffic.lines(RateTraffic.events(0, RateTraffic.BUCKETS)));
        String console = run("--input", in.toString(), "--key-field", "host", "--time-field", "ts",
            "--message-field", "msg", "--out-dir", dir.toString(), "--hidden", "4", "--rate-bucket", "1s",
            "--rate-silent-buckets", "10", "--rate-levels", "ERROR", "--parallelism", "2");
        Map<String, List<Prediction>> byKey = new TreeMap<>();
        for (String l : Files.readAllLines(dir.resolve("rates.jsonl"))) {
            Prediction p = PredictionJson.fromJson(l);
            byKey.computeIfAbsent(p.key, k -> new ArrayList<>()).add(p);
        }
        RateTraffic.check(byKey, RateTraffic.BUCKETS + 10);
    }

    @Test
    void preParsedTypesOfTheBundledAccessLog(@TempDir Path dir) throws Exception {
        Path in = Path.of("src/main/resources/data/logstalgia-access.jsonl");
        Path out = dir.resolve("out.jsonl");
        String console = run("--input", in.toString(), "--key-field", "host", "--time-field", "time",
            "--category-field", "type", "--output", out.toString(), "--hidden", "4", "--parallelism", "2");
        assertTrue(console.contains("processed 1200 events of 112 keys"), console);
        long images = 0;
        for (String l : Files.readAllLines(out)) {
            LogPrediction p = LogPredictionJson.fromJson(l);
            assertEquals(p.typeId, p.template, "a pre-parsed type is its own text");
            images += p.typeId.equals("GET /images .jpg 200") ? 1 : 0;
        }
        assertEquals(Files.readAllLines(in).stream().filter(l -> l.contains("\"GET /images .jpg 200\"")).count(), images);

        // the log report: pooled figures over the sources with >= 40 events, recomputed here from the outputs
        Map<String, List<LogPrediction>> bySource = new HashMap<>();
        for (String l : Files.readAllLines(out)) {
            LogPrediction p = LogPredictionJson.fromJson(l);
            bySource.computeIfAbsent(p.key, k -> new ArrayList<>()).add(p);
        }
        double[] bits = new double[4];
        long scored = 0;
        long hits = 0;
        int big = 0;
        for (List<LogPrediction> ps : bySource.values()) {
            if (ps.size() < 40) {
                continue;
            }
            big++;
            for (int i = 1; i < ps.size(); i++) {
                LogPrediction p = ps.get(i);
                scored++;
                bits[0] += p.surprise;
                bits[1] += p.networkSurprise;
                bits[2] += p.contextSurprise;
                bits[3] += p.frequencySurprise;
                hits += ps.get(i - 1).topTypes[0].equals(p.unseen ? "<unseen>" : p.template) ? 1 : 0;
            }
        }
        JsonNode r = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals("log", r.path("mode").asText());
        assertEquals(1200, r.path("events").asLong());
        assertEquals(112, r.path("sourceCount").asInt());
        assertEquals(10, big);
        assertEquals(big, r.path("pooled").path("sources").asInt());
        assertEquals(570, scored, "as LogEval counts on this file");
        assertEquals(scored, r.path("pooled").path("scored").asLong());
        String[] models = {"mixture", "network", "context2", "context0"};
        for (int m = 0; m < 4; m++) {
            assertEquals(bits[m] / scored, r.path("pooled").path("bitsPerEvent").path(models[m]).asDouble(), 1e-9, models[m]);
        }
        assertEquals((double) hits / scored, r.path("pooled").path("top1").path("mixture").asDouble(), 1e-12);
        assertTrue(r.path("attack").isNull(), "no labels");
        assertEquals(25, r.path("mostSurprising").size());
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("Most surprising events") && html.contains("baseline: Witten-Bell n-gram order 2"));
        assertEquals(8, html.split("<img ", -1).length - 1, "charts of the eight largest sources");
    }
}
