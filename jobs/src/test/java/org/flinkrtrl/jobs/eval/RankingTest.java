package org.flinkrtrl.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RankingTest {
    @Test
    void rocAucCountsTiesHalf() {
        // pairs (positive, negative): (0.8, 0.5) 1, (0.8, 0.2) 1, (0.5, 0.5) 1/2, (0.5, 0.2) 1 -> 3.5 / 4
        double[] s = {0.8, 0.5, 0.5, 0.2};
        boolean[] y = {true, true, false, false};
        assertEquals(0.875, Ranking.rocAuc(s, y), 1e-15);
        assertEquals(Double.NaN, Ranking.rocAuc(s, new boolean[4]), 0.0);
    }

    @Test
    void averagePrecisionByHand() {
        // descending: 0.9 P, 0.7 N, 0.5 P, 0.3 N -> precisions at the positives 1/1 and 2/3
        double[] s = {0.3, 0.9, 0.5, 0.7};
        boolean[] y = {false, true, true, false};
        assertEquals((1.0 + 2.0 / 3.0) / 2, Ranking.averagePrecision(s, y), 1e-15);
        // a tie of a positive and a negative at the top: precision 1/2 for both positives of the group
        assertEquals(0.5, Ranking.averagePrecision(new double[] {1, 1, 0}, new boolean[] {true, false, false}), 1e-15);
    }
}
