package org.flinkrtrl.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.flinkrtrl.jobs.eval.NabScorer;
import org.flinkrtrl.jobs.eval.Ranking;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;

class NabScoreTest {
    private static Prediction p(String key, long ts, double score, String label) {
        Prediction p = new Prediction();
        p.key = key;
        p.timestamp = ts;
        p.actual = new double[] {1.0};
        p.forecast = new double[] {1.0};
        p.previousForecast = new double[] {1.0};
        p.anomalyScore = score;
        p.label = label;
        return p;
    }

    /** The report's NAB figures are NabScorer's on the run's windowed keys; a key without windows is left out. */
    @Test
    void reportFiguresAreNabScorersOnTheWindowedKeys() {
        int n = 200;
        long[][] wa = {{60_000L * 120, 60_000L * 140}};
        long[][] wb = {};
        Map<String, long[][]> windows = Map.of("a", wa, "b", wb);
        Evaluation eval = Evaluation.standard(1, 0.5, windows);
        long[] ts = new long[n];
        double[] sa = new double[n];
        double[] sb = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = 60_000L * i;
            sa[i] = i == 125 ? 0.9 : i == 60 ? 0.7 : i % 2 == 0 ? 0.1 : 0.2;
            sb[i] = i == 170 ? 0.8 : 0.05;
            eval.add(p("a", ts[i], sa[i], i >= 120 && i <= 140 ? "1" : "0"));
            eval.add(p("b", ts[i], sb[i], "0"));
            eval.add(p("c", ts[i], 0.99, null));
        }
        Map<NabScorer.Profile, NabScorer.Result> both = NabScorer.scoreAll(List.of(
            new NabScorer.Series("a", ts, sa, wa), new NabScorer.Series("b", ts, sb, wb)));
        double[] v = eval.overall().get(NabScore.Acc.class).values();
        assertEquals(both.get(NabScorer.Profile.STANDARD).normalised(), v[0], 0.0);
        assertEquals(both.get(NabScorer.Profile.REWARD_LOW_FP_RATE).normalised(), v[1], 0.0);
        assertEquals(both.get(NabScorer.Profile.REWARD_LOW_FN_RATE).normalised(), v[2], 0.0);
        assertEquals(both.get(NabScorer.Profile.STANDARD).threshold(), v[3], 0.0);
        assertEquals(2.0, v[4], 0.0);
        // the standard profile's threshold 0.9 detects the window early (row 125 of 120..140) and nothing else
        assertEquals(0.9, v[3], 0.0);
        // the pooled PR AUC of the report's histogram equals the exact one here (equal scores share a bin, and no
        // two unequal scores do)
        double[] all = new double[2 * n];
        boolean[] pos = new boolean[2 * n];
        for (int i = 1; i < n; i++) {
            all[i] = sa[i];
            pos[i] = i >= 120 && i <= 140;
            all[n + i] = sb[i];
        }
        double[] scored = java.util.Arrays.copyOfRange(all, 1, 2 * n);
        boolean[] labels = java.util.Arrays.copyOfRange(pos, 1, 2 * n);
        // drop b's first event (index n) too: a key's first event is not scored
        double[] s2 = new double[scored.length - 1];
        boolean[] l2 = new boolean[scored.length - 1];
        for (int i = 0, j = 0; i < scored.length; i++) {
            if (i != n - 1) {
                s2[j] = scored[i];
                l2[j++] = labels[i];
            }
        }
        assertEquals(Ranking.averagePrecision(s2, l2),
            eval.overall().get(AnomalyAuc.Auc.class).histogram().averagePrecision(), 1e-12);
    }
}
