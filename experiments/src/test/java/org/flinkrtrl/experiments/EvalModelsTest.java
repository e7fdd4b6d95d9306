package org.flinkrtrl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model lists of ForecastEval and AnomalyEval: parsing, and a directory of series scored side by side. */
class EvalModelsTest {
    @Test
    void anomalyEvalModelsParse() {
        AnomalyEval.Model def = AnomalyEval.Model.parse("default", 1.0);
        assertEquals(ModelConfig.builder().set(org.flinkrtrl.core.learner.ModelSettings.INPUTS, 2).build(),
            def.config().apply(2));
        ModelConfig lru = AnomalyEval.Model.parse("lru@8", 1.0).config().apply(1);
        assertEquals(Method.LRU, lru.method());
        assertEquals(8, lru.hidden());
        assertEquals(1, lru.inputs());
        assertEquals(1.0, lru.readoutClipNorm());
        ModelConfig ok = AnomalyEval.Model.parse("ok2@12", 0.0).config().apply(2);
        assertEquals(Method.OK, ok.method());
        assertEquals(2, ok.rank());
        assertEquals(12, ok.hidden());
        assertEquals(0.0, ok.readoutClipNorm());
    }

    /**
     * Two series in a directory, two methods: every model and baseline gets a geometric-mean line over both keys,
     * persistence's is exactly 1, and each model's equals the geometric mean of its per-key MAE ratios printed in
     * the per-key tables.
     */
    @Test
    void forecastEvalScoresADirectoryWithSeveralMethods(@TempDir Path dir) throws Exception {
        for (int f = 0; f < 2; f++) {
            StringBuilder csv = new StringBuilder("timestamp,value\n");
            for (int i = 0; i < 600; i++) {
                csv.append(String.format(Locale.ROOT, "2020-01-%02d %02d:%02d:00,%.4f%n", 1 + i / 288, (i / 12) % 24,
                    (i % 12) * 5, 10 + (f + 1) * Math.sin(i * 2 * Math.PI / 50) + 0.1 * ((i * 7919) % 13)));
            }
            Files.writeString(dir.resolve("s" + f + ".csv"), csv);
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            ForecastEval.main(new String[] {"--file", dir.toString(), "--methods", "ok1@4,lru@4", "--variants", "full",
                "--skip-days", "0", "--skip-events", "50"});
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("2 key(s)"), out);
        Matcher persistence = Pattern.compile("persistence\\s+([0-9.]+) \\((\\d+) keys\\)").matcher(out);
        assertTrue(persistence.find(), out);
        assertEquals("1.0000", persistence.group(1));
        assertEquals("2", persistence.group(2));
        for (String model : new String[] {"ok1@4 full", "lru@4 full"}) {
            // per-key MAE/pers of the model (the value column's third figure) in each key's table
            Matcher row = Pattern.compile("\\n  " + Pattern.quote(model) + "\\s+\\|\\s+[0-9.]+\\s+[0-9.]+\\s+([0-9.]+)")
                .matcher(out);
            List<Double> ratios = new ArrayList<>();
            while (row.find()) {
                ratios.add(Double.parseDouble(row.group(1)));
            }
            assertEquals(3, ratios.size(), model + " rows (2 keys + all keys): " + out); // the last is the pooled one
            double expected = Math.exp((Math.log(ratios.get(0)) + Math.log(ratios.get(1))) / 2);
            Matcher g = Pattern.compile(Pattern.quote(model) + "\\s+([0-9.]+) \\(2 keys\\)").matcher(out);
            assertTrue(g.find(), out);
            assertEquals(expected, Double.parseDouble(g.group(1)), 2e-3, model); // per-key ratios print 3 decimals
        }
    }
}
