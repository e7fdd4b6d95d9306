package org.flinkrtrl.jobs.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Threshold-free quality of a score against binary labels: ROC AUC (the probability that a random positive scores
 * above a random negative, ties counting one half) and PR AUC as average precision (the mean, over positives, of
 * the precision at the threshold equal to that positive's score, ties taken together).
 */
public final class Ranking {
    private Ranking() {}

    /** ROC AUC of column {@code col} of {@code rows}, the positives being the rows with row[0] = 1. */
    public static double rocAuc(List<double[]> rows, int col) {
        double[] score = new double[rows.size()];
        boolean[] positive = new boolean[rows.size()];
        for (int i = 0; i < score.length; i++) {
            score[i] = rows.get(i)[col];
            positive[i] = rows.get(i)[0] == 1;
        }
        return rocAuc(score, positive);
    }

    /** ROC AUC; NaN when either class is empty or a score is NaN. */
    public static double rocAuc(double[] score, boolean[] positive) {
        int n = score.length;
        Integer[] idx = order(score);
        if (idx == null) {
            return Double.NaN;
        }
        long pos = 0;
        for (boolean p : positive) {
            pos += p ? 1 : 0;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        // ascending order: sum of the positives' average ranks (1-based)
        double rankSum = 0.0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && score[idx[j + 1]] == score[idx[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1.0;
            for (int k = i; k <= j; k++) {
                if (positive[idx[k]]) {
                    rankSum += avg;
                }
            }
            i = j + 1;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** Average precision (PR AUC); NaN when there is no positive or a score is NaN. */
    public static double averagePrecision(double[] score, boolean[] positive) {
        int n = score.length;
        Integer[] idx = order(score);
        if (idx == null) {
            return Double.NaN;
        }
        long pos = 0;
        for (boolean p : positive) {
            pos += p ? 1 : 0;
        }
        if (pos == 0) {
            return Double.NaN;
        }
        double ap = 0.0;
        long tp = 0;
        int j = n - 1;
        while (j >= 0) {
            int i = j;
            while (i - 1 >= 0 && score[idx[i - 1]] == score[idx[j]]) {
                i--;
            }
            long groupPos = 0;
            for (int k = i; k <= j; k++) {
                if (positive[idx[k]]) {
                    groupPos++;
                }
            }
            tp += groupPos;
            double precision = (double) tp / (n - i);
            ap += groupPos * precision;
            j = i - 1;
        }
        return ap / pos;
    }

    private static Integer[] order(double[] score) {
        Integer[] idx = new Integer[score.length];
        for (int i = 0; i < idx.length; i++) {
            if (Double.isNaN(score[i])) {
                return null;
            }
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(score[a], score[b]));
        return idx;
    }
}
