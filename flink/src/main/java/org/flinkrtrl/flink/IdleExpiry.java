package org.flinkrtrl.flink;

import java.time.Duration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;

/**
 * Idle-key expiry of a keyed model operator, on processing time, without Flink's state TTL: a key whose last event
 * is {@code ttl} or more ago starts from a fresh model and lifecycle at its next event, and its states are cleared by
 * a processing-time timer within {@code ttl + granularity} of its last event if it does not come back.
 *
 * <p>The key's last-event time and its pending timer live in its lifecycle state ({@link KeyLifecycle#lastSeen},
 * {@link KeyLifecycle#expiryTimer}), which the operator reads and writes on every event anyway. Each key has at most
 * one expiry timer in a chain: armed at the first event (for the end of the granularity bucket that holds
 * {@code lastSeen + ttl}); when it fires, a key idle for {@code ttl} is cleared, any other is re-armed for its latest
 * event. So a key that keeps receiving events registers about one timer per {@code ttl}, not one per event.
 *
 * <p>Keys restored from state written without the idle-expiry block (older savepoints, imports) have no known last
 * event and no timer: their operator arms one per key at the restore ({@link RestoredKeysExpiry}), so each is cleared
 * a TTL (plus at most one bucket) after the restore unless an event re-arms it.
 */
final class IdleExpiry {
    /** Finest timer granularity: timers of one key are at least this far apart. */
    static final long MIN_GRANULARITY_MS = 1_000;

    private final long ttlMillis;
    private final long granularity;

    /** @param ttl the idle time after which a key's state is dropped; zero for no expiry */
    IdleExpiry(Duration ttl) {
        this.ttlMillis = ttl == null ? 0 : ttl.toMillis();
        this.granularity = Math.max(MIN_GRANULARITY_MS, ttlMillis / 8);
    }

    boolean enabled() {
        return ttlMillis > 0;
    }

    long ttlMillis() {
        return ttlMillis;
    }

    long granularity() {
        return granularity;
    }

    /** True when the key of {@code life} was last seen {@code ttl} or more before {@code now}. */
    boolean expired(KeyLifecycle life, long now) {
        return ttlMillis > 0 && life.lastSeen() != KeyLifecycle.NONE && now - life.lastSeen() >= ttlMillis;
    }

    /** The time of the timer that checks a key last seen at {@code lastSeen}: the end of the bucket of its expiry. */
    long due(long lastSeen) {
        long expiry = lastSeen > Long.MAX_VALUE - ttlMillis - granularity ? Long.MAX_VALUE - granularity
            : lastSeen + ttlMillis;
        return (Math.floorDiv(expiry, granularity) + 1) * granularity;
    }

    /**
     * Records an event of the key at {@code now} in {@code life} (the caller stores it) and arms the key's timer
     * when it has none (or only a later one, after the TTL was shortened).
     */
    void touch(KeyLifecycle life, long now, TimerService timers) {
        life.setLastSeen(now);
        if (ttlMillis > 0) {
            long due = due(now);
            long armed = life.expiryTimer();
            if (armed == KeyLifecycle.NONE || armed > due) {
                timers.registerProcessingTimeTimer(due);
                life.setExpiryTimer(due);
            }
        }
    }

    /** What a fired expiry timer asks for. */
    enum Fired {
        /** Not this key's current timer (superseded, or the key expired and started again): nothing to do. */
        STALE,
        /** The key was idle for the TTL: clear its states. */
        EXPIRE,
        /** The key had events since: re-armed for its latest event ({@code life} changed, store it). */
        REARMED
    }

    /**
     * Decides on the key's timer at {@code timestamp}, fired at {@code now}; {@code life} is the key's stored
     * lifecycle. A lifecycle without a recorded timer had no event since it was restored (an event arms and records
     * one), so the timer is the one armed at the restore ({@link RestoredKeysExpiry}).
     */
    Fired fired(KeyLifecycle life, long timestamp, long now, TimerService timers) {
        if (life.expiryTimer() != KeyLifecycle.NONE && life.expiryTimer() != timestamp) {
            return Fired.STALE;
        }
        if (ttlMillis <= 0) { // a timer of a run with a TTL, restored into one without
            life.setExpiryTimer(KeyLifecycle.NONE);
            return Fired.REARMED;
        }
        if (life.lastSeen() == KeyLifecycle.NONE || now - life.lastSeen() >= ttlMillis) {
            return Fired.EXPIRE;
        }
        long due = due(life.lastSeen());
        timers.registerProcessingTimeTimer(due);
        life.setExpiryTimer(due);
        return Fired.REARMED;
    }

    /**
     * A fired processing-time timer of the current key (the operators' onTimer): an idle key's model (with its cache
     * entry) and lifecycle are dropped and counted in {@code expired}; any other key's timer is re-armed.
     */
    void onTimer(long timestamp, TimerService timers, KeyMonitor monitor, ModelStore<?> models, Counter expired)
            throws Exception {
        KeyLifecycle life = monitor.stored();
        if (life == null) { // cleared already, or a model restored without a lifecycle (armed at the restore)
            if (enabled() && models.load() != null) {
                expire(monitor, models, expired);
            }
            return;
        }
        switch (fired(life, timestamp, timers.currentProcessingTime(), timers)) {
            case EXPIRE -> expire(monitor, models, expired);
            case REARMED -> monitor.store(life);
            case STALE -> { }
        }
    }

    /** Drops the current key's model (and its cache entry) and lifecycle, and counts it. */
    static void expire(KeyMonitor monitor, ModelStore<?> models, Counter expired) throws Exception {
        models.remove();
        monitor.clear();
        expired.inc();
    }
}
