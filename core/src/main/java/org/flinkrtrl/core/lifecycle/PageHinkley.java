package org.flinkrtrl.core.lifecycle;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Page-Hinkley test for an increase of the mean of a non-negative error stream (Page 1954; the form of Gama et al.
 * 2013, "On evaluating stream learning algorithms"), made scale-free so one threshold serves every key.
 *
 * <p>Each error x_t is first compared with the reference mean error mbar_{t-1} (an exponentially weighted mean of
 * the errors since the last detection, horizon {@code window} events, bias-corrected): z_t = min(cap,
 * x_t / mbar_{t-1}), so a lone outlier adds at most {@code cap - 1 - delta} and only a sustained rise adds up. The
 * test statistic is the cumulative sum m_t = sum (z_i - 1 - delta) against its running minimum M_t; a drift is
 * flagged when m_t - M_t &gt; {@code threshold}. During the first {@code warmUp} errors after a start or a detection
 * only the reference mean is learned. After a detection everything restarts, so a new regime is learned as the new
 * reference before the next detection can come.
 *
 * <p>Operating figures (PageHinkleyTest): with the defaults (delta 0.5, threshold 25, cap 5, window 1000, warm-up
 * 100), over 200 seeds, a tenfold rise of a chi-square(1) error stream is flagged after a median 15 events (95th
 * percentile 23), a threefold rise after 39 (95th percentile 99); on stationary errors 1 false alarm in 10^6
 * chi-square(1) errors and none in 10^6 squared Student-t(3) errors.
 *
 * <p>Allocates nothing; its settings and state are written by {@link #write} and read by {@link #readFrom}.
 */
public final class PageHinkley {
    private final double delta;
    private final double threshold;
    private final double cap;
    private final double rate;
    private final int warmUp;

    private long count;
    private double sum;
    private double decay = 1.0;
    private double cumulative;
    private double minimum;

    /**
     * @param delta     tolerated rise per event, in reference mean errors (> 0)
     * @param threshold alarm level of the cumulative rise, in reference mean errors (> 0)
     * @param cap       largest contribution of one error, in reference mean errors (> 1)
     * @param window    horizon of the reference mean error, events (>= 1)
     * @param warmUp    errors learned into the reference before the test runs (>= 1)
     */
    public PageHinkley(double delta, double threshold, double cap, int window, int warmUp) {
        if (!(delta > 0) || !(threshold > 0) || !(cap > 1) || window < 1 || warmUp < 1) {
            throw new IllegalArgumentException("Page-Hinkley needs delta > 0, threshold > 0, cap > 1, window >= 1, "
                + "warmUp >= 1; got " + delta + ", " + threshold + ", " + cap + ", " + window + ", " + warmUp);
        }
        this.delta = delta;
        this.threshold = threshold;
        this.cap = cap;
        this.rate = 1.0 / window;
        this.warmUp = warmUp;
    }

    /**
     * One error (a non-finite or negative value is ignored).
     *
     * @return true when this error completes a detection (the test then restarts)
     */
    public boolean update(double x) {
        if (!(x >= 0) || x == Double.POSITIVE_INFINITY) {
            return false;
        }
        if (count >= warmUp) {
            double mean = mean();
            double z = mean > 0 ? Math.min(cap, x / mean) : (x > 0 ? cap : 1.0);
            cumulative += z - 1.0 - delta;
            minimum = Math.min(minimum, cumulative);
            if (cumulative - minimum > threshold) {
                reset();
                return true;
            }
        }
        sum = (1.0 - rate) * sum + rate * x;
        decay *= 1.0 - rate;
        count++;
        return false;
    }

    /** The reference mean error (NaN before the first error). */
    public double mean() {
        return count == 0 ? Double.NaN : sum / (1.0 - decay);
    }

    /** The current test statistic m_t - M_t, in reference mean errors (0 during the warm-up). */
    public double statistic() {
        return cumulative - minimum;
    }

    /** Errors seen since the start or the last detection. */
    public long count() {
        return count;
    }

    /** Forgets everything: the next errors build a new reference. */
    public void reset() {
        count = 0;
        sum = 0.0;
        decay = 1.0;
        cumulative = 0.0;
        minimum = 0.0;
    }

    /** True when this detector runs with these settings. */
    public boolean hasSettings(double delta, double threshold, double cap, int window, int warmUp) {
        return Double.compare(this.delta, delta) == 0 && Double.compare(this.threshold, threshold) == 0
            && Double.compare(this.cap, cap) == 0 && Double.compare(this.rate, 1.0 / window) == 0
            && this.warmUp == warmUp;
    }

    /** Writes the settings and the state; {@link #readFrom} restores both. */
    public void write(DataOutput o) throws IOException {
        o.writeDouble(delta);
        o.writeDouble(threshold);
        o.writeDouble(cap);
        o.writeInt((int) Math.round(1.0 / rate));
        o.writeInt(warmUp);
        o.writeLong(count);
        o.writeDouble(sum);
        o.writeDouble(decay);
        o.writeDouble(cumulative);
        o.writeDouble(minimum);
    }

    public static PageHinkley readFrom(DataInput in) throws IOException {
        PageHinkley p = new PageHinkley(in.readDouble(), in.readDouble(), in.readDouble(), in.readInt(), in.readInt());
        p.count = in.readLong();
        p.sum = in.readDouble();
        p.decay = in.readDouble();
        p.cumulative = in.readDouble();
        p.minimum = in.readDouble();
        return p;
    }
}
