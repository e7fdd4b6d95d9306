package org.flinkrtrl.flink;

import java.util.List;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.flinkrtrl.record.ControlCommand;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;

/**
 * Flink's keyed broadcast operator running a {@link ControlledForecastFunction}, plus the per-subtask
 * {@link ModelCache} of {@link ModelCacheOperator}: the cache is offered when the operator opens, and the cached
 * models are written back to the keyed state in the synchronous snapshot (before the keyed state backend is
 * snapshotted, for every checkpoint and savepoint) and when the input ends; and, as there, the expiry timers of keys
 * restored without one ({@link RestoredKeysExpiry}). Keyed state names, the broadcast state and serializers are the
 * function's, as with Flink's own operator.
 */
public class ControlledForecastOperator extends CoBroadcastWithKeyedOperator<String, Event, ControlCommand, Prediction>
    implements KeyAccess {
    private static final long serialVersionUID = 1L;

    private final ModelCacheAttachment cache;
    private final RestoredKeysExpiry restoredKeys = new RestoredKeysExpiry();

    /** @param cacheSize bound of the cache per subtask (resolved when the operator opens) */
    public ControlledForecastOperator(ControlledForecastFunction function, StateCacheSize cacheSize) {
        super(function, List.of(ControlledForecastFunction.COMMANDS));
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
