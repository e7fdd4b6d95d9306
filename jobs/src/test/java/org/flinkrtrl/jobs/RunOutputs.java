package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Prediction;

/** Checks of a bounded run's output files. */
final class RunOutputs {
    private RunOutputs() {}

    /**
     * Every input record exactly once: {@code records} = predictions + dead letters, each key's predictions numbered
     * 1, 2, ... without gap or repeat, every dead letter with a reason. Returns predictions per key.
     */
    static Map<String, Long> assertEachRecordOnce(Path predictions, Path deadLetters, long records) throws IOException {
        Map<String, Long> steps = new HashMap<>();
        long n = 0;
        try (var lines = Files.lines(predictions)) {
            for (String line : (Iterable<String>) lines::iterator) {
                Prediction p = PredictionJson.fromJson(line);
                long prev = steps.getOrDefault(p.key, 0L);
                assertEquals(prev + 1, p.steps, "key's outputs in order, none twice");
                steps.put(p.key, p.steps);
                for (double v : p.forecast) {
                    assertTrue(Double.isFinite(v), "finite forecast " + v);
                }
                n++;
            }
        }
        List<String> dead = Files.readAllLines(deadLetters);
        for (String d : dead) {
            DeadLetter l = PredictionJson.deadLetterFromJson(d);
            assertTrue(l.reason != null && !l.reason.isBlank(), "dead letter with a reason");
        }
        assertEquals(records, n + dead.size(), n + " predictions + " + dead.size() + " dead letters");
        assertNull(steps.get(null));
        return steps;
    }
}
