package org.flinkrtrl.jobs.report;

import java.util.ArrayList;
import java.util.List;
import org.flinkrtrl.record.Prediction;

/**
 * One-step-ahead forecast errors per channel in raw units, the model's against persistence's (the key's last
 * value): MAE and RMSE over every event after a key's first whose forecast was finite in every channel.
 */
public final class ForecastErrors implements Metric {
    private static final int FIGURES = 5;

    /** Whether a forecast exists and every channel of it is finite. */
    static boolean allFinite(double[] forecast) {
        if (forecast == null) {
            return false;
        }
        for (double v : forecast) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String name() {
        return "forecast";
    }

    @Override
    public List<Figure> figures(String[] channels) {
        List<Figure> f = new ArrayList<>();
        for (String c : channels) {
            f.add(Figure.perChannel(c, "scored", "scored", true));
            f.add(Figure.perChannel(c, "maeModel", "MAE model", false));
            f.add(Figure.perChannel(c, "maePersistence", "MAE persistence", false));
            f.add(Figure.perChannel(c, "rmseModel", "RMSE model", false));
            f.add(Figure.perChannel(c, "rmsePersistence", "RMSE persistence", false));
        }
        return f;
    }

    @Override
    public Errors newKey(int dims) {
        return new Errors(dims);
    }

    /** Sums of absolute and squared errors per channel, and the key's last values for persistence. */
    public static final class Errors implements KeyAccumulator {
        private final long[] n;
        private final double[] absModel;
        private final double[] sqModel;
        private final double[] absPersist;
        private final double[] sqPersist;
        private final double[] last;
        private boolean hasLast;

        Errors(int dims) {
            n = new long[dims];
            absModel = new double[dims];
            sqModel = new double[dims];
            absPersist = new double[dims];
            sqPersist = new double[dims];
            last = new double[dims];
        }

        @Override
        public void add(Prediction p) {
            if (hasLast && allFinite(p.previousForecast)) {
                for (int c = 0; c < n.length; c++) {
                    double model = p.previousForecast[c] - p.actual[c];
                    double persist = last[c] - p.actual[c];
                    n[c]++;
                    absModel[c] += Math.abs(model);
                    sqModel[c] += model * model;
                    absPersist[c] += Math.abs(persist);
                    sqPersist[c] += persist * persist;
                }
            }
            System.arraycopy(p.actual, 0, last, 0, last.length);
            hasLast = true;
        }

        @Override
        public void merge(KeyAccumulator other) {
            Errors o = (Errors) other;
            for (int c = 0; c < n.length; c++) {
                n[c] += o.n[c];
                absModel[c] += o.absModel[c];
                sqModel[c] += o.sqModel[c];
                absPersist[c] += o.absPersist[c];
                sqPersist[c] += o.sqPersist[c];
            }
        }

        @Override
        public double[] values() {
            double[] v = new double[FIGURES * n.length];
            for (int c = 0; c < n.length; c++) {
                v[FIGURES * c] = n[c];
                v[FIGURES * c + 1] = maeModel(c);
                v[FIGURES * c + 2] = maePersistence(c);
                v[FIGURES * c + 3] = rmseModel(c);
                v[FIGURES * c + 4] = rmsePersistence(c);
            }
            return v;
        }

        public long scored(int c) {
            return n[c];
        }

        public double maeModel(int c) {
            return absModel[c] / n[c];
        }

        public double maePersistence(int c) {
            return absPersist[c] / n[c];
        }

        public double rmseModel(int c) {
            return Math.sqrt(sqModel[c] / n[c]);
        }

        public double rmsePersistence(int c) {
            return Math.sqrt(sqPersist[c] / n[c]);
        }

        /** The model's MAE averaged over the channels. */
        public double meanMaeModel() {
            double s = 0;
            for (int c = 0; c < n.length; c++) {
                s += maeModel(c);
            }
            return s / n.length;
        }

        /** Persistence's MAE averaged over the channels. */
        public double meanMaePersistence() {
            double s = 0;
            for (int c = 0; c < n.length; c++) {
                s += maePersistence(c);
            }
            return s / n.length;
        }
    }
}
