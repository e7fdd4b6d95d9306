package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file run through the real MiniCluster on the inputs that used to break it (a 1 MB non-numeric value, a key with
 * an unpaired surrogate, raw non-UTF-8 bytes, lenient numbers, two records on one line, timestamps at the ends of
 * the long range, a 17 MiB line): the job ends normally, every input record comes back exactly once as a prediction or as a
 * dead letter with a reason, and no output holds NaN or an infinity where a number is due.
 */
class HostileFileRunTest {
    /** Valid records: (key, ts) is unique; the bad ones are written between them. */
    private static String valid(String key, int i) {
        return String.format(Locale.ROOT, "{\"key\":\"%s\",\"ts\":%d,\"value\":%s}", key, 1700000000000L + i * 1000L,
            Double.toString(10 + Math.sin(i / 4.0)));
    }

    @Test
    void everyHostileRecordComesBackOnceAndTheRunEndsNormally(@TempDir Path dir) throws Exception {
        List<byte[]> bad = new ArrayList<>();
        bad.add(("{\"key\":\"a\",\"ts\":1700000000500,\"value\":\"" + "x".repeat(1 << 20) + "\"}")
            .getBytes(StandardCharsets.UTF_8));
        bad.add("{\"key\":\"k\\ud800\",\"ts\":1700000000500,\"value\":1.5}".getBytes(StandardCharsets.UTF_8));
        byte[] raw = "{\"key\":\"bXX\",\"ts\":1700000000500,\"value\":1.5}".getBytes(StandardCharsets.UTF_8);
        raw[10] = (byte) 0xff;
        raw[11] = (byte) 0xfe;
        bad.add(raw);
        for (String v : List.of("\"0x1p3\"", "\"1d\"", "\" 7.5 \"")) {
            bad.add(("{\"key\":\"a\",\"ts\":1700000000500,\"value\":" + v + "}").getBytes(StandardCharsets.UTF_8));
        }
        bad.add(("{\"key\":\"a\",\"ts\":1700000000500,\"value\":1}{\"key\":\"b\",\"ts\":1700000000500,\"value\":2}")
            .getBytes(StandardCharsets.UTF_8));
        bad.add("{\"key\":\"a\",\"ts\":1700000000500,\"value\":1}}}}".getBytes(StandardCharsets.UTF_8));
        bad.add(("{\"key\":\"a\",\"ts\":" + Long.MAX_VALUE + ",\"value\":1}").getBytes(StandardCharsets.UTF_8));
        bad.add(("{\"key\":\"a\",\"ts\":" + Long.MIN_VALUE + ",\"value\":1}").getBytes(StandardCharsets.UTF_8));
        bad.add(("{\"key\":\"" + "m".repeat(1 << 20) + "\",\"ts\":1700000000500,\"value\":1}").getBytes(StandardCharsets.UTF_8));
        bad.add("{\"key\":\"a\\u0000\",\"ts\":1700000000500,\"value\":1}".getBytes(StandardCharsets.UTF_8));
        bad.add(("{\"key\":\"a\",\"note\":\"" + "z".repeat(17 << 20) + "\"}").getBytes(StandardCharsets.UTF_8));

        ByteArrayOutputStream file = new ByteArrayOutputStream();
        int validCount = 0;
        int badWritten = 0;
        for (int i = 0; i < 70; i++) {
            for (String k : new String[] {"a", "b", "Z\u00fcrich"}) {
                file.writeBytes(valid(k, i).getBytes(StandardCharsets.UTF_8));
                file.write('\n');
                validCount++;
            }
            if (i % 5 == 2 && i / 5 < bad.size()) {
                file.writeBytes(bad.get(i / 5));
                file.write('\n');
                badWritten++;
            }
        }
        assertEquals(13, bad.size());
        assertEquals(bad.size(), badWritten);
        Path in = dir.resolve("hostile.jsonl");
        Files.write(in, file.toByteArray());
        Path out = dir.resolve("p.jsonl");
        Path dead = dir.resolve("d.jsonl");

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int rc = SensorForecastJob.run(new String[] {"--input", in.toString(), "--key-field", "key", "--time-field", "ts",
            "--value-fields", "value", "--output", out.toString(), "--dead-letters", dead.toString(),
            "--report", dir.resolve("r.html").toString(), "--hidden", "4", "--parallelism", "1"},
            new PrintStream(log, true, StandardCharsets.UTF_8), System.err);
        String text = log.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text);

        // outputs are valid UTF-8 and one JSON record per line
        List<String> preds = strictLines(out);
        List<String> deads = strictLines(dead);
        assertEquals(validCount, preds.size(), text);
        assertEquals(bad.size(), deads.size(), String.join("\n", deads));

        Set<String> seen = new HashSet<>();
        for (String line : preds) {
            Prediction p = PredictionJson.fromJson(line);
            assertTrue(seen.add(p.key + "@" + p.timestamp), "duplicate prediction " + line);
            assertTrue(Double.isFinite(p.forecast[0]) && Double.isFinite(p.actual[0]) && Double.isFinite(p.anomalyScore),
                line);
            assertTrue(p.steps == 1 || Double.isFinite(p.previousForecast[0]) && Double.isFinite(p.loss), line);
        }
        assertEquals(validCount, seen.size());

        // each bad record is exactly one dead letter: matched by its payload, or by length and hash when cut
        Map<String, Integer> matched = new HashMap<>();
        for (String line : deads) {
            DeadLetter d = PredictionJson.deadLetterFromJson(line);
            assertEquals("parse", d.stage);
            assertNotNull(d.reason);
            assertTrue(d.reason.length() < 300, d.reason);
            assertTrue(line.length() < 100_000, "dead letter of " + line.length() + " chars");
            int which = -1;
            for (int b = 0; b < bad.size(); b++) {
                String decoded = new String(bad.get(b), StandardCharsets.UTF_8);
                boolean same = d.payloadTruncated()
                    ? d.payloadBytes == bad.get(b).length && decoded.startsWith(d.payload)
                    : decoded.equals(d.payload);
                if (same) {
                    which = b;
                }
            }
            assertTrue(which >= 0, "unmatched dead letter " + line);
            assertEquals(null, matched.put("bad" + which, which), "twice: " + line);
        }
        assertEquals(bad.size(), matched.size());
        assertTrue(text.contains("processed " + validCount + " events"), text);
        assertTrue(!text.contains("ERROR"), text);
    }

    @Test
    void aMalformedCsvHeaderIsAUsageErrorNamingTheFile(@TempDir Path dir) throws Exception {
        Path quote = dir.resolve("quote.csv");
        Files.writeString(quote, "k,\"v\n1,2\n");
        Path bytes = dir.resolve("bytes.csv");
        Files.write(bytes, new byte[] {'k', ',', (byte) 0xff, '\n', '1', ',', '2', '\n'});
        for (Path f : List.of(quote, bytes)) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = SensorForecastJob.run(new String[] {"--input", f.toString(), "--key-field", "k", "--value-fields", "v",
                "--out-dir", dir.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
            String e = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, rc, e);
            assertTrue(e.contains("malformed CSV header in " + f), e);
        }
    }

    private static List<String> strictLines(Path f) throws Exception {
        String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(Files.readAllBytes(f))).toString();
        assertTrue(s.isEmpty() || s.endsWith("\n"), "last line complete");
        List<String> lines = new ArrayList<>();
        for (String l : s.split("\n")) {
            if (!l.isEmpty()) {
                lines.add(l);
            }
        }
        return lines;
    }
}
