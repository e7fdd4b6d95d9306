package org.flinkrtrl.jobs.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a bounded run's report after the run: {@code report.json} beside the HTML page, and the page with charts
 * of at most a given number of keys ({@link ChartPicker}), whose series are read back from the predictions file.
 */
public final class RunReport {
    /** Points per chart series: two per bucket of consecutive events. */
    public static final int CHART_POINTS = 1000;

    private RunReport() {}

    /** The JSON summary's path: the HTML report's with the extension {@code .json}. */
    public static Path jsonBeside(Path html) {
        String name = html.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        String base = lower.endsWith(".html") ? name.substring(0, name.length() - 5)
            : lower.endsWith(".htm") ? name.substring(0, name.length() - 4) : name;
        return html.resolveSibling(base + ".json");
    }

    /** Writes both files; returns the charted keys' series. */
    public static List<ChartSeries> write(Path html, Path predictions, RunInfo run, Evaluation eval, int charts)
            throws IOException {
        List<ChartSeries> series = new ArrayList<>();
        for (Evaluation.KeyResult k : ChartPicker.pick(eval, charts)) {
            series.add(new ChartSeries(k.key(), k.counts(), eval.dims(), CHART_POINTS));
        }
        ChartReader.fill(predictions, series);
        Path json = jsonBeside(html);
        JsonSummary.write(json, run, eval);
        HtmlReport.write(html, run, eval, series, json.getFileName().toString());
        return series;
    }
}
