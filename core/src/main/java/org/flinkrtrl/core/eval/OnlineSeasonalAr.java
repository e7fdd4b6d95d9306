package org.flinkrtrl.core.eval;

import java.util.Arrays;
import org.flinkrtrl.core.learner.RecursiveLeastSquares;

/**
 * Online seasonal linear autoregression, per channel: the next value regressed on an intercept and the values
 * {@code lags[i]} events before it, fitted by recursive least squares with forgetting (exact, one update per
 * event). The usual choice is lags {1, 2, 3, day, 2 days, week - 1, week, week + 1} in events, forgetting 0.999.
 *
 * <p>Values are divided by a fixed unit (the channel's first non-zero magnitude) so the prior is unit-free: the
 * prior is persistence (coefficient 1 on lag 1) with variance {@value #PRIOR_VARIANCE} per coefficient, i.e.
 * practically uninformative after a few events. A lag the history does not reach yet takes the last value.
 * Memory: the longest lag in events, plus (1 + lags)^2 per channel.
 */
public final class OnlineSeasonalAr implements Baseline {
    static final double PRIOR_VARIANCE = 100.0;

    private final int[] lags;
    private final int dims;
    private final int depth;
    private final double[] ring;
    private final RecursiveLeastSquares[] fits;
    private final double[] unit;
    private final double[][] phi;
    private final double[] out;
    private long count;

    public OnlineSeasonalAr(int[] lags, double forgetting, int dims) {
        this.lags = lags.clone();
        this.dims = dims;
        int max = 0;
        for (int l : lags) {
            if (l < 1) {
                throw new IllegalArgumentException("lags must be >= 1, got " + l);
            }
            max = Math.max(max, l);
        }
        this.depth = max;
        this.ring = new double[max * dims];
        double[] prior = new double[lags.length + 1];
        for (int i = 0; i < lags.length; i++) {
            if (lags[i] == 1) {
                prior[i + 1] = 1.0;
            }
        }
        this.fits = new RecursiveLeastSquares[dims];
        this.phi = new double[dims][lags.length + 1];
        for (int c = 0; c < dims; c++) {
            fits[c] = new RecursiveLeastSquares(lags.length + 1, forgetting, PRIOR_VARIANCE, prior);
        }
        this.unit = new double[dims];
        this.out = new double[dims];
        Arrays.fill(out, Double.NaN);
    }

    /** Lags {1, 2, 3, day, 2 days, week - 1, week, week + 1} for a series with {@code perDay} events a day. */
    public static OnlineSeasonalAr dailyWeekly(int perDay, double forgetting, int dims) {
        int week = 7 * perDay;
        return new OnlineSeasonalAr(new int[] {1, 2, 3, perDay, 2 * perDay, week - 1, week, week + 1}, forgetting, dims);
    }

    @Override
    public String name() {
        return "seasonal AR";
    }

    @Override
    public double[] forecast() {
        return out;
    }

    @Override
    public void observe(double[] values) {
        for (int c = 0; c < dims; c++) {
            if (unit[c] == 0.0 && values[c] != 0.0) {
                unit[c] = Math.abs(values[c]);
            }
        }
        if (count > 0) {
            for (int c = 0; c < dims; c++) {
                fits[c].update(phi[c], scaled(values[c], c));
            }
        }
        System.arraycopy(values, 0, ring, (int) (count % depth) * dims, dims);
        count++;
        for (int c = 0; c < dims; c++) {
            double[] f = phi[c];
            f[0] = 1.0;
            for (int i = 0; i < lags.length; i++) {
                // the value lags[i] events before the next one is lags[i] - 1 events before this one
                long idx = lags[i] <= count ? count - lags[i] : count - 1;
                f[i + 1] = scaled(ring[(int) (idx % depth) * dims + c], c);
            }
            out[c] = fits[c].predict(f) * (unit[c] == 0.0 ? 1.0 : unit[c]);
        }
    }

    private double scaled(double v, int c) {
        return unit[c] == 0.0 ? v : v / unit[c];
    }
}
