package org.flinkrtrl.core.eval;

import java.util.Arrays;

/** Per-source class frequencies with add-one smoothing: P(w) = (c(w) + 1) / (N + classes). Classes are >= 0. */
public final class FrequencyModel {
    private int[] counts = new int[8];
    private int total;

    private int count(int w) {
        return w < counts.length ? counts[w] : 0;
    }

    public double probability(int w, int classes) {
        return (count(w) + 1.0) / (total + classes);
    }

    /** The most frequent class so far (ties: the lower class; class 0 before any count). */
    public int argmax(int classes) {
        int best = 0;
        int bestCount = -1;
        for (int w = 0; w < classes; w++) {
            int c = count(w);
            if (c > bestCount) {
                bestCount = c;
                best = w;
            }
        }
        return best;
    }

    public void observe(int w) {
        if (w < 0) {
            throw new IllegalArgumentException("class must be >= 0, got " + w);
        }
        if (w >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(w + 1, 2 * counts.length));
        }
        counts[w]++;
        total++;
    }
}
