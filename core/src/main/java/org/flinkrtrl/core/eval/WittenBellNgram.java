package org.flinkrtrl.core.eval;

import java.util.HashMap;

/**
 * Online interpolated Witten-Bell n-gram over integer classes, contexts of length 0 to {@code order}:
 * <pre>  P(w | h) = (c(h, w) + N1+(h) P(w | h')) / (c(h) + N1+(h))</pre>
 * where h' drops the oldest class of h, N1+(h) is the number of distinct classes seen after h, and below the empty
 * context sits the uniform distribution over the {@code classes} currently possible. A context never seen passes
 * its lower-order estimate through unchanged. {@link #observe} scores the class against the current history, then
 * counts it; {@link #push} then appends the class the history should continue with.
 */
public final class WittenBellNgram {
    private final int order;
    private final int[] history;
    private int filled;
    /** (context, class) -> count. */
    private final HashMap<Long, Integer> pairs = new HashMap<>();
    /** context -> {total count, distinct followers}. */
    private final HashMap<Long, int[]> contexts = new HashMap<>();

    public WittenBellNgram(int order) {
        if (order < 0 || order > 2) {
            throw new IllegalArgumentException("order must be in [0, 2], got " + order);
        }
        this.order = order;
        this.history = new int[Math.max(order, 1)];
    }

    /** Context of the last {@code len} classes (len <= filled), packed with its length. */
    private long context(int len) {
        long key = len;
        for (int i = 0; i < len; i++) {
            key = key * 1_000_003L + history[filled - 1 - i] + 1;
        }
        return key;
    }

    private static long pair(long ctx, int w) {
        return ctx * 1_000_033L + w;
    }

    /** P(w | history) when {@code classes} classes are possible. */
    public double probability(int w, int classes) {
        double p = 1.0 / classes;
        for (int len = 0; len <= Math.min(order, filled); len++) {
            long ctx = context(len);
            int[] c = contexts.get(ctx);
            if (c == null) {
                break; // a longer context containing an unseen one is unseen too
            }
            int cw = pairs.getOrDefault(pair(ctx, w), 0);
            p = (cw + c[1] * p) / (c[0] + c[1]);
        }
        return p;
    }

    /** The most probable class of {@code [0, classes)} (ties: the lower class). */
    public int argmax(int classes) {
        int best = 0;
        double bestP = -1;
        for (int w = 0; w < classes; w++) {
            double p = probability(w, classes);
            if (p > bestP) {
                bestP = p;
                best = w;
            }
        }
        return best;
    }

    /** Counts {@code w} after every suffix of the current history. */
    public void observe(int w) {
        for (int len = 0; len <= Math.min(order, filled); len++) {
            long ctx = context(len);
            int[] c = contexts.computeIfAbsent(ctx, k -> new int[2]);
            c[0]++;
            if (pairs.merge(pair(ctx, w), 1, Integer::sum) == 1) {
                c[1]++;
            }
        }
    }

    /** Appends {@code cls} to the history (the oldest class drops out beyond the order). */
    public void push(int cls) {
        if (order == 0) {
            return;
        }
        if (filled == history.length) {
            System.arraycopy(history, 1, history, 0, history.length - 1);
            filled--;
        }
        history[filled++] = cls;
    }
}
