package org.flinkrtrl.flink;

import java.io.Serializable;

/**
 * The model cache's part of an operator (shared by {@link ModelCacheOperator} and
 * {@link ControlledForecastOperator}, which extend different Flink operators): the bound per subtask, the offer to
 * the function when the operator opens, and the write-back the operator calls in its synchronous snapshot and when
 * its input ends.
 */
final class ModelCacheAttachment implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long cacheBytes;
    private transient ModelCacheHost host;

    /** @param cacheBytes bound of the cache per subtask; 0 runs the function straight on the keyed state */
    ModelCacheAttachment(long cacheBytes) {
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("cacheBytes must be >= 0, got " + cacheBytes);
        }
        this.cacheBytes = cacheBytes;
    }

    /** Offers the cache to {@code function} if it is a {@link ModelCacheHost}; called from the operator's open. */
    void open(Object function, KeyAccess keys) {
        if (cacheBytes > 0 && function instanceof ModelCacheHost h && h.attachCache(keys, cacheBytes)) {
            host = h;
        }
    }

    /** Writes the cached models back to the keyed state (no-op without a cache). */
    void flush() throws Exception {
        if (host != null) {
            host.flushCache();
        }
    }

    long cacheBytes() {
        return cacheBytes;
    }

    boolean attached() {
        return host != null;
    }
}
