package org.flinkrtrl.jobs.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flinkrtrl.core.eval.Baseline;
import org.flinkrtrl.core.eval.ErrorStats;
import org.flinkrtrl.core.eval.OnlineSeasonalAr;
import org.flinkrtrl.core.eval.SeasonalPersistence;
import org.flinkrtrl.record.Prediction;

/**
 * One-step errors of the forecasters a user would pick instead of the model, run beside it on each key's actual
 * values: seasonal persistence at one day and at one week, and the online seasonal autoregression (lags 1, 2, 3,
 * one day, two days, one week - 1, one week, one week + 1 events; recursive least squares, forgetting 0.999). MAE
 * and RMSE per channel over the same events as the model's (every event after a key's first whose model forecast
 * was finite, and where the baseline has a forecast).
 *
 * <p>A key's events a day come from its cadence, the median of its first {@value #CADENCE_GAPS} gaps; its first
 * events are kept until then and replayed into the baselines. The baselines only run when a week of events (plus
 * one) stays within {@value #MAX_WEEK_EVENTS} events, the lag buffer the model itself allows; a key with a faster
 * cadence (e.g. 5-second sensors) reports NaN. Memory per key: about {@code 2 * (7 D + 2) * 8 d} bytes for D
 * events a day (about 64 KB for a 5-minute key with one channel), nothing for a key without baselines.
 */
public final class BaselineErrors implements Metric {
    static final int CADENCE_GAPS = 9;
    static final int MAX_WEEK_EVENTS = 2100;
    static final double FORGETTING = 0.999;
    private static final String[] NAMES = {"SeasonalDay", "SeasonalWeek", "SeasonalAr"};
    private static final String[] LABELS = {"seasonal 1 day", "seasonal 1 week", "seasonal AR"};

    @Override
    public String name() {
        return "baselines";
    }

    @Override
    public List<Figure> figures(String[] channels) {
        List<Figure> f = new ArrayList<>();
        for (String c : channels) {
            for (int b = 0; b < NAMES.length; b++) {
                f.add(Figure.perChannel(c, "mae" + NAMES[b], "MAE " + LABELS[b], false));
                f.add(Figure.perChannel(c, "rmse" + NAMES[b], "RMSE " + LABELS[b], false));
            }
        }
        return f;
    }

    @Override
    public Errors newKey(int dims) {
        return new Errors(dims);
    }

    /** The baselines of one key (or the pooled errors of all keys). */
    public static final class Errors implements KeyAccumulator {
        private final int dims;
        private final ErrorStats[][] stats;
        private long[] firstTimes = new long[CADENCE_GAPS + 1];
        private double[][] firstValues = new double[CADENCE_GAPS + 1][];
        private int buffered;
        private Baseline[] baselines;
        private double[][] pending;
        private boolean seen;
        private boolean none;

        Errors(int dims) {
            this.dims = dims;
            stats = new ErrorStats[NAMES.length][dims];
            for (ErrorStats[] s : stats) {
                for (int c = 0; c < dims; c++) {
                    s[c] = new ErrorStats();
                }
            }
        }

        @Override
        public void add(Prediction p) {
            boolean scored = seen && ForecastErrors.allFinite(p.previousForecast);
            seen = true;
            if (none) {
                return;
            }
            if (baselines == null) {
                firstTimes[buffered] = p.timestamp;
                firstValues[buffered++] = p.actual.clone();
                if (buffered == firstTimes.length) {
                    start();
                }
                return;
            }
            step(p.actual, scored);
        }

        private void start() {
            long[] gaps = new long[CADENCE_GAPS];
            for (int i = 0; i < CADENCE_GAPS; i++) {
                gaps[i] = firstTimes[i + 1] - firstTimes[i];
            }
            Arrays.sort(gaps);
            long cadence = gaps[CADENCE_GAPS / 2];
            long perDay = cadence <= 0 ? 0 : Math.round(86_400_000.0 / cadence);
            if (perDay < 2 || 7 * perDay + 1 > MAX_WEEK_EVENTS) {
                none = true;
            } else {
                int day = (int) perDay;
                baselines = new Baseline[] {new SeasonalPersistence("seasonal 1 day", day, dims),
                    new SeasonalPersistence("seasonal 1 week", 7 * day, dims),
                    OnlineSeasonalAr.dailyWeekly(day, FORGETTING, dims)};
                pending = new double[baselines.length][dims];
                for (double[] row : pending) {
                    Arrays.fill(row, Double.NaN);
                }
                for (int i = 0; i < buffered; i++) {
                    step(firstValues[i], false); // too early to score: no baseline forecasts one day back yet
                }
            }
            firstTimes = null;
            firstValues = null;
        }

        private void step(double[] actual, boolean scored) {
            for (int b = 0; b < baselines.length; b++) {
                if (scored) {
                    for (int c = 0; c < dims; c++) {
                        stats[b][c].add(pending[b][c], actual[c]);
                    }
                }
                baselines[b].observe(actual);
                System.arraycopy(baselines[b].forecast(), 0, pending[b], 0, dims);
            }
        }

        @Override
        public void merge(KeyAccumulator other) {
            Errors o = (Errors) other;
            for (int b = 0; b < NAMES.length; b++) {
                for (int c = 0; c < dims; c++) {
                    stats[b][c].merge(o.stats[b][c]);
                }
            }
        }

        @Override
        public double[] values() {
            double[] v = new double[2 * NAMES.length * dims];
            int i = 0;
            for (int c = 0; c < dims; c++) {
                for (int b = 0; b < NAMES.length; b++) {
                    v[i++] = stats[b][c].mae();
                    v[i++] = stats[b][c].rmse();
                }
            }
            return v;
        }

        /** MAE of baseline b (0 day, 1 week, 2 seasonal AR) on channel c; NaN when it never forecast. */
        public double mae(int b, int c) {
            return stats[b][c].mae();
        }
    }
}
