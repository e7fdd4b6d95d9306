package org.flinkrtrl.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key names and charts that no key, timestamp or value can break or stall. */
class ReportRobustnessTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    void longKeysAreShortenedWithoutSplittingCharacters() {
        String mb = "x".repeat(1 << 20);
        String s = KeyNames.shorten(mb);
        assertEquals("x".repeat(KeyNames.SHOWN) + "\u2026 (1048576 chars)", s);
        assertEquals("abc", KeyNames.shorten("abc"));
        String emoji = "\ud83d\ude00".repeat(40);
        String e = KeyNames.shorten(emoji);
        assertEquals("\ud83d\ude00".repeat(30) + "\u2026 (80 chars)", e);
        assertEquals("k\uFFFD\uFFFDz", KeyNames.shorten("k\ud800\nz"), "unpaired surrogate and control character");
        assertEquals("(no key)", KeyNames.shorten(null));
    }

    private static byte[] chart(List<Prediction> ps) throws Exception {
        Evaluation e = Evaluation.standard(1, 3.0);
        ps.forEach(e::add);
        String key = ps.get(0).key;
        ChartSeries s = new ChartSeries(key, e.key(key).counts(), 1, 1000);
        ps.forEach(s::add);
        return Charts.png(s, new String[] {"value"});
    }

    @Test
    void chartsOfExtremeTimestampsValuesAndKeysAreDrawnQuickly() throws Exception {
        String mb = "k".repeat(1 << 20);
        List<List<Prediction>> cases = List.of(
            List.of(EvaluationTest.p("k", Long.MIN_VALUE, 1, Double.NaN, 0, null),
                EvaluationTest.p("k", Long.MAX_VALUE, 2, 1, 1, "1")),
            List.of(EvaluationTest.p("k", Long.MAX_VALUE - 1, 1, Double.NaN, 0, null),
                EvaluationTest.p("k", Long.MAX_VALUE, 2, 1, 1, null)),
            List.of(EvaluationTest.p("k", 0, Double.MAX_VALUE, Double.NaN, 0, null),
                EvaluationTest.p("k", 1, -Double.MAX_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY, null),
                EvaluationTest.p("k", 2, Double.MIN_VALUE, -Double.MAX_VALUE, Double.NaN, "1")),
            List.of(EvaluationTest.p("k", 0, Double.MIN_VALUE, Double.NaN, 0, null),
                EvaluationTest.p("k", 1, 2 * Double.MIN_VALUE, Double.MIN_VALUE, 0, null)),
            List.of(EvaluationTest.p(mb, 1_700_000_000_000L, 1, Double.NaN, 0, null),
                EvaluationTest.p(mb, 1_700_000_001_000L, 2, 1, 1, null)),
            List.of(EvaluationTest.p("single", 1_700_000_000_000L, 1, Double.NaN, 0, null)));
        for (List<Prediction> ps : cases) {
            long t0 = System.nanoTime();
            byte[] png = chart(ps);
            double secs = (System.nanoTime() - t0) / 1e9;
            assertArrayEquals(PNG, Arrays.copyOf(png, 4), "a PNG for " + KeyNames.shorten(ps.get(0).key));
            assertTrue(secs < 10, secs + " s for one chart");
        }
    }

    @Test
    void reportOfHostileKeysIsWrittenWithShortenedNames(@TempDir Path dir) throws Exception {
        String mb = "m".repeat(1 << 20);
        List<Prediction> ps = List.of(EvaluationTest.p(mb, Long.MIN_VALUE, 1, Double.NaN, 0, null),
            EvaluationTest.p(mb, Long.MAX_VALUE, 2, 1, 1, "1"),
            EvaluationTest.p("k\ud800<b>", 1, 3, Double.NaN, 0, null));
        Path predictions = dir.resolve("p.jsonl");
        Evaluation e = Evaluation.standard(1, 3.0);
        StringBuilder lines = new StringBuilder();
        for (Prediction p : ps) {
            e.add(p);
            lines.append(PredictionJson.toJson(p)).append('\n');
        }
        // the writer's own bytes, whatever it does with an unpaired surrogate
        Files.write(predictions, lines.toString().getBytes(StandardCharsets.UTF_8));
        Path html = dir.resolve("r.html");
        RunInfo run = new RunInfo("in", "m", "c", "k", new String[] {"value"}, 1, 1, 0);
        long t0 = System.nanoTime();
        List<ChartSeries> charts = RunReport.write(html, predictions, run, e, 12);
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos(), "report in under 30 s");
        assertEquals(2, charts.size());
        assertEquals(mb, charts.get(1).key());
        assertEquals(2, charts.get(1).seen(), "the 1 MB key's lines read back");
        String page = Files.readString(html);
        assertTrue(page.length() < 200_000, "the 1 MB key is not copied into the page: " + page.length());
        assertTrue(page.contains("<h2>key " + "m".repeat(KeyNames.SHOWN) + "\u2026 (1048576 chars)</h2>"));
        assertTrue(page.contains("<h2>key k\uFFFD&lt;b&gt;</h2>"));
        assertTrue(Files.size(dir.resolve("r.json")) > 1 << 20, "the JSON summary has the full key");
    }

    @Test
    void aRunWithoutPredictionsStillGetsAReport(@TempDir Path dir) throws Exception {
        Path predictions = dir.resolve("p.jsonl");
        Files.writeString(predictions, "");
        Path html = dir.resolve("r.html");
        Evaluation e = Evaluation.standard(2, 3.0);
        List<ChartSeries> charts = RunReport.write(html, predictions,
            new RunInfo("in", "m", "c", "k", new String[] {"a", "b"}, 1, 0, 5), e, 12);
        assertEquals(0, charts.size());
        assertTrue(Files.readString(html).contains("0 events, 0 keys, 5 dead letters"));
        assertTrue(Files.readString(dir.resolve("r.json")).contains("\"keys\":[]"));
    }
}
