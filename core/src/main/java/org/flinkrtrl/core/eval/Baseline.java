package org.flinkrtrl.core.eval;

/**
 * A one-step forecaster a user would pick instead of the model, run beside it on the same per-key stream for
 * evaluation: {@link #forecast()} is its forecast for the next event, {@link #observe} feeds it the event.
 */
public interface Baseline {
    /** Short name for tables, e.g. "persistence". */
    String name();

    /** Forecast for the next event, one value per channel (NaN where it has none yet). Reused array. */
    double[] forecast();

    /** Feeds one event of the key's stream. */
    void observe(double[] values);
}
