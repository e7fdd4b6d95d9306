package org.flinkrtrl.flink;

import org.apache.flink.metrics.Gauge;

/**
 * Exponentially weighted moving average exposed as a gauge: the first sample sets the value, then
 * v = v + alpha (x - v). NaN until the first sample. Updated by the task thread, read by the metric reporter.
 */
final class Ewma implements Gauge<Double> {
    private final double alpha;
    private volatile double value = Double.NaN;

    Ewma(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        this.alpha = alpha;
    }

    void add(double x) {
        double v = value;
        value = Double.isNaN(v) ? x : v + alpha * (x - v);
    }

    @Override
    public Double getValue() {
        return value;
    }
}
