package org.flinkrtrl.jobs.report;

import org.flinkrtrl.record.Prediction;

/**
 * The state of one {@link Metric} for one key: summary statistics updated per prediction, whose size does not grow
 * with the number of predictions unless the metric says so (and then bounded and compact).
 */
public interface KeyAccumulator {
    /** The key's next prediction (each prediction once, in the key's order). */
    void add(Prediction p);

    /** Pools another key's accumulator of the same metric into this one (for the overall figures). */
    void merge(KeyAccumulator other);

    /** The current figures, aligned with {@link Metric#figures}; NaN where undefined. */
    double[] values();
}
