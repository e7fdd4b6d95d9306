package org.flinkrtrl.flink;

import java.io.Serializable;
import java.util.Objects;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.execution.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model cache's part of an operator (shared by {@link ModelCacheOperator} and
 * {@link ControlledForecastOperator}, which extend different Flink operators): the bound per subtask, the offer to
 * the function when the operator opens, and the write-back the operator calls in its synchronous snapshot and when
 * its input ends.
 */
final class ModelCacheAttachment implements Serializable {
    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelCacheAttachment.class);

    private final StateCacheSize size;
    /** The bound resolved on the TaskManager when the operator opened; -1 before. */
    private transient long cacheBytes = -1;
    private transient ModelCacheHost host;

    /** @param size bound of the cache per subtask; 0 bytes runs the function straight on the keyed state */
    ModelCacheAttachment(StateCacheSize size) {
        this.size = Objects.requireNonNull(size, "size");
    }

    /**
     * Resolves the bound on the operator's TaskManager (its slots share its heap) and offers the cache to
     * {@code function} if it is a {@link ModelCacheHost}; called from the operator's open.
     */
    void open(Object function, KeyAccess keys, Environment task) {
        int slots = task.getTaskManagerInfo().getConfiguration().get(TaskManagerOptions.NUM_TASK_SLOTS);
        cacheBytes = size.resolveHere(slots);
        if (cacheBytes > 0 && function instanceof ModelCacheHost h && h.attachCache(keys, cacheBytes)) {
            host = h;
            if (size.followsHeap()) {
                LOG.info("Decoded-model cache: {} MB per subtask ({} of the {} MB heap / {} slots)",
                    cacheBytes >> 20, size.heapFraction(), Runtime.getRuntime().maxMemory() >> 20, slots);
            }
        }
    }

    /** Writes the cached models back to the keyed state (no-op without a cache). */
    void flush() throws Exception {
        if (host != null) {
            host.flushCache();
        }
    }

    /** The bound in bytes resolved when the operator opened (0 = no cache); -1 before. */
    long cacheBytes() {
        return cacheBytes;
    }

    StateCacheSize size() {
        return size;
    }

    boolean attached() {
        return host != null;
    }
}
