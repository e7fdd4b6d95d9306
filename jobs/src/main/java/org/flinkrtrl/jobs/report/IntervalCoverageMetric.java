package org.flinkrtrl.jobs.report;

import java.util.ArrayList;
import java.util.List;
import org.flinkrtrl.core.eval.IntervalCoverage;
import org.flinkrtrl.record.Prediction;

/**
 * Coverage of the forecast interval per channel: the share of actuals inside the interval forecast for them, and
 * the interval's mean width, over every event after a key's first whose interval was finite.
 */
public final class IntervalCoverageMetric implements Metric {
    @Override
    public String name() {
        return "interval";
    }

    @Override
    public List<Figure> figures(String[] channels) {
        List<Figure> f = new ArrayList<>();
        for (String c : channels) {
            f.add(Figure.perChannel(c, "coverage", "interval coverage", false));
            f.add(Figure.perChannel(c, "meanWidth", "interval mean width", false));
        }
        return f;
    }

    @Override
    public Coverage newKey(int dims) {
        return new Coverage(dims);
    }

    /** One {@link IntervalCoverage} per channel. */
    public static final class Coverage implements KeyAccumulator {
        private final IntervalCoverage[] channels;

        Coverage(int dims) {
            channels = new IntervalCoverage[dims];
            for (int c = 0; c < dims; c++) {
                channels[c] = new IntervalCoverage();
            }
        }

        @Override
        public void add(Prediction p) {
            if (p.previousLower == null || p.previousUpper == null) {
                return;
            }
            for (int c = 0; c < channels.length; c++) {
                if (Double.isFinite(p.previousLower[c]) && Double.isFinite(p.previousUpper[c])) {
                    channels[c].add(p.previousLower[c], p.previousUpper[c], p.actual[c]);
                }
            }
        }

        @Override
        public void merge(KeyAccumulator other) {
            Coverage o = (Coverage) other;
            for (int c = 0; c < channels.length; c++) {
                channels[c].merge(o.channels[c]);
            }
        }

        @Override
        public double[] values() {
            double[] v = new double[2 * channels.length];
            for (int c = 0; c < channels.length; c++) {
                v[2 * c] = channels[c].coverage();
                v[2 * c + 1] = channels[c].meanWidth();
            }
            return v;
        }

        public double coverage(int c) {
            return channels[c].coverage();
        }
    }
}
