package org.flinkrtrl.core.eval;

import java.util.Arrays;
import java.util.HashMap;

/**
 * Online interpolated Witten-Bell n-gram over integer classes, contexts of length 0 to {@code order}:
 * <pre>  P(w | h) = (c(h, w) + N1+(h) P(w | h')) / (c(h) + N1+(h))</pre>
 * where h' drops the oldest class of h, N1+(h) is the number of distinct classes seen after h, and below the empty
 * context sits the uniform distribution over the {@code classes} currently possible. A context never seen passes
 * its lower-order estimate through unchanged. {@link #probability} and {@link #argmax} read the prediction for the
 * current history; {@link #observe} counts a class after it, and {@link #push} then appends the class the history
 * continues with. Each context keeps its followers in a short list, so the whole distribution (for the argmax)
 * costs one pass over the classes per order.
 */
public final class WittenBellNgram {
    private final int order;
    private final int[] history;
    private int filled;
    private final HashMap<Long, Context> contexts = new HashMap<>();
    /** Scratch for {@link #argmax}: the distribution, and the followers' new values during one order's update. */
    private double[] dist = new double[0];
    private double[] updated = new double[0];

    /** A context's total count and its distinct followers with their counts (in order of first sight). */
    private static final class Context {
        int total;
        int distinct;
        int[] classes = new int[2];
        int[] counts = new int[2];

        int count(int w) {
            for (int i = 0; i < distinct; i++) {
                if (classes[i] == w) {
                    return counts[i];
                }
            }
            return 0;
        }

        void add(int w) {
            total++;
            for (int i = 0; i < distinct; i++) {
                if (classes[i] == w) {
                    counts[i]++;
                    return;
                }
            }
            if (distinct == classes.length) {
                classes = Arrays.copyOf(classes, 2 * distinct);
                counts = Arrays.copyOf(counts, 2 * distinct);
            }
            classes[distinct] = w;
            counts[distinct++] = 1;
        }
    }

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

    /** P(w | history) when {@code classes} classes are possible. */
    public double probability(int w, int classes) {
        double p = 1.0 / classes;
        for (int len = 0; len <= Math.min(order, filled); len++) {
            Context c = contexts.get(context(len));
            if (c == null) {
                break; // a longer context containing an unseen one is unseen too
            }
            p = (c.count(w) + c.distinct * p) / (c.total + c.distinct);
        }
        return p;
    }

    /**
     * The most probable class of {@code [0, classes)} (ties: the lower class), from the whole distribution computed
     * with the same arithmetic as {@link #probability}.
     */
    public int argmax(int classes) {
        if (dist.length < classes) {
            dist = new double[classes];
        }
        Arrays.fill(dist, 0, classes, 1.0 / classes);
        for (int len = 0; len <= Math.min(order, filled); len++) {
            Context c = contexts.get(context(len));
            if (c == null) {
                break;
            }
            if (updated.length < c.distinct) {
                updated = new double[c.classes.length];
            }
            double n = c.distinct;
            double norm = c.total + c.distinct;
            for (int i = 0; i < c.distinct; i++) {
                int w = c.classes[i];
                updated[i] = w < classes ? (c.counts[i] + n * dist[w]) / norm : 0.0;
            }
            for (int w = 0; w < classes; w++) {
                dist[w] = (0 + n * dist[w]) / norm;
            }
            for (int i = 0; i < c.distinct; i++) {
                if (c.classes[i] < classes) {
                    dist[c.classes[i]] = updated[i];
                }
            }
        }
        int best = 0;
        for (int w = 1; w < classes; w++) {
            if (dist[w] > dist[best]) {
                best = w;
            }
        }
        return best;
    }

    /** Counts {@code w} after every suffix of the current history. */
    public void observe(int w) {
        for (int len = 0; len <= Math.min(order, filled); len++) {
            contexts.computeIfAbsent(context(len), k -> new Context()).add(w);
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
