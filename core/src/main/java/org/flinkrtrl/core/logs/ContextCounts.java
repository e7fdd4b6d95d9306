package org.flinkrtrl.core.logs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A bounded count model of a source's next event class: interpolated Witten-Bell over the last two classes,
 * <pre>  P_k(w | h_k) = (c(h_k, w) + N1+(h_k) P_{k-1}(w | h_{k-1})) / (c(h_k) + N1+(h_k))</pre>
 * for context lengths k = 0, 1, 2, where N1+(h) is the number of distinct classes seen after h and below the empty
 * context sits the uniform distribution over the classes in use; a context never seen passes its lower-order
 * estimate through unchanged. {@link #probability} gives the estimate of any order up to 2 ({@code order 0} is the
 * source's smoothed class frequencies).
 *
 * <p>Memory is fixed: contexts and (context, class) pairs live in open-addressing tables of {@value #CONTEXT_SLOTS}
 * and {@value #PAIR_SLOTS} slots; once a table is 3/4 full, new keys are not added (counted in {@link #dropped()})
 * and the estimate for them falls back to the lower orders. Classes are at most {@value #MAX_CLASSES}. The per-event
 * calls allocate nothing. Not thread-safe.
 */
public final class ContextCounts {
    public static final int MAX_CLASSES = 1 << 10;
    static final int CONTEXT_SLOTS = 256;
    static final int PAIR_SLOTS = 1024;
    private static final int EMPTY = -1;
    private final int[] contextKeys = new int[CONTEXT_SLOTS];
    private final int[] contextTotals = new int[CONTEXT_SLOTS];
    private final int[] contextDistinct = new int[CONTEXT_SLOTS];
    private final int[] pairKeys = new int[PAIR_SLOTS];
    private final int[] pairCounts = new int[PAIR_SLOTS];
    private int contexts;
    private int pairs;
    private long dropped;
    /** The last two classes, newest in {@code last1}; -1 while not yet filled. */
    private int last1 = -1;
    private int last2 = -1;

    public ContextCounts() {
        java.util.Arrays.fill(contextKeys, EMPTY);
        java.util.Arrays.fill(pairKeys, EMPTY);
    }

    /** Context id of the last {@code len} classes: 0 for the empty context, else a unique positive int. */
    private int context(int len) {
        if (len == 0) {
            return 0;
        }
        if (len == 1) {
            return 1 + last1;
        }
        return 1 + MAX_CLASSES + last2 * MAX_CLASSES + last1;
    }

    private int available() {
        return last1 < 0 ? 0 : last2 < 0 ? 1 : 2;
    }

    private static int slot(int[] keys, int key) {
        int mask = keys.length - 1;
        int i = (key * 0x9E3779B1 >>> 16) & mask;
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private static int pairKey(int ctx, int w) {
        return ctx * MAX_CLASSES + w;
    }

    /**
     * P(class {@code w} next | the last {@code order} classes) when {@code classes} classes are in use
     * ({@code 0 <= w < classes <= MAX_CLASSES}, order 0 to 2).
     */
    public double probability(int w, int classes, int order) {
        double p = 1.0 / classes;
        int top = Math.min(order, available());
        for (int len = 0; len <= top; len++) {
            int ctx = context(len);
            int c = slot(contextKeys, ctx);
            if (contextKeys[c] == EMPTY) {
                break; // a longer context containing an unseen one is unseen too
            }
            int q = slot(pairKeys, pairKey(ctx, w));
            int cw = pairKeys[q] == EMPTY ? 0 : pairCounts[q];
            p = (cw + contextDistinct[c] * p) / (contextTotals[c] + contextDistinct[c]);
        }
        return p;
    }

    /** Counts class {@code w} after every suffix of the current history. */
    public void observe(int w) {
        if (w < 0 || w >= MAX_CLASSES) {
            throw new IllegalArgumentException("class " + w + " outside [0, " + MAX_CLASSES + ")");
        }
        for (int len = 0; len <= available(); len++) {
            int ctx = context(len);
            int c = slot(contextKeys, ctx);
            if (contextKeys[c] == EMPTY) {
                if (4 * (contexts + 1) > 3 * CONTEXT_SLOTS) {
                    dropped++;
                    break;
                }
                contextKeys[c] = ctx;
                contexts++;
            }
            int key = pairKey(ctx, w);
            int q = slot(pairKeys, key);
            if (pairKeys[q] == EMPTY) {
                if (4 * (pairs + 1) > 3 * PAIR_SLOTS) {
                    dropped++;
                    break;
                }
                pairKeys[q] = key;
                pairs++;
                contextDistinct[c]++;
            }
            pairCounts[q]++;
            contextTotals[c]++;
        }
    }

    /** Appends {@code w} to the history (the class the next prediction conditions on). */
    public void push(int w) {
        if (w < 0 || w >= MAX_CLASSES) {
            throw new IllegalArgumentException("class " + w + " outside [0, " + MAX_CLASSES + ")");
        }
        last2 = last1;
        last1 = w;
    }

    /** Keys (contexts or pairs) not added because their table was full. */
    public long dropped() { return dropped; }
    public int contexts() { return contexts; }
    public int pairs() { return pairs; }

    /** Writes the history, then the used slots only, each with its index, so a restore fills the same slots. */
    void write(DataOutput o) throws IOException {
        o.writeInt(last1);
        o.writeInt(last2);
        o.writeLong(dropped);
        o.writeShort(contexts);
        for (int i = 0; i < CONTEXT_SLOTS; i++) {
            if (contextKeys[i] != EMPTY) {
                o.writeShort(i);
                o.writeInt(contextKeys[i]);
                o.writeInt(contextTotals[i]);
                o.writeInt(contextDistinct[i]);
            }
        }
        o.writeShort(pairs);
        for (int i = 0; i < PAIR_SLOTS; i++) {
            if (pairKeys[i] != EMPTY) {
                o.writeShort(i);
                o.writeInt(pairKeys[i]);
                o.writeInt(pairCounts[i]);
            }
        }
    }

    void read(DataInput in) throws IOException {
        last1 = in.readInt();
        last2 = in.readInt();
        dropped = in.readLong();
        if (last1 < -1 || last1 >= MAX_CLASSES || last2 < -1 || last2 >= MAX_CLASSES) {
            throw new IOException("context counts: history " + last1 + ", " + last2 + " out of bounds");
        }
        java.util.Arrays.fill(contextKeys, EMPTY);
        java.util.Arrays.fill(contextTotals, 0);
        java.util.Arrays.fill(contextDistinct, 0);
        java.util.Arrays.fill(pairKeys, EMPTY);
        java.util.Arrays.fill(pairCounts, 0);
        contexts = readCount(in, CONTEXT_SLOTS, "contexts");
        for (int j = 0; j < contexts; j++) {
            int i = readSlot(in, CONTEXT_SLOTS);
            contextKeys[i] = in.readInt();
            contextTotals[i] = in.readInt();
            contextDistinct[i] = in.readInt();
        }
        pairs = readCount(in, PAIR_SLOTS, "pairs");
        for (int j = 0; j < pairs; j++) {
            int i = readSlot(in, PAIR_SLOTS);
            pairKeys[i] = in.readInt();
            pairCounts[i] = in.readInt();
        }
    }

    private static int readCount(DataInput in, int slots, String what) throws IOException {
        int n = in.readShort();
        if (n < 0 || 4 * n > 3 * slots) {
            throw new IOException("context counts: " + n + " " + what + " outside [0, " + 3 * slots / 4 + "]");
        }
        return n;
    }

    private static int readSlot(DataInput in, int slots) throws IOException {
        int i = in.readShort();
        if (i < 0 || i >= slots) {
            throw new IOException("context counts: slot " + i + " outside [0, " + slots + ")");
        }
        return i;
    }
}
