package org.flinkrtrl.jobs.report;

import java.util.List;

/**
 * One kind of figure of a bounded run's evaluation (forecast errors, anomaly AUC, ...). {@link Evaluation} gives
 * every key its own {@link KeyAccumulator} from {@link #newKey}, feeds it the key's predictions once each in the
 * key's order, and pools the keys by merging their accumulators into one from {@link #newKey}. The figures an
 * accumulator reports are declared once here, in order, for the HTML table and {@code report.json}.
 */
public interface Metric {
    /** Name of this metric's object in {@code report.json}, e.g. {@code "forecast"}. */
    String name();

    /**
     * The figures every accumulator of this metric reports, in the order of {@link KeyAccumulator#values()}; the
     * figures of one channel next to each other.
     */
    List<Figure> figures(String[] channels);

    /** A fresh accumulator for one key (or for the pooled figures) of a run with {@code dims} values per event. */
    KeyAccumulator newKey(int dims);
}
