package org.flinkrtrl.jobs.report;

import java.util.List;
import org.flinkrtrl.record.Prediction;

/**
 * ROC AUC of the anomaly score against the input's labels, from a {@link ScoreHistogram}: over every labelled
 * event after a key's first whose forecast was finite and whose score is not NaN. Reports the AUC, the largest
 * possible difference from the exact AUC (pairs in one bin), the PR AUC (average precision, a bin's events taken
 * together) and the scored event counts.
 */
public final class AnomalyAuc implements Metric {
    @Override
    public String name() {
        return "anomaly";
    }

    @Override
    public List<Figure> figures(String[] channels) {
        return List.of(Figure.of("rocAuc", "anomaly ROC AUC"), Figure.of("rocAucBinning", "AUC binning bound"),
            Figure.of("prAuc", "anomaly PR AUC"),
            Figure.count("scoredAnomalous", "scored anomalous"), Figure.count("scoredNormal", "scored normal"));
    }

    @Override
    public Auc newKey(int dims) {
        return new Auc();
    }

    /** The score histogram of one key (or of all keys). */
    public static final class Auc implements KeyAccumulator {
        private final ScoreHistogram histogram = new ScoreHistogram();
        private boolean seen;

        @Override
        public void add(Prediction p) {
            if (seen && p.label != null && !Double.isNaN(p.anomalyScore) && ForecastErrors.allFinite(p.previousForecast)) {
                histogram.add(p.anomalyScore, Labels.isPositive(p.label));
            }
            seen = true;
        }

        @Override
        public void merge(KeyAccumulator other) {
            histogram.merge(((Auc) other).histogram);
        }

        @Override
        public double[] values() {
            return new double[] {histogram.auc(), histogram.tieBound(), histogram.averagePrecision(),
                histogram.positives(), histogram.negatives()};
        }

        /** NaN without labels of both classes. */
        public double auc() {
            return histogram.auc();
        }

        public ScoreHistogram histogram() {
            return histogram;
        }
    }
}
