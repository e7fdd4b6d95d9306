package org.flinkrtrl.jobs.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.flinkrtrl.jobs.eval.NabScorer;
import org.flinkrtrl.record.Prediction;

/**
 * NAB's windowed detection score of the anomaly score ({@link NabScorer}: standard, reward-low-FP and
 * reward-low-FN profiles, one threshold per profile chosen as NAB does), for keys that have labelled windows (NAB's
 * {@code windows.json}, keys without {@code .csv}). Per key: the key scored alone; overall: every windowed key of the
 * run as one corpus, as NAB scores a benchmark. NaN where no key has windows.
 */
public final class NabScore implements Metric {
    private final Map<String, long[][]> windows;

    /** @param windows key to anomaly windows {start, end} in epoch milliseconds (see NabCorpus.readWindows) */
    public NabScore(Map<String, long[][]> windows) {
        this.windows = Map.copyOf(windows);
    }

    @Override
    public String name() {
        return "nab";
    }

    @Override
    public List<Figure> figures(String[] channels) {
        return List.of(Figure.of("standard", "NAB standard"), Figure.of("rewardLowFp", "NAB low-FP"),
            Figure.of("rewardLowFn", "NAB low-FN"), Figure.of("threshold", "NAB threshold (standard)"),
            Figure.count("keys", "NAB keys"));
    }

    @Override
    public KeyAccumulator newKey(int dims) {
        return new Acc();
    }

    final class Acc implements KeyAccumulator {
        private final List<NabScorer.Series> pooled = new ArrayList<>();
        private String key;
        private long[] ts = new long[64];
        private double[] score = new double[64];
        private int n;
        private double[] cached;

        @Override
        public void add(Prediction p) {
            if (key == null) {
                key = p.key;
            }
            if (!windows.containsKey(key)) {
                return;
            }
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, 2 * n);
                score = Arrays.copyOf(score, 2 * n);
            }
            ts[n] = p.timestamp;
            score[n] = p.anomalyScore;
            n++;
            cached = null;
        }

        List<NabScorer.Series> series() {
            List<NabScorer.Series> all = new ArrayList<>(pooled);
            if (n > 0) {
                all.add(new NabScorer.Series(key, Arrays.copyOf(ts, n), Arrays.copyOf(score, n), windows.get(key)));
            }
            return all;
        }

        @Override
        public void merge(KeyAccumulator other) {
            pooled.addAll(((Acc) other).series());
            cached = null;
        }

        @Override
        public double[] values() {
            if (cached == null) {
                cached = compute(series());
            }
            return cached.clone();
        }
    }

    private static double[] compute(List<NabScorer.Series> corpus) {
        double[] nan = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, corpus.size()};
        if (corpus.isEmpty()) {
            return nan;
        }
        for (NabScorer.Series s : corpus) {
            for (double v : s.scores()) {
                if (!(v >= 0 && v <= 1)) {
                    return nan; // NAB's rules need scores in [0, 1]
                }
            }
        }
        try {
            Map<NabScorer.Profile, NabScorer.Result> r = NabScorer.scoreAll(corpus);
            return new double[] {r.get(NabScorer.Profile.STANDARD).normalised(),
                r.get(NabScorer.Profile.REWARD_LOW_FP_RATE).normalised(),
                r.get(NabScorer.Profile.REWARD_LOW_FN_RATE).normalised(),
                r.get(NabScorer.Profile.STANDARD).threshold(), corpus.size()};
        } catch (IllegalArgumentException e) {
            return nan; // a window limit that is not one of the key's timestamps (not the labelled series)
        }
    }
}
