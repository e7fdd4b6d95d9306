package org.flinkrtrl.connectors;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.flinkrtrl.record.Event;

/**
 * Paces a replay: either a fixed rate in events per second, or event time sped up by a factor (2 = twice as
 * fast as recorded). Runs at parallelism 1 right after the file source; it only sleeps, never reorders.
 */
public class ReplayThrottle extends RichMapFunction<Event, Event> {
    private static final long serialVersionUID = 1L;

    private final double eventsPerSecond;
    private final double speedup;
    private transient long startNanos;
    private transient long count;
    private transient long firstEventTime;

    private ReplayThrottle(double eventsPerSecond, double speedup) {
        this.eventsPerSecond = eventsPerSecond;
        this.speedup = speedup;
    }

    /** A fixed rate; must be > 0. */
    public static ReplayThrottle rate(double eventsPerSecond) {
        if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException("replay rate must be > 0 events/s, got " + eventsPerSecond);
        }
        return new ReplayThrottle(eventsPerSecond, 0);
    }

    /** Event time divided by {@code factor}; must be > 0. */
    public static ReplayThrottle speedup(double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("replay speed-up must be > 0, got " + factor);
        }
        return new ReplayThrottle(0, factor);
    }

    @Override
    public void open(OpenContext ctx) {
        startNanos = System.nanoTime();
        count = 0;
        firstEventTime = Long.MIN_VALUE;
    }

    @Override
    public Event map(Event e) throws InterruptedException {
        long dueNanos;
        if (eventsPerSecond > 0) {
            dueNanos = (long) (count * 1e9 / eventsPerSecond);
        } else {
            if (firstEventTime == Long.MIN_VALUE) {
                firstEventTime = e.timestamp;
            }
            dueNanos = (long) (Math.max(0, e.timestamp - firstEventTime) * 1e6 / speedup);
        }
        count++;
        long waitNanos = dueNanos - (System.nanoTime() - startNanos);
        if (waitNanos > 1_000_000L) {
            Thread.sleep(waitNanos / 1_000_000L, (int) (waitNanos % 1_000_000L));
        }
        return e;
    }
}
