package org.flinkrtrl.core.eval;

/** Share of actuals that fell inside the interval forecast for them, and the interval's mean width. */
public final class IntervalCoverage {
    private long count;
    private long inside;
    private double sumWidth;

    /** Skips an interval with NaN bounds (nothing was forecast). */
    public void add(double lower, double upper, double actual) {
        if (Double.isNaN(lower) || Double.isNaN(upper)) {
            return;
        }
        count++;
        if (actual >= lower && actual <= upper) {
            inside++;
        }
        sumWidth += upper - lower;
    }

    public long count() {
        return count;
    }

    /** Fraction of actuals inside their interval (NaN when none was scored). */
    public double coverage() {
        return count == 0 ? Double.NaN : (double) inside / count;
    }

    public double meanWidth() {
        return count == 0 ? Double.NaN : sumWidth / count;
    }

    public void merge(IntervalCoverage o) {
        count += o.count;
        inside += o.inside;
        sumWidth += o.sumWidth;
    }
}
