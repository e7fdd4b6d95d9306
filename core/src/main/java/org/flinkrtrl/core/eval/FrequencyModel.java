package org.flinkrtrl.core.eval;

import java.util.HashMap;

/** Per-source class frequencies with add-one smoothing: P(w) = (c(w) + 1) / (N + classes). */
public final class FrequencyModel {
    private final HashMap<Integer, Integer> counts = new HashMap<>();
    private int total;

    public double probability(int w, int classes) {
        return (counts.getOrDefault(w, 0) + 1.0) / (total + classes);
    }

    /** The most frequent class so far (ties: the lower class; class 0 before any count). */
    public int argmax(int classes) {
        int best = 0;
        int bestCount = -1;
        for (int w = 0; w < classes; w++) {
            int c = counts.getOrDefault(w, 0);
            if (c > bestCount) {
                bestCount = c;
                best = w;
            }
        }
        return best;
    }

    public void observe(int w) {
        counts.merge(w, 1, Integer::sum);
        total++;
    }
}
