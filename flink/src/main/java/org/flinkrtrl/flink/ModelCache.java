package org.flinkrtrl.flink;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * One subtask's decoded models in front of the keyed state: an LRU map from key to model, so that a key's
 * consecutive events do not decode and re-encode its whole model through the state backend.
 *
 * <p>Write-back. A model changed since it was last written is dirty. Dirty models are written to the keyed state
 * under their own key (the operator's current key is switched to it and back, {@link KeyAccess}) in two places
 * only: {@link #flush()}, which the operator calls in its synchronous snapshot before the keyed state is
 * snapshotted, and eviction of the least recently used entry when the cache is full. So every checkpoint and
 * savepoint holds every model as of the barrier, exactly as without the cache, and a restore starts from the state
 * with an empty cache.
 *
 * <p>Bound. At most {@code maxBytes / size(first model cached)} entries (at least one): the models of one operator
 * all have the same configuration, so the encoded size of one is the size of each.
 *
 * <p>Idle TTL. The function expires idle keys itself ({@link IdleExpiry}: it calls {@link #remove()}, which drops
 * the entry and clears the stored state). The cache applies the same TTL to its own entries with the operator's
 * processing-time clock, so that a dirty entry idle for the TTL or longer is cleared from the state instead of
 * written back when a checkpoint or an eviction comes before the key's expiry timer, and reads as absent. A clean
 * entry (a model loaded and not changed since) is a copy of the state and is read as the state would be.
 *
 * <p>Not thread-safe: used from the task thread only.
 */
final class ModelCache<M> implements ModelStore<M> {
    private final ModelStore<M> state;
    private final KeyAccess keys;
    private final long maxBytes;
    private final ToLongFunction<M> size;
    private final long ttlMillis;
    private final LinkedHashMap<Object, Entry<M>> entries = new LinkedHashMap<>(64, 0.75f, true);
    private int capacity;

    private long hits;
    private long misses;
    private long writeBacks;
    private long evictions;

    private static final class Entry<M> {
        M model;
        boolean dirty;
        long lastAccess;

        Entry(M model, boolean dirty, long lastAccess) {
            this.model = model;
            this.dirty = dirty;
            this.lastAccess = lastAccess;
        }
    }

    /**
     * @param state    the keyed state under the current key
     * @param keys     the operator's key context and clock
     * @param maxBytes bound of the cache, > 0
     * @param size     encoded size of a model in bytes
     * @param ttl      the state's idle TTL; zero for none
     */
    ModelCache(ModelStore<M> state, KeyAccess keys, long maxBytes, ToLongFunction<M> size, Duration ttl) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be > 0, got " + maxBytes);
        }
        this.state = Objects.requireNonNull(state, "state");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.maxBytes = maxBytes;
        this.size = Objects.requireNonNull(size, "size");
        this.ttlMillis = ttl == null ? 0 : ttl.toMillis();
    }

    @Override
    public M load() throws Exception {
        Object key = keys.getCurrentKey();
        long now = keys.processingTime();
        Entry<M> e = entries.get(key);
        if (e != null) {
            if (expired(e, now)) {
                entries.remove(key);
                state.remove();
                misses++;
                return null;
            }
            hits++;
            e.lastAccess = now;
            return e.model;
        }
        misses++;
        M m = state.load();
        if (m != null) {
            insert(key, new Entry<>(m, false, now));
        }
        return m;
    }

    @Override
    public void store(M model) throws Exception {
        Objects.requireNonNull(model, "model");
        Object key = keys.getCurrentKey();
        long now = keys.processingTime();
        Entry<M> e = entries.get(key);
        if (e == null) {
            insert(key, new Entry<>(model, true, now));
        } else {
            e.model = model;
            e.dirty = true;
            e.lastAccess = now;
        }
    }

    @Override
    public void remove() throws Exception {
        entries.remove(keys.getCurrentKey());
        state.remove();
    }

    /** Writes every dirty model to the keyed state under its key; the current key is the same afterwards. */
    void flush() throws Exception {
        Object current = keys.getCurrentKey();
        long now = keys.processingTime();
        boolean switched = false;
        try {
            for (Iterator<Map.Entry<Object, Entry<M>>> it = entries.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Object, Entry<M>> me = it.next();
                Entry<M> e = me.getValue();
                if (!e.dirty) {
                    continue;
                }
                keys.setCurrentKey(me.getKey());
                switched = true;
                if (expired(e, now)) {
                    state.remove();
                    it.remove();
                } else {
                    state.store(e.model);
                    e.dirty = false;
                    writeBacks++;
                }
            }
        } finally {
            if (switched && current != null) {
                keys.setCurrentKey(current);
            }
        }
    }

    private void insert(Object key, Entry<M> e) throws Exception {
        if (capacity == 0) {
            capacity = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, maxBytes / Math.max(1, size.applyAsLong(e.model))));
        }
        entries.put(key, e);
        if (entries.size() > capacity) {
            evictEldest(key);
        }
    }

    private void evictEldest(Object current) throws Exception {
        Iterator<Map.Entry<Object, Entry<M>>> it = entries.entrySet().iterator();
        Map.Entry<Object, Entry<M>> eldest = it.next();
        it.remove();
        evictions++;
        Entry<M> e = eldest.getValue();
        if (!e.dirty) {
            return;
        }
        keys.setCurrentKey(eldest.getKey());
        try {
            if (expired(e, keys.processingTime())) {
                state.remove();
            } else {
                state.store(e.model);
                writeBacks++;
            }
        } finally {
            keys.setCurrentKey(current);
        }
    }

    /**
     * A dirty entry (stored by an event at {@code lastAccess}) idle for the TTL: the key has expired, so the model
     * must not reach the state. A clean entry is a copy of the stored model, which the function's expiry decides on.
     */
    private boolean expired(Entry<M> e, long now) {
        return ttlMillis > 0 && e.dirty && now - e.lastAccess >= ttlMillis;
    }

    /** Most entries the cache holds (0 until the first model is cached). */
    int capacity() {
        return capacity;
    }

    int size() {
        return entries.size();
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }

    /** Models written to the keyed state (by flushes and evictions). */
    long writeBacks() {
        return writeBacks;
    }

    long evictions() {
        return evictions;
    }

    /** Dirty entries: models changed since they were last written to the keyed state. */
    int dirty() {
        int n = 0;
        for (Entry<M> e : entries.values()) {
            if (e.dirty) {
                n++;
            }
        }
        return n;
    }
}
