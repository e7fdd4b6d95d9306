package org.flinkrtrl.jobs.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flinkrtrl.record.Prediction;

/**
 * A bounded picture of one key's predictions for its chart: the key's events split by their index into a fixed
 * number of buckets, and per bucket and series (each channel's actual and forecast values, the anomaly score) the
 * lowest and the highest point; per bucket also the event-time span of labelled anomalies. Memory depends on the
 * bucket count and channels only. The x of a point is its event time when the key's event times are chartable
 * ({@link #timeAxis()}), else its event number (1, 2, ...).
 */
public final class ChartSeries {
    /** Event times charted as dates: years 1 to 9999. */
    static final long MIN_CHART_MILLIS = -62_135_596_800_000L;
    static final long MAX_CHART_MILLIS = 253_402_300_799_999L;

    private final String key;
    private final long events;
    private final int dims;
    private final int buckets;
    private final boolean timeAxis;
    private final long firstTimestamp;
    /** Per series s and bucket b at index s * buckets + b: the lowest and highest point; NaN y when empty. */
    private final double[] minY;
    private final double[] maxY;
    private final long[] minX;
    private final long[] maxX;
    /** Per bucket: x range of the labelled anomalies in it; labelFrom > labelTo when none. */
    private final long[] labelFrom;
    private final long[] labelTo;
    private long seen;

    /**
     * @param counts the key's counts from the evaluation (its events and event-time range)
     * @param points the most points per series: two per bucket
     */
    public ChartSeries(String key, EventCounts.Counts counts, int dims, int points) {
        this.key = key;
        this.events = counts.events();
        this.dims = dims;
        this.buckets = (int) Math.max(1, Math.min(points / 2, events));
        this.timeAxis = counts.maxTimestamp() > counts.minTimestamp() && counts.minTimestamp() >= MIN_CHART_MILLIS
            && counts.maxTimestamp() <= MAX_CHART_MILLIS;
        this.firstTimestamp = counts.minTimestamp();
        int cells = series() * buckets;
        minY = new double[cells];
        maxY = new double[cells];
        minX = new long[cells];
        maxX = new long[cells];
        Arrays.fill(minY, Double.NaN);
        Arrays.fill(maxY, Double.NaN);
        labelFrom = new long[buckets];
        labelTo = new long[buckets];
        Arrays.fill(labelFrom, Long.MAX_VALUE);
        Arrays.fill(labelTo, Long.MIN_VALUE);
    }

    /**
     * Series: actual then forecast of each channel, then the score, then the lower and upper bound of each
     * channel's forecast interval.
     */
    int series() {
        return 4 * dims + 1;
    }

    /** Index of channel c's interval bound series (upper = false: lower bound). */
    static int boundSeries(int dims, int c, boolean upper) {
        return 2 * dims + 1 + 2 * c + (upper ? 1 : 0);
    }

    /** The key's next prediction, in the key's order. */
    public void add(Prediction p) {
        int b = (int) Math.min(buckets - 1, seen * buckets / Math.max(events, 1));
        long x = timeAxis ? p.timestamp : seen + 1;
        seen++;
        for (int c = 0; c < dims; c++) {
            point(2 * c, b, x, p.actual[c]);
            if (p.previousForecast != null) {
                point(2 * c + 1, b, x, p.previousForecast[c]);
            }
            if (p.previousLower != null && p.previousUpper != null) {
                point(boundSeries(dims, c, false), b, x, p.previousLower[c]);
                point(boundSeries(dims, c, true), b, x, p.previousUpper[c]);
            }
        }
        if (!Double.isNaN(p.anomalyScore)) {
            // log scale: the score is a z-score whose first values (no error history yet) can be enormous
            point(2 * dims, b, x, Math.log10(1 + Math.max(0, Math.min(p.anomalyScore, Double.MAX_VALUE))));
        }
        if (Labels.isPositive(p.label)) {
            labelFrom[b] = Math.min(labelFrom[b], x);
            labelTo[b] = Math.max(labelTo[b], x);
        }
    }

    private void point(int s, int b, long x, double y) {
        if (!Double.isFinite(y)) {
            return;
        }
        int i = s * buckets + b;
        if (!(y >= minY[i])) {
            minY[i] = y;
            minX[i] = x;
        }
        if (!(y <= maxY[i])) {
            maxY[i] = y;
            maxX[i] = x;
        }
    }

    public String key() {
        return key;
    }

    public int dims() {
        return dims;
    }

    public int buckets() {
        return buckets;
    }

    /** Whether x is event time (epoch millis) rather than the event number. */
    public boolean timeAxis() {
        return timeAxis;
    }

    public long firstTimestamp() {
        return firstTimestamp;
    }

    /** Predictions added. */
    public long seen() {
        return seen;
    }

    /** Visits the points of series {@code s} in bucket order, each bucket's two points in x order. */
    void points(int s, PointSink sink) {
        for (int b = 0; b < buckets; b++) {
            int i = s * buckets + b;
            if (Double.isNaN(minY[i])) {
                continue;
            }
            if (minX[i] == maxX[i]) {
                sink.point(minX[i], minY[i]);
                if (maxY[i] != minY[i]) {
                    sink.point(maxX[i], maxY[i]);
                }
            } else if (minX[i] < maxX[i]) {
                sink.point(minX[i], minY[i]);
                sink.point(maxX[i], maxY[i]);
            } else {
                sink.point(maxX[i], maxY[i]);
                sink.point(minX[i], minY[i]);
            }
        }
    }

    /** Labelled-anomaly spans, adjacent buckets joined: pairs (from, to) of x. */
    List<long[]> labelledSpans() {
        List<long[]> spans = new ArrayList<>();
        long[] open = null;
        for (int b = 0; b < buckets; b++) {
            if (labelFrom[b] > labelTo[b]) {
                open = null;
            } else if (open == null) {
                open = new long[] {labelFrom[b], labelTo[b]};
                spans.add(open);
            } else {
                open[0] = Math.min(open[0], labelFrom[b]);
                open[1] = Math.max(open[1], labelTo[b]);
            }
        }
        return spans;
    }

    /** Receives chart points. */
    interface PointSink {
        void point(long x, double y);
    }
}
