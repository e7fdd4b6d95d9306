package org.flinkrtrl.core.learner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * Per-channel predictive spread of a one-step forecast: a scale and a central interval that keeps its coverage on
 * every key, whatever the residuals' distribution.
 *
 * <p><b>Scale.</b> {@code s} is the root of a bias-corrected exponentially weighted mean of squared residuals
 * (rate {@value #SCALE_RATE}), in the units the residuals are given in. Until a residual has been seen the caller's
 * fallback scale is used.
 *
 * <p><b>Interval.</b> {@code location +- q s}. The multiplier q is an online quantile of the scores |r| / s tracked
 * by adaptive conformal inference (Gibbs and Candes 2021, in the quantile-tracking form): after each residual,
 * {@code q += eta (miss - alpha)} with miss = 1 when the actual fell outside the interval that was forecast for it,
 * alpha = 1 - level and eta = {@value #QUANTILE_RATE}. Whatever the residuals' distribution, the long-run miss rate
 * of every key converges to alpha: each miss raises q by eta (1 - alpha), each hit lowers it by eta alpha, and q
 * stays bounded, so the mean of (miss - alpha) is O(1 / (eta T)). q starts at the Gaussian quantile of the level
 * and never goes below 0.
 */
public final class ForecastBand {
    /** EWMA rate of the squared residuals behind the scale. */
    static final double SCALE_RATE = 0.02;
    /** Step of the adaptive quantile, in units of the score |r| / s. */
    static final double QUANTILE_RATE = 0.05;

    private final double level;
    private final double alpha;
    private final double[] meanSquare;
    private final double[] q;
    private long count;
    private double decay = 1.0;

    /** @param level central interval probability, in (0, 1) */
    public ForecastBand(int channels, double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("interval level must be in (0, 1), got " + level);
        }
        this.level = level;
        this.alpha = 1.0 - level;
        this.meanSquare = new double[channels];
        this.q = new double[channels];
        reset();
    }

    /** Forgets every residual: scale falls back to the caller's, q to the Gaussian quantile. */
    public void reset() {
        java.util.Arrays.fill(meanSquare, 0.0);
        java.util.Arrays.fill(q, gaussianQuantile(0.5 + level / 2));
        count = 0;
        decay = 1.0;
    }

    public double level() {
        return level;
    }

    /** Residuals folded in so far. */
    public long count() {
        return count;
    }

    /** Scale of channel c, or {@code fallback} before the first residual. */
    public double scale(int c, double fallback) {
        if (count == 0) {
            return fallback;
        }
        return Math.sqrt(meanSquare[c] / (1.0 - decay));
    }

    /** Half-width multiplier of channel c's interval: the interval is location +- multiplier * scale. */
    public double multiplier(int c) {
        return q[c];
    }

    /**
     * Folds in one residual per channel. {@code halfWidth[c]} is the half-width of the interval that was forecast
     * for this event (decides miss or hit); {@code residual} and {@code halfWidth} in the same units.
     */
    public void update(double[] residual, double[] halfWidth) {
        for (int c = 0; c < q.length; c++) {
            double r = residual[c];
            double miss = Math.abs(r) > halfWidth[c] ? 1.0 : 0.0;
            q[c] = Math.max(0.0, q[c] + QUANTILE_RATE * (miss - alpha));
            meanSquare[c] = (1.0 - SCALE_RATE) * meanSquare[c] + SCALE_RATE * r * r;
        }
        decay *= 1.0 - SCALE_RATE;
        count++;
    }

    /**
     * Standard normal quantile, Acklam's rational approximation (relative error below 1.2e-9), for p in (0, 1).
     */
    static double gaussianQuantile(double p) {
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        double pl = 0.02425;
        if (p < pl) {
            double t = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5])
                / ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1);
        }
        if (p > 1 - pl) {
            return -gaussianQuantile(1 - p);
        }
        double u = p - 0.5;
        double r = u * u;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * u
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    void write(DataOutput o) throws IOException {
        o.writeLong(count);
        o.writeDouble(decay);
        StateArrays.write(o, meanSquare);
        StateArrays.write(o, q);
    }

    void read(DataInput in) throws IOException {
        count = in.readLong();
        decay = in.readDouble();
        StateArrays.read(in, meanSquare);
        StateArrays.read(in, q);
    }
}
