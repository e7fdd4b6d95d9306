package org.flinkrtrl.core.learner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * A key's time context: its cadence, the values one day, two days and one week (+-1 event) before its next event,
 * and calendar features of that next event.
 *
 * <p><b>Cadence.</b> The median of the key's first {@value #CADENCE_GAPS} positive inter-arrival gaps, fixed from
 * then on (state). Until it is known the seasonal lags are missing.
 *
 * <p><b>Seasonal lags.</b> With D = round(1 day / cadence) events a day, the lags are D, 2D, 7D - 1, 7D and
 * 7D + 1 events. A lag L is looked up <em>by time</em>: the value at {@code tNext - L cadence}, where
 * {@code tNext = t + cadence} is the expected time of the next event, is the stored observation nearest to that
 * time within +-cadence/2; when there is none (a gap in the stream, an irregular stretch) the lag is reported
 * missing rather than taken from a misaligned event. The values live in a ring of the last {@code 7D + 2}
 * observations (times and values): only when that stays within {@code maxLagSteps}; otherwise only the daily lags
 * (ring {@code 2D + 2}) when those fit, else none. So memory per key is bounded by
 * {@code (maxLagSteps + 2) (8 + 8 d)} bytes: 2,018 entries for a 5-minute series, 338 for a 30-minute one, none
 * for a 5-second one (a week would be 120,960 events).
 *
 * <p><b>Calendar.</b> Hour of day and day of week of {@code tNext} in the configured time zone, each as a sin/cos
 * pair. Zone offsets are cached between transitions, so a step allocates nothing.
 *
 * <p>Event times that go backwards are clamped to the latest time seen, so the ring stays ordered.
 */
final class SeasonalContext {
    static final int CADENCE_GAPS = 9;
    static final int LAGS = 5;
    static final int CALENDAR = 4;
    static final long DAY_MS = 86_400_000L;
    private static final long WEEK_MS = 7 * DAY_MS;

    private final int dims;
    private final boolean enabled;
    private final int maxLagSteps;
    private final ZoneRules rules;

    private final long[] gaps = new long[CADENCE_GAPS];
    private int gapCount;
    private long lastTime;
    private long events;
    private long cadence;

    private final int[] lagSteps = new int[LAGS];
    private int lagCount;
    private long[] times = new long[0];
    private double[] values = new double[0];
    private int head;
    private int size;

    // Zone offset cache, derived (not state): valid for [offsetFrom, offsetTo).
    private long offsetFrom = 1;
    private long offsetTo = 0;
    private long offsetMs;

    SeasonalContext(int dims, ForecasterOptions options) {
        this.dims = dims;
        this.enabled = options.context();
        this.maxLagSteps = options.maxLagSteps();
        this.rules = ZoneId.of(options.timeZone()).getRules();
    }

    /** The key's cadence in ms, 0 while unknown. */
    long cadence() {
        return cadence;
    }

    /** Number of seasonal lags in use (0, 2 or 5). */
    int lagCount() {
        return lagCount;
    }

    /** Lag i in events (valid for i < lagCount()). */
    int lagSteps(int i) {
        return lagSteps[i];
    }

    /** Observations the ring holds at most. */
    int capacity() {
        return times.length;
    }

    /** Folds in one observation (internal units) at event time t. */
    void observe(long t, double[] u) {
        if (!enabled) {
            return;
        }
        if (events > 0 && t < lastTime) {
            t = lastTime;
        }
        if (events > 0 && cadence == 0) {
            long gap = t - lastTime;
            if (gap > 0) {
                gaps[gapCount++] = gap;
                if (gapCount == CADENCE_GAPS) {
                    configure(median(gaps));
                }
            }
        }
        events++;
        lastTime = t;
        if (times.length > 0) {
            times[head] = t;
            System.arraycopy(u, 0, values, head * dims, dims);
            head = (head + 1) % times.length;
            size = Math.min(size + 1, times.length);
        }
    }

