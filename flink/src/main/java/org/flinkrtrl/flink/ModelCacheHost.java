package org.flinkrtrl.flink;

/**
 * A keyed function that can keep its keys' decoded models in a {@link ModelCache}. {@link ModelCacheOperator} offers
 * the cache when the function is opened and has it written back to the keyed state before every checkpoint.
 */
public interface ModelCacheHost {
    /**
     * Called once after {@code open}: keep the models in a cache of at most {@code maxBytes} bytes (estimated from
     * the encoded size of the first model cached), or decline (return false) when the cache would not be safe or
     * useful with this backend.
     */
    boolean attachCache(KeyAccess keys, long maxBytes);

    /** Writes every model changed since the last write-back to the keyed state, each under its own key. */
    void flushCache() throws Exception;
}
