package org.flinkrtrl.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;

/** The seasonal baselines and the interval coverage of the report, on series whose answers are known. */
class BaselineAndIntervalMetricsTest {
    static final long HALF_HOUR = 1_800_000L;

    static Prediction prediction(String key, long t, double actual, double previous, double lo, double hi) {
        Prediction p = new Prediction();
        p.key = key;
        p.timestamp = t;
        p.actual = new double[] {actual};
        p.previousForecast = new double[] {previous};
        p.previousLower = new double[] {lo};
        p.previousUpper = new double[] {hi};
        return p;
    }

    /**
     * A strictly daily series (48 half-hours, values 0..47): seasonal persistence at one day and one week is exact
     * once it has the history; persistence is wrong by 1 (47 once a day); the seasonal AR converges to exact.
     */
    @Test
    void baselinesOnADailySeries() {
        BaselineErrors.Errors e = new BaselineErrors().newKey(1);
        double last = Double.NaN;
        for (int i = 0; i < 48 * 21; i++) {
            double x = i % 48;
            e.add(prediction("k", i * HALF_HOUR, x, Double.isNaN(last) ? Double.NaN : last, Double.NaN, Double.NaN));
            last = x;
        }
        assertEquals(0.0, e.mae(0, 0), 0.0, "one-day seasonal persistence is exact");
        assertEquals(0.0, e.mae(1, 0), 0.0, "one-week seasonal persistence is exact");
        assertTrue(e.mae(2, 0) < 0.5, "seasonal AR " + e.mae(2, 0));
        double[] v = e.values();
        assertEquals(6, v.length);
        assertEquals(0.0, v[0], 0.0);
    }

    /** A 5-second key: a week is 120,960 events, beyond the lag bound, so no baseline runs and the figures are NaN. */
    @Test
    void fastKeysGetNoSeasonalBaselines() {
        BaselineErrors.Errors e = new BaselineErrors().newKey(1);
        for (int i = 0; i < 100; i++) {
            e.add(prediction("k", i * 5000L, i, i - 1, Double.NaN, Double.NaN));
        }
        assertTrue(Double.isNaN(e.mae(0, 0)) && Double.isNaN(e.mae(2, 0)));
    }

    @Test
    void coverageCountsActualsInsideTheirInterval() {
        IntervalCoverageMetric.Coverage c = new IntervalCoverageMetric().newKey(1);
        c.add(prediction("k", 0, 5, Double.NaN, Double.NaN, Double.NaN)); // first event: no interval
        c.add(prediction("k", 1, 5, 5, 4, 6));
        c.add(prediction("k", 2, 6, 5, 4, 6)); // on the bound counts as inside
        c.add(prediction("k", 3, 7, 5, 4, 6));
        c.add(prediction("k", 4, 3, 5, 4, 8));
        assertEquals(0.5, c.coverage(0), 0.0);
        assertEquals(2.5, c.values()[1], 0.0, "mean width (2 + 2 + 2 + 4) / 4");
    }
}