    private static long median(long[] a) {
        long[] s = a.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private void configure(long cadenceMs) {
        cadence = cadenceMs;
        if (cadenceMs > DAY_MS / 2) {
            return;
        }
        int day = (int) Math.round((double) DAY_MS / cadenceMs);
        int week = 7 * day;
        if (week + 1 <= maxLagSteps) {
            lagSteps[0] = day;
            lagSteps[1] = 2 * day;
            lagSteps[2] = week - 1;
            lagSteps[3] = week;
            lagSteps[4] = week + 1;
            lagCount = 5;
        } else if (2 * day <= maxLagSteps) {
            lagSteps[0] = day;
            lagSteps[1] = 2 * day;
            lagCount = 2;
        } else {
            return;
        }
        int capacity = lagSteps[lagCount - 1] + 2;
        times = new long[capacity];
        values = new double[capacity * dims];
    }

    /**
     * Ring slot of the observation for seasonal lag i of the next event, or -1 when it is missing (no cadence
     * yet, lag not in use, or no observation within +-cadence/2 of its time).
     */
    int lagSlot(int i) {
        if (i >= lagCount || size == 0) {
            return -1;
        }
        long target = lastTime + cadence - lagSteps[i] * cadence;
        long tol = cadence / 2;
        // newest observation with time <= target + tol (times are ordered oldest..newest)
        int lo = 0;
        int hi = size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (times[physical(mid)] <= target + tol) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) {
            return -1;
        }
        int slot = physical(found);
        return times[slot] >= target - tol ? slot : -1;
    }

    private int physical(int logical) {
        int cap = times.length;
        return (head - size + logical + cap) % cap;
    }

    /** Channel c of the observation in ring slot {@code slot}. */
    double value(int slot, int c) {
        return values[slot * dims + c];
    }

    /**
     * Calendar features of the next event into {@code out[from, from + 4)}: sin/cos of hour of day, sin/cos of day
     * of week; zeros when there is no event time or the context is off.
     */
    void calendar(boolean timed, double[] out, int from) {
        if (!enabled || !timed || events == 0) {
            for (int i = 0; i < CALENDAR; i++) {
                out[from + i] = 0.0;
            }
            return;
        }
        long next = lastTime + cadence;
        long local = next + offset(next);
        double day = 2 * Math.PI * Math.floorMod(local, DAY_MS) / DAY_MS;
        double week = 2 * Math.PI * Math.floorMod(local, WEEK_MS) / WEEK_MS;
        out[from] = Math.sin(day);
        out[from + 1] = Math.cos(day);
        out[from + 2] = Math.sin(week);
        out[from + 3] = Math.cos(week);
    }

    private long offset(long t) {
        if (t < offsetFrom || t >= offsetTo) {
            if (rules.isFixedOffset()) {
                offsetMs = rules.getOffset(Instant.EPOCH).getTotalSeconds() * 1000L;
                offsetFrom = Long.MIN_VALUE;
                offsetTo = Long.MAX_VALUE;
            } else {
                Instant at = Instant.ofEpochMilli(t);
                offsetMs = rules.getOffset(at).getTotalSeconds() * 1000L;
                ZoneOffsetTransition prev = rules.previousTransition(at.plusMillis(1));
                ZoneOffsetTransition next = rules.nextTransition(at);
                offsetFrom = prev == null ? Long.MIN_VALUE : prev.toEpochSecond() * 1000L;
                offsetTo = next == null ? Long.MAX_VALUE : next.toEpochSecond() * 1000L;
            }
        }
        return offsetMs;
    }

    /** Bytes of this context's state. */
    long stateBytes() {
        return 8L * (4 + CADENCE_GAPS) + 8L * times.length + 8L * values.length + 12;
    }

    void write(DataOutput o) throws IOException {
        o.writeLong(events);
        o.writeLong(lastTime);
        o.writeInt(gapCount);
        for (long g : gaps) {
            o.writeLong(g);
        }
        o.writeLong(cadence);
        o.writeInt(head);
        o.writeInt(size);
        o.writeInt(times.length);
        for (int i = 0; i < times.length; i++) {
            o.writeLong(times[i]);
        }
        StateArrays.writeDoubles(o, values, values.length);
    }

    void read(DataInput in) throws IOException {
        events = in.readLong();
        lastTime = in.readLong();
        gapCount = in.readInt();
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = in.readLong();
        }
        long c = in.readLong();
        lagCount = 0;
        times = new long[0];
        values = new double[0];
        if (c > 0) {
            configure(c);
        }
        cadence = c;
        head = in.readInt();
        size = in.readInt();
        int cap = in.readInt();
        if (cap != times.length) {
            throw new IOException("seasonal ring of " + cap + " entries does not match the cadence's " + times.length);
        }
        for (int i = 0; i < cap; i++) {
            times[i] = in.readLong();
        }
        StateArrays.readDoubles(in, values, values.length);
    }
}
