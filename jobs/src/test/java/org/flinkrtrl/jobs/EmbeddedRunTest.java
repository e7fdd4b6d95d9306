package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.flinkrtrl.connectors.PredictionJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default runs the bundled sensor data to completion, beats persistence and detects the labelled runs. */
class EmbeddedRunTest {
    @Test
    void embeddedDefaultOnBundledSensorData(@TempDir Path dir) throws Exception {
        Path outDir = dir.resolve("out");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        JobOptions o = JobOptions.parse("--out-dir", outDir.toString());
        SensorForecastJob.FileRunResult r = SensorForecastJob.runFile(o, out);
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text);

        assertEquals(18914, r.predictions.size(), "one prediction per row");
        assertEquals(0, r.deadLetters);
        assertTrue(!r.failed, "all rows came back");
        List<String> lines = Files.readAllLines(outDir.resolve("predictions.jsonl"));
        assertEquals(18914, lines.size());
        assertEquals(r.predictions.get(0), PredictionJson.fromJson(lines.get(0)));
        Path report = outDir.resolve("report.html");
        String html = Files.readString(report);
        assertTrue(html.contains("data:image/png;base64,") && html.contains("MAE persistence"), "report has charts and table");
        assertTrue(text.contains(report.toAbsolutePath().toString()), "prints where the report is");

        Report.Summary s = r.summary;
        System.out.printf(Locale.ROOT, "RESULT mae model %.5f persistence %.5f auc %.4f events/s %.0f wall, %.0f processing%n", s.maeModel(),
            s.maePersistence(), s.auc, s.eventsPerSecond(), s.processingEventsPerSecond());
        assertTrue(s.maeModel() < s.maePersistence(),
            "model MAE " + s.maeModel() + " must beat persistence " + s.maePersistence());
        assertTrue(s.auc > 0.5, "anomaly AUC " + s.auc);
    }
}
