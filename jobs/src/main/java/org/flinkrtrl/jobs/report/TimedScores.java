package org.flinkrtrl.jobs.report;

import java.util.Arrays;

/**
 * A compact, bounded store of one key's (event time, score) sequence, for metrics that need the order of a key's
 * scores (windowed scores over labelled anomaly windows): two primitive arrays, 16 bytes per entry, growing by
 * doubling up to {@code capacity} entries; entries beyond it are not stored but counted. A metric creates one only
 * when it is asked for (e.g. when the input has labels).
 */
public final class TimedScores {
    private final int capacity;
    private long[] timestamps = new long[8];
    private double[] scores = new double[8];
    private int size;
    private long dropped;

    public TimedScores(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Stores the entry; false (and counted as dropped) when the store is full. */
    public boolean add(long timestamp, double score) {
        if (size == capacity) {
            dropped++;
            return false;
        }
        if (size == timestamps.length) {
            int cap = (int) Math.min(capacity, 2L * size);
            timestamps = Arrays.copyOf(timestamps, cap);
            scores = Arrays.copyOf(scores, cap);
        }
        timestamps[size] = timestamp;
        scores[size] = score;
        size++;
        return true;
    }

    public int size() {
        return size;
    }

    public long timestamp(int i) {
        if (i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return timestamps[i];
    }

    public double score(int i) {
        if (i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return scores[i];
    }

    /** Entries refused because the store was full. */
    public long dropped() {
        return dropped;
    }
}
