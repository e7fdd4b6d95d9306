package org.flinkrtrl.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The binned ROC AUC against the exact pair count: equal where bins separate the scores, else within the bound. */
class ScoreHistogramTest {
    /** Exact AUC by counting all (anomalous, normal) pairs, ties half. */
    private static double exactAuc(double[] scores, boolean[] anomalous) {
        double above = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!anomalous[i]) {
                continue;
            }
            for (int j = 0; j < scores.length; j++) {
                if (anomalous[j]) {
                    continue;
                }
                pairs++;
                above += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }
        return above / pairs;
    }

    @Test
    void separatedScoresGiveTheExactAuc() {
        // powers of two lie 64 bins apart; 0 and +Inf have bins of their own
        double[] scores = {0, 0, 1, 2, 4, 0.5, 1e-300, 1e300, Double.POSITIVE_INFINITY, 0, 8, Double.POSITIVE_INFINITY};
        boolean[] anomalous = {false, true, false, true, false, false, true, true, true, false, false, false};
        ScoreHistogram h = new ScoreHistogram();
        for (int i = 0; i < scores.length; i++) {
            h.add(scores[i], anomalous[i]);
        }
        assertEquals(exactAuc(scores, anomalous), h.auc(), 1e-15);
        assertEquals(0.0, h.tieBound(), 0.0, "no two unequal scores share a bin");
        assertEquals(5, h.positives());
        assertEquals(7, h.negatives());
    }

    @Test
    void binnedAucIsWithinItsBoundOfTheExactOne() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 400;
            double[] scores = new double[n];
            boolean[] anomalous = new boolean[n];
            ScoreHistogram h = new ScoreHistogram();
            for (int i = 0; i < n; i++) {
                anomalous[i] = rnd.nextDouble() < 0.2;
                double z = Math.abs(rnd.nextGaussian()) + (anomalous[i] ? 0.7 : 0);
                scores[i] = rnd.nextDouble() < 0.3 ? 0 : trial % 2 == 0 ? z : z * 1e-3;
                h.add(scores[i], anomalous[i]);
            }
            double exact = exactAuc(scores, anomalous);
            assertTrue(Math.abs(h.auc() - exact) <= h.tieBound() + 1e-12,
                "trial " + trial + ": binned " + h.auc() + " exact " + exact + " bound " + h.tieBound());
            // bins 1.1 % wide at any scale: few pairs share one
            assertTrue(h.tieBound() < 0.01, "bound " + h.tieBound());
        }
    }

    @Test
    void mergingEqualsAddingEverythingToOne() {
        Random rnd = new Random(3);
        ScoreHistogram a = new ScoreHistogram();
        ScoreHistogram b = new ScoreHistogram();
        ScoreHistogram all = new ScoreHistogram();
        for (int i = 0; i < 1000; i++) {
            double s = Math.exp(rnd.nextGaussian() * 5);
            boolean pos = rnd.nextBoolean();
            (i % 3 == 0 ? a : b).add(s, pos);
            all.add(s, pos);
        }
        a.merge(b);
        assertEquals(all.size(), a.size());
        assertEquals(all.auc(), a.auc(), 0.0);
        assertEquals(all.tieBound(), a.tieBound(), 0.0);
    }

    @Test
    void oneClassHasNoAuc() {
        ScoreHistogram h = new ScoreHistogram();
        h.add(1.0, false);
        h.add(2.0, false);
        assertTrue(Double.isNaN(h.auc()));
        assertTrue(Double.isNaN(h.tieBound()));
    }

    @Test
    void binsAreMonotoneAndSigned() {
        assertEquals(0, ScoreHistogram.bin(0.0));
        assertEquals(0, ScoreHistogram.bin(-0.0));
        assertEquals(1 + 64, ScoreHistogram.bin(Double.MIN_VALUE));
        assertEquals(-1 - 64, ScoreHistogram.bin(-Double.MIN_VALUE));
        assertEquals(1 + 64 * 1075, ScoreHistogram.bin(1.0));
        assertEquals(64, ScoreHistogram.bin(2.0) - ScoreHistogram.bin(1.0));
        assertEquals(64, ScoreHistogram.bin(2e-300) - ScoreHistogram.bin(1e-300));
        assertEquals(ScoreHistogram.bin(1.0), ScoreHistogram.bin(1.0107), "bins 2^(1/64) - 1 = 1.09 % wide");
        assertEquals(ScoreHistogram.bin(1.0) + 1, ScoreHistogram.bin(1.011));
        assertTrue(ScoreHistogram.bin(Double.MAX_VALUE) < ScoreHistogram.INFINITE);
        assertEquals(ScoreHistogram.INFINITE, ScoreHistogram.bin(Double.POSITIVE_INFINITY));
        assertEquals(-ScoreHistogram.INFINITE, ScoreHistogram.bin(Double.NEGATIVE_INFINITY));
        int last = ScoreHistogram.bin(-Double.MAX_VALUE);
        for (double s = -1e6; s <= 1e6; s += 997.3) {
            int b = ScoreHistogram.bin(s);
            assertTrue(b >= last, "bin of " + s);
            last = b;
        }
    }
}
