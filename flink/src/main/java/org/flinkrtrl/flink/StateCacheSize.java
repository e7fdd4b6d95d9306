package org.flinkrtrl.flink;

import java.io.Serializable;
import java.util.Locale;
import org.apache.flink.configuration.MemorySize;

/**
 * Bound of each subtask's cache of decoded models ({@link ModelCache}, RocksDB backend): either a fixed number of
 * bytes of encoded model, or a share of the TaskManager's JVM heap divided among its slots, resolved when the
 * operator opens on the TaskManager. The share is the default, so that a TaskManager given more heap keeps more keys
 * decoded without a setting per deployment: a fixed 64 MB held 2,800 models at n = 16, and 10,000 active keys then
 * missed on every event (docs/performance.md, decoded-model cache).
 *
 * @param bytes        the fixed bound, used when {@code heapFraction} is 0; 0 with a fraction of 0 = no cache
 * @param heapFraction share of the heap per slot, in [0, 1); 0 = use {@code bytes}
 */
public record StateCacheSize(long bytes, double heapFraction) implements Serializable {
    /** Share of the heap per slot of the default. */
    public static final double DEFAULT_HEAP_FRACTION = 0.25;
    /** The default: a quarter of the TaskManager's heap per slot. */
    public static final StateCacheSize DEFAULT = heapShare(DEFAULT_HEAP_FRACTION);
    /** No cache: the function reads and writes the keyed state on every event. */
    public static final StateCacheSize NONE = bytes(0);

    private static final String EXPECTED = "expected auto, a share of the heap per slot in [0, 1) such as 0.4heap, or a "
        + "size such as 512mb (0 = no cache)";

    public StateCacheSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("cache bytes must be >= 0, got " + bytes);
        }
        if (!(heapFraction >= 0 && heapFraction < 1)) {
            throw new IllegalArgumentException("cache heap fraction must be in [0, 1), got " + heapFraction);
        }
        if (bytes > 0 && heapFraction > 0) {
            throw new IllegalArgumentException("a cache bound is either bytes or a heap fraction, not both");
        }
    }

    /** A fixed bound of {@code bytes} per subtask; 0 = no cache. */
    public static StateCacheSize bytes(long bytes) {
        return new StateCacheSize(bytes, 0);
    }

    /** {@code fraction} of the TaskManager's heap divided by its slots; 0 = no cache. */
    public static StateCacheSize heapShare(double fraction) {
        return new StateCacheSize(0, fraction);
    }

    /** Whether the bound depends on the TaskManager's heap. */
    public boolean followsHeap() {
        return heapFraction > 0;
    }

    /**
     * The bound in bytes on a TaskManager whose JVM heap is {@code maxHeapBytes} (as {@link Runtime#maxMemory()})
     * shared by {@code slots} slots.
     */
    public long resolve(long maxHeapBytes, int slots) {
        if (!followsHeap()) {
            return bytes;
        }
        if (maxHeapBytes <= 0 || slots < 1) {
            throw new IllegalArgumentException("heap " + maxHeapBytes + " bytes, " + slots + " slots");
        }
        return (long) (maxHeapBytes * heapFraction / slots);
    }

    /** The bound in this JVM, whose TaskManager has {@code slots} slots. */
    public long resolveHere(int slots) {
        return resolve(Runtime.getRuntime().maxMemory(), slots);
    }

    /**
     * Parses the command line's form: {@code auto} (the default share), a fraction of the heap such as
     * {@code 0.4heap}, or a size in Flink's memory syntax ({@code 512mb}, {@code 1gb}, {@code 0}).
     */
    public static StateCacheSize parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) {
            return DEFAULT;
        }
        try {
            if (t.endsWith("heap")) {
                return heapShare(Double.parseDouble(t.substring(0, t.length() - "heap".length()).trim()));
            }
            return bytes(MemorySize.parse(t).getBytes());
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new IllegalArgumentException(EXPECTED + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
    }

    /** The value of {@link ModelOptions#STATE_CACHE} that {@link #parse} reads back as this bound. */
    public String toConfigValue() {
        return followsHeap() ? heapFraction + "heap" : Long.toString(bytes);
    }

    @Override
    public String toString() {
        return followsHeap() ? heapFraction + " of the heap per slot" : bytes + " bytes";
    }
}
