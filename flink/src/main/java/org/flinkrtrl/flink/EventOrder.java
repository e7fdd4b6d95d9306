package org.flinkrtrl.flink;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How each key's events reach its learner.
 *
 * <ul>
 *   <li>{@link Mode#EVENT_TIME}: an ordering step ({@link EventOrderFunction}) buffers each key's events in keyed
 *       state and releases them in timestamp order once the watermark has passed {@code timestamp +
 *       allowedLateness}; ties keep their arrival order; exact duplicates are dropped; events that arrive after
 *       their release time go to the late-events side output. Each event waits for the watermark, i.e. for the
 *       source's out-of-orderness bound plus the allowed lateness.</li>
 *   <li>{@link Mode#ARRIVAL}: events are learned as they arrive, with no buffer and no added latency; right only
 *       when every key's events already arrive in timestamp order (a sorted file read by one reader, a topic whose
 *       producers write each key in order to one partition).</li>
 * </ul>
 *
 * @param mode              the ordering mode
 * @param allowedLateness   how long past the watermark an event is still put in order (event time); {@code >= 0}
 * @param maxBufferedPerKey the bound of a key's buffer; when an event would exceed it, the key's oldest buffered
 *                          event is released early (counted in {@code rtrl.bufferOverflows}), and events older than
 *                          one released early are treated as late
 */
public record EventOrder(Mode mode, Duration allowedLateness, int maxBufferedPerKey) implements Serializable {
    /** The ordering modes. */
    public enum Mode {
        /** Buffer per key, release in timestamp order on the watermark. */
        EVENT_TIME,
        /** Learn in arrival order. */
        ARRIVAL
    }

    public static final int DEFAULT_MAX_BUFFERED_PER_KEY = 10_000;

    /** Event-time ordering, no allowed lateness, the default buffer bound. */
    public static final EventOrder EVENT_TIME = new EventOrder(Mode.EVENT_TIME, Duration.ZERO,
        DEFAULT_MAX_BUFFERED_PER_KEY);
    /** Arrival order (no ordering step). */
    public static final EventOrder ARRIVAL = new EventOrder(Mode.ARRIVAL, Duration.ZERO, DEFAULT_MAX_BUFFERED_PER_KEY);

    public EventOrder {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(allowedLateness, "allowedLateness");
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException("allowed lateness must be >= 0, got " + allowedLateness);
        }
        if (maxBufferedPerKey < 1) {
            throw new IllegalArgumentException("the per-key buffer bound must be >= 1, got " + maxBufferedPerKey);
        }
    }

    /** Event-time ordering with the given allowed lateness and buffer bound. */
    public static EventOrder eventTime(Duration allowedLateness, int maxBufferedPerKey) {
        return new EventOrder(Mode.EVENT_TIME, allowedLateness, maxBufferedPerKey);
    }
}
