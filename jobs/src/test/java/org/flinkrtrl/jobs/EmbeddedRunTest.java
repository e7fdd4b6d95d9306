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
import org.flinkrtrl.jobs.report.AnomalyAuc;
import org.flinkrtrl.jobs.report.Evaluation;
import org.flinkrtrl.jobs.report.ForecastErrors;
import org.flinkrtrl.record.Prediction;
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

        assertEquals(18914, r.predictions, "one prediction per row");
        assertEquals(0, r.deadLetters);
        assertTrue(!r.failed, "all rows came back");
        List<String> lines = Files.readAllLines(outDir.resolve("predictions.jsonl"));
        assertEquals(18914, lines.size());
        Prediction first = PredictionJson.fromJson(lines.get(0));
        assertEquals(1, first.steps);
        assertEquals(PredictionJson.toJson(first), lines.get(0), "the written line reads back bit for bit");
        Path report = outDir.resolve("report.html");
        String html = Files.readString(report);
        assertTrue(html.contains("data:image/png;base64,") && html.contains("MAE persistence"), "report has charts and table");
        assertTrue(text.contains(report.toAbsolutePath().toString()), "prints where the report is");

        Evaluation.KeyResult all = r.evaluation.overall();
        ForecastErrors.Errors e = all.get(ForecastErrors.Errors.class);
        AnomalyAuc.Auc auc = all.get(AnomalyAuc.Auc.class);
        System.out.printf(Locale.ROOT, "RESULT mae model %.5f persistence %.5f auc %.4f (binning bound %.5f) events/s "
            + "%.0f wall, %.0f processing%n", e.meanMaeModel(), e.meanMaePersistence(), auc.auc(),
            auc.histogram().tieBound(), r.run.eventsPerSecond(r.predictions), r.run.processingEventsPerSecond(r.predictions));
        assertTrue(e.meanMaeModel() < e.meanMaePersistence(),
            "model MAE " + e.meanMaeModel() + " must beat persistence " + e.meanMaePersistence());
        assertTrue(auc.auc() - auc.histogram().tieBound() > 0.5, "anomaly AUC " + auc.auc());
        assertTrue(Files.readString(outDir.resolve("report.json")).contains("\"maePersistence\""), "report.json");
    }
}
