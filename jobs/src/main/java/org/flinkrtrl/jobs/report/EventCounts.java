package org.flinkrtrl.jobs.report;

import java.util.List;
import org.flinkrtrl.record.Prediction;

/**
 * Counts every evaluation has, which also pick the charted keys and their time axes: events, labelled anomalies,
 * events scored above the anomaly threshold, the largest finite score, divergence resets, the event-time range.
 */
public final class EventCounts implements Metric {
    private final double anomalyThreshold;

    public EventCounts(double anomalyThreshold) {
        this.anomalyThreshold = anomalyThreshold;
    }

    @Override
    public String name() {
        return "events";
    }

    @Override
    public List<Figure> figures(String[] channels) {
        return List.of(Figure.count("events", "events"), Figure.count("labelledAnomalies", "labelled anomalies"),
            Figure.count("flagged", "score > threshold"), Figure.of("maxScore", "max score"),
            Figure.count("divergenceResets", "divergence resets"));
    }

    @Override
    public Counts newKey(int dims) {
        return new Counts(anomalyThreshold);
    }

    /** One key's (or all keys') counts. */
    public static final class Counts implements KeyAccumulator {
        private final double threshold;
        private long events;
        private long positives;
        private long flagged;
        private double maxScore = Double.NaN;
        private long diverged;
        private long minTimestamp = Long.MAX_VALUE;
        private long maxTimestamp = Long.MIN_VALUE;

        Counts(double threshold) {
            this.threshold = threshold;
        }

        @Override
        public void add(Prediction p) {
            events++;
            if (Labels.isPositive(p.label)) {
                positives++;
            }
            if (p.anomalyScore > threshold) {
                flagged++;
            }
            if (Double.isFinite(p.anomalyScore) && !(p.anomalyScore <= maxScore)) {
                maxScore = p.anomalyScore;
            }
            if (p.diverged) {
                diverged++;
            }
            minTimestamp = Math.min(minTimestamp, p.timestamp);
            maxTimestamp = Math.max(maxTimestamp, p.timestamp);
        }

        @Override
        public void merge(KeyAccumulator other) {
            Counts o = (Counts) other;
            events += o.events;
            positives += o.positives;
            flagged += o.flagged;
            if (!(o.maxScore <= maxScore)) {
                maxScore = Double.isNaN(o.maxScore) ? maxScore : o.maxScore;
            }
            diverged += o.diverged;
            minTimestamp = Math.min(minTimestamp, o.minTimestamp);
            maxTimestamp = Math.max(maxTimestamp, o.maxTimestamp);
        }

        @Override
        public double[] values() {
            return new double[] {events, positives, flagged, maxScore, diverged};
        }

        public long events() {
            return events;
        }

        public long labelledAnomalies() {
            return positives;
        }

        /** Events whose anomaly score exceeded the threshold (+Inf counts). */
        public long flagged() {
            return flagged;
        }

        /** The largest finite anomaly score, NaN when there is none. */
        public double maxScore() {
            return maxScore;
        }

        public long divergenceResets() {
            return diverged;
        }

        /** Smallest event time seen; Long.MAX_VALUE before the first event. */
        public long minTimestamp() {
            return minTimestamp;
        }

        /** Largest event time seen; Long.MIN_VALUE before the first event. */
        public long maxTimestamp() {
            return maxTimestamp;
        }
    }
}
