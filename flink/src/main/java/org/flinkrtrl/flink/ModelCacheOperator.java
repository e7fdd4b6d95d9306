package org.flinkrtrl.flink;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Flink's keyed process operator, plus a per-subtask {@link ModelCache} for a function that implements
 * {@link ModelCacheHost}: offers the cache when it opens and writes the cached models back to the keyed state in
 * its synchronous snapshot, before the keyed state backend is snapshotted (Flink calls
 * {@link #snapshotState(StateSnapshotContext)} first, on the task thread, for every checkpoint and savepoint), and
 * when the input ends. For a function that expires idle keys ({@link ExpiryHost}) it arms the expiry timers of keys
 * restored without one ({@link RestoredKeysExpiry}, whose marker is the operator's only state of its own); uids,
 * keyed state names and serializers are the function's and stay as they are.
 *
 * @param <K> key type
 */
public class ModelCacheOperator<K, IN, OUT> extends KeyedProcessOperator<K, IN, OUT> implements KeyAccess {
    private static final long serialVersionUID = 1L;

    private final ModelCacheAttachment cache;
    private final RestoredKeysExpiry restoredKeys = new RestoredKeysExpiry();

    /** @param cacheSize bound of the cache per subtask (resolved when the operator opens) */
    public ModelCacheOperator(KeyedProcessFunction<K, IN, OUT> function, StateCacheSize cacheSize) {
        super(function);
        this.cache = new ModelCacheAttachment(cacheSize);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restoredKeys.initialize(context);
    }

    @Override
    public void open() throws Exception {
        super.open();
        cache.open(userFunction, this, getContainingTask().getEnvironment());
        restoredKeys.open(userFunction, getKeyedStateBackend(),
            getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this), processingTime(),
            this::setCurrentKey);
    }

    /** The cache's bound per subtask in bytes, resolved when the operator opened (0 = no cache); -1 before. */
    public long cacheBytes() {
        return cache.cacheBytes();
    }

    /** The cache's bound as configured (a fixed size or a share of the heap). */
    public StateCacheSize cacheSize() {
        return cache.size();
    }

    /** Whether the function keeps its models in the cache (false when it declined or the bound is 0). */
    public boolean cacheAttached() {
        return cache.attached();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        cache.flush();
        restoredKeys.snapshot();
        super.snapshotState(context);
    }

    @Override
    public void finish() throws Exception {
        cache.flush();
        super.finish();
    }

    @Override
    public long processingTime() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    @Override
    public boolean backendCopiesValues() {
        return getKeyedStateBackend().isSafeToReuseKVState();
    }
}
