package org.flinkrtrl.jobs.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flinkrtrl.connectors.PredictionJson;

/**
 * Fills the charts' series from the predictions file the run wrote (JSON lines, a key's predictions in its order),
 * so the run itself keeps no prediction: one pass over the file, only the lines of charted keys decoded fully.
 */
public final class ChartReader {
    private static final JsonFactory JSON = new JsonFactory();

    private ChartReader() {}

    /** Adds every prediction of a key in {@code series} to that key's series; returns the lines it could not read. */
    public static long fill(Path predictions, List<ChartSeries> series) throws IOException {
        Map<String, ChartSeries> byKey = new HashMap<>();
        for (ChartSeries s : series) {
            byKey.put(s.key(), s);
        }
        long unreadable = 0;
        if (byKey.isEmpty()) {
            return 0;
        }
        // a decoder that replaces malformed bytes: the chart pass never fails on what the run wrote
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(predictions),
                StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    String key = firstKey(line);
                    ChartSeries s = key == null ? null : byKey.get(key);
                    if (s == null && key == null) {
                        var p = PredictionJson.fromJson(line);
                        s = p.key == null ? null : byKey.get(p.key);
                        if (s != null) {
                            s.add(p);
                        }
                    } else if (s != null) {
                        s.add(PredictionJson.fromJson(line));
                    }
                } catch (RuntimeException | IOException e) {
                    unreadable++;
                }
            }
        }
        return unreadable;
    }

    /** The key when it is the object's first field (as the job writes it), else null. */
    private static String firstKey(String line) throws IOException {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME
                && "key".equals(p.currentName()) && p.nextToken() == JsonToken.VALUE_STRING) {
                return p.getText();
            }
            return null;
        }
    }
}
