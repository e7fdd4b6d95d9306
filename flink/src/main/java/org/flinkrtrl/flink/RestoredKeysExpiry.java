package org.flinkrtrl.flink;

import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of a model operator that arms the idle-expiry timers of keys restored without one: state written by a
 * build that expired keys with Flink's state TTL (no timers), or a savepoint written by the model import. Snapshots
 * of this build carry a marker in operator state ({@value #MARKER}, union list state); a restore without it arms one
 * timer per restored key of the function's expiring states, due a TTL (plus at most one bucket) after the restore, so
 * such a key is cleared then unless it has an event before. Runs once, when the operator opens after that restore
 * (it reads every key of those states once).
 */
final class RestoredKeysExpiry implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RestoredKeysExpiry.class);
    /** Operator state name; part of the savepoint layout, do not rename. */
    static final String MARKER = "rtrl-idle-expiry-timers";

    private transient ListState<Integer> marker;
    private transient boolean restoredWithoutTimers;

    /** From the operator's {@code initializeState}. */
    void initialize(StateInitializationContext ctx) throws Exception {
        marker = ctx.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(MARKER, Types.INT));
        restoredWithoutTimers = ctx.isRestored() && !marker.get().iterator().hasNext();
    }

    /** From the operator's {@code snapshotState}: this snapshot's keys have their timers. */
    void snapshot() throws Exception {
        marker.update(List.of(1));
    }

    /**
     * From the operator's {@code open}, after the function opened: arms the restored keys when the restore had no
     * marker and {@code function} expires keys.
     *
     * @return the number of keys armed
     */
    <K> long open(Object function, KeyedStateBackend<K> backend, InternalTimerService<VoidNamespace> timers, long now,
                  Consumer<K> setCurrentKey) throws Exception {
        if (!restoredWithoutTimers || !(function instanceof ExpiryHost host) || host.expiringStates().isEmpty()) {
            return 0;
        }
        restoredWithoutTimers = false;
        Set<K> keys = new LinkedHashSet<>();
        for (String state : host.expiringStates()) {
            try (Stream<K> s = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                s.forEach(keys::add);
            }
        }
        long due = host.expiryDue(now);
        for (K key : keys) {
            setCurrentKey.accept(key);
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, due);
        }
        LOG.info("armed the idle-expiry timers of {} keys restored without one (due at {})", keys.size(), due);
        return keys.size();
    }
}
