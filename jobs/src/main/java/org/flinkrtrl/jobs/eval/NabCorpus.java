package org.flinkrtrl.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A NAB-format labelled corpus: a folder of {@code <category>/<file>.csv} files (header {@code timestamp,value},
 * timestamps {@code yyyy-MM-dd HH:mm:ss} read as UTC) and a {@code windows.json} (NAB's combined windows: file path
 * to a list of [start, end] timestamps). Keys are the file paths without {@code .csv}, as the job's keys for such a
 * stream. Files are kept in sorted path order.
 */
public final class NabCorpus {
    private static final DateTimeFormatter ROW = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter WINDOW = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    /** One file: key, row timestamps (epoch millis), values and windows ({start, end} epoch millis). */
    public record File(String key, long[] timestamps, double[] values, long[][] windows) {}

    private final List<File> files;

    private NabCorpus(List<File> files) {
        this.files = List.copyOf(files);
    }

    public List<File> files() {
        return files;
    }

    /** Reads {@code windows.json} and every file it names from {@code dir}. */
    public static NabCorpus read(Path dir) throws IOException {
        Map<String, long[][]> windows = readWindows(dir.resolve("windows.json"));
        List<File> files = new ArrayList<>();
        for (Map.Entry<String, long[][]> e : windows.entrySet()) {
            String key = e.getKey();
            List<String> lines = Files.readAllLines(dir.resolve(key + ".csv"), StandardCharsets.UTF_8);
            int n = lines.size() - 1;
            long[] ts = new long[n];
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                String line = lines.get(i + 1);
                int c = line.indexOf(',');
                ts[i] = millis(line.substring(0, c), ROW);
                v[i] = Double.parseDouble(line.substring(c + 1).trim());
            }
            files.add(new File(key, ts, v, e.getValue()));
        }
        return new NabCorpus(files);
    }

    /** NAB's windows file: key (file path without {@code .csv}) to windows {start, end} in epoch millis, sorted by key. */
    public static Map<String, long[][]> readWindows(Path windowsJson) throws IOException {
        JsonNode root;
        try (BufferedReader r = Files.newBufferedReader(windowsJson, StandardCharsets.UTF_8)) {
            root = new ObjectMapper().readTree(r);
        }
        Map<String, long[][]> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode list = e.getValue();
            long[][] w = new long[list.size()][];
            for (int i = 0; i < w.length; i++) {
                w[i] = new long[] {millis(list.get(i).get(0).asText(), WINDOW), millis(list.get(i).get(1).asText(), WINDOW)};
            }
            String key = e.getKey().endsWith(".csv") ? e.getKey().substring(0, e.getKey().length() - 4) : e.getKey();
            out.put(key, w);
        }
        return out;
    }

    private static long millis(String text, DateTimeFormatter f) {
        return LocalDateTime.parse(text.trim(), f).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** The corpus with per-row scores: {@code scores.get(key)[i]} for row i of that key's file. */
    public List<NabScorer.Series> withScores(Map<String, double[]> scores) {
        List<NabScorer.Series> out = new ArrayList<>(files.size());
        for (File f : files) {
            double[] s = scores.get(f.key());
            if (s == null) {
                throw new IllegalArgumentException("no scores for " + f.key());
            }
            out.add(new NabScorer.Series(f.key(), f.timestamps(), s, f.windows()));
        }
        return out;
    }
}
