package org.flinkrtrl.flink;

/**
 * What a keyed operator lends a {@link ModelCache}: its current key, the right to switch it (to write a model back
 * under the key it belongs to), and its processing-time clock. {@link ModelCacheOperator} implements it.
 */
public interface KeyAccess {
    Object getCurrentKey();

    /** Makes {@code key} the keyed state's current key; the caller switches back before it returns to Flink. */
    void setCurrentKey(Object key);

    /** Processing time in milliseconds, the clock of the state's idle TTL. */
    long processingTime();

    /**
     * Whether the keyed state backend stores values as bytes (RocksDB), so that the object handed to
     * {@code update} may be changed afterwards without changing the stored state. On the heap backend it does not,
     * and a cache that mutates its models in place would change state that a running snapshot still reads.
     */
    boolean backendCopiesValues();
}
