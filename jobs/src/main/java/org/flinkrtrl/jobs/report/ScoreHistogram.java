package org.flinkrtrl.jobs.report;

import java.util.Arrays;

/**
 * Counts of labelled anomaly scores in logarithmic bins, normal and anomalous apart: the ROC AUC without holding
 * the scores. Bin 0 holds the score 0, bin {@link #INFINITE} the score +Inf (and its negative -Inf); a finite score
 * {@code s > 0} falls in bin {@code 1 + floor(64 (log2(s) + 1075))}, i.e. 64 bins per doubling of {@code s} (bins
 * about 1.1 % wide) at every magnitude from the smallest subnormal up, and {@code -s} in the negative of that bin.
 * Bins 0 and +-{@link #INFINITE} hold equal scores only. Sparse: only bins that occur are stored, sorted, so a key
 * with few events holds few entries.
 */
public final class ScoreHistogram {
    /** Bins per doubling of 1 + score. */
    public static final int BINS_PER_OCTAVE = 64;

    private int[] bins = new int[4];
    private long[] positives = new long[4];
    private long[] negatives = new long[4];
    private int size;
    private long totalPositives;
    private long totalNegatives;

    /** log2 of the smallest positive double is -1074. */
    private static final int OCTAVE_OFFSET = 1075;
    /** The bin of +Inf, beyond every finite score's (log2(Double.MAX_VALUE) is below 1024). */
    public static final int INFINITE = 1 + BINS_PER_OCTAVE * (OCTAVE_OFFSET + 1025);

    /** The bin of a score that is not NaN. */
    public static int bin(double score) {
        if (score == 0) {
            return 0;
        }
        if (Double.isInfinite(score)) {
            return score > 0 ? INFINITE : -INFINITE;
        }
        double log2 = Math.log(Math.abs(score)) / Math.log(2);
        int b = 1 + (int) Math.floor(BINS_PER_OCTAVE * (log2 + OCTAVE_OFFSET));
        return score > 0 ? b : -b;
    }

    public void add(double score, boolean anomalous) {
        add(bin(score), anomalous ? 1 : 0, anomalous ? 0 : 1);
    }

    private void add(int bin, long pos, long neg) {
        int i = Arrays.binarySearch(bins, 0, size, bin);
        if (i < 0) {
            i = -i - 1;
            if (size == bins.length) {
                int cap = 2 * size;
                bins = Arrays.copyOf(bins, cap);
                positives = Arrays.copyOf(positives, cap);
                negatives = Arrays.copyOf(negatives, cap);
            }
            System.arraycopy(bins, i, bins, i + 1, size - i);
            System.arraycopy(positives, i, positives, i + 1, size - i);
            System.arraycopy(negatives, i, negatives, i + 1, size - i);
            bins[i] = bin;
            positives[i] = 0;
            negatives[i] = 0;
            size++;
        }
        positives[i] += pos;
        negatives[i] += neg;
        totalPositives += pos;
        totalNegatives += neg;
    }

    public void merge(ScoreHistogram o) {
        for (int i = 0; i < o.size; i++) {
            add(o.bins[i], o.positives[i], o.negatives[i]);
        }
    }

    public long positives() {
        return totalPositives;
    }

    public long negatives() {
        return totalNegatives;
    }

    /** Occupied bins. */
    public int size() {
        return size;
    }

    /**
     * ROC AUC: the probability that an anomalous event scores above a normal one, pairs in one bin counted half.
     * NaN without both classes. Differs from the exact AUC by at most {@link #tieBound()}.
     */
    public double auc() {
        if (totalPositives == 0 || totalNegatives == 0) {
            return Double.NaN;
        }
        double above = 0;
        long negBelow = 0;
        for (int i = 0; i < size; i++) {
            above += positives[i] * (negBelow + 0.5 * negatives[i]);
            negBelow += negatives[i];
        }
        return above / ((double) totalPositives * totalNegatives);
    }

    /**
     * PR AUC as average precision: the mean, over anomalous events, of the precision among the events in its bin or
     * above (a bin's events taken together, as equal scores are). NaN without anomalous events.
     */
    public double averagePrecision() {
        if (totalPositives == 0) {
            return Double.NaN;
        }
        double ap = 0;
        long pos = 0;
        long all = 0;
        for (int i = size - 1; i >= 0; i--) {
            pos += positives[i];
            all += positives[i] + negatives[i];
            ap += positives[i] * ((double) pos / all);
        }
        return ap / totalPositives;
    }

    /**
     * Half the share of (anomalous, normal) pairs that share a bin of unequal scores: the largest possible
     * difference between {@link #auc()} and the AUC of the exact scores (equal scores count half in both). NaN
     * without both classes.
     */
    public double tieBound() {
        if (totalPositives == 0 || totalNegatives == 0) {
            return Double.NaN;
        }
        double tied = 0;
        for (int i = 0; i < size; i++) {
            if (bins[i] != 0 && Math.abs(bins[i]) != INFINITE) {
                tied += (double) positives[i] * negatives[i];
            }
        }
        return 0.5 * tied / ((double) totalPositives * totalNegatives);
    }
}
