package org.flinkrtrl.flink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;

/**
 * Puts each key's events in event-time order before they reach the learner.
 *
 * <p>An event with timestamp {@code t} is due at {@code t + allowedLateness} (saturating). It is buffered in keyed
 * state under its due time, and an event-time timer at the due time releases it once the watermark reaches it. The
 * timers of a key fire in increasing time order, so the key's events leave in timestamp order; events of equal
 * timestamp leave in arrival order. An event whose due time the watermark has already reached is late: it can no
 * longer be put in order (later events of its key may already have been learned) and goes to {@link #LATE_EVENTS}
 * with stage {@code "late"} and the reason. An event equal to a buffered one in key, timestamp and values (bit for
 * bit; category and label are not compared) is a duplicate: not learned, counted, and recorded on {@link
 * #DUPLICATE_EVENTS} with stage {@code "duplicate"}, so a job can still account for every input record.
 *
 * <p>Each key holds at most {@code maxBufferedPerKey} events. An event that would exceed the bound releases the
 * key's oldest buffered event at once (counted in {@code rtrl.bufferOverflows}); from then on the key's events
 * older than that one are late, so the learner still sees non-decreasing timestamps. Finding the oldest walks the
 * key's buffered due times, so an overflow costs O(bound) state reads: the bound is a safety net for a stalled
 * watermark, not a throttle.
 *
 * <p>State (keyed, checkpointed with the timers): {@value #BUFFER_STATE} a map from due time to the events due then
 * (Flink's POJO serializer for {@link Event}, never Kryo), {@value #COUNT_STATE} the number of buffered events,
 * {@value #FLOOR_STATE} the timestamp of the last event released early (from an overflow until the watermark
 * passes it). A key with nothing buffered holds no state.
 *
 * <p>Metrics under {@code rtrl}: {@code lateEvents}, {@code duplicateEvents}, {@code bufferOverflows} (counters).
 */
public class EventOrderFunction extends KeyedProcessFunction<String, Event, Event> {
    private static final long serialVersionUID = 1L;

    /** State names; part of the savepoint layout, do not rename. */
    public static final String BUFFER_STATE = "rtrl-order-buffer";
    public static final String COUNT_STATE = "rtrl-order-count";
    public static final String FLOOR_STATE = "rtrl-order-floor";

    /** Dead-letter stage of events that arrived too late to be put in order. */
    public static final String STAGE_LATE = "late";

    /** Dead-letter stage of exact duplicates of a buffered event. */
    public static final String STAGE_DUPLICATE = "duplicate";

    /** Side output of duplicates (not learned). */
    public static final OutputTag<DeadLetter> DUPLICATE_EVENTS =
        new OutputTag<>("rtrl-duplicate-events", TypeInformation.of(DeadLetter.class));

    /** Side output of late events. */
    public static final OutputTag<DeadLetter> LATE_EVENTS =
        new OutputTag<>("rtrl-late-events", TypeInformation.of(DeadLetter.class));

    /**
     * The buffered events' type in keyed state: Flink's POJO type of {@link Event} (fails at build time if Event
     * stops being one). Part of the savepoint layout; the events on the streams use {@link EventSerializer}.
     */
    static final TypeInformation<Event> STATE_EVENT_TYPE = Types.POJO(Event.class);

    private static final Comparator<Event> BY_TIME = Comparator.comparingLong(e -> e.timestamp);

    private final long allowedLatenessMs;
    private final int maxBufferedPerKey;

    private transient MapState<Long, List<Event>> buffer;
    private transient ValueState<Integer> count;
    private transient ValueState<Long> floor;
    private transient OrderMetrics metrics;

    public EventOrderFunction(EventOrder order) {
        Objects.requireNonNull(order, "order");
        this.allowedLatenessMs = order.allowedLateness().toMillis();
        this.maxBufferedPerKey = order.maxBufferedPerKey();
    }

    @Override
    public void open(OpenContext openContext) {
        buffer = getRuntimeContext().getMapState(
            new MapStateDescriptor<>(BUFFER_STATE, Types.LONG, Types.LIST(STATE_EVENT_TYPE)));
        count = getRuntimeContext().getState(new ValueStateDescriptor<>(COUNT_STATE, Types.INT));
        floor = getRuntimeContext().getState(new ValueStateDescriptor<>(FLOOR_STATE, Types.LONG));
        metrics = new OrderMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<Event> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        long due = saturatingAdd(e.timestamp, allowedLatenessMs);
        if (due <= watermark) {
            late(e, ctx, "late by " + saturatingSub(watermark, due) + " ms beyond the allowed lateness of "
                + allowedLatenessMs + " ms (event time " + e.timestamp + ", watermark " + watermark + ")");
            return;
        }
        Long released = floor.value();
        if (released != null && e.timestamp < released) {
            late(e, ctx, "older than event time " + released + ", which its key released early because its buffer "
                + "was full (" + maxBufferedPerKey + " events)");
            return;
        }
        List<Event> group = buffer.get(due);
        if (group == null) {
            group = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(due);
        } else {
            for (Event b : group) {
                if (b.timestamp == e.timestamp && Arrays.equals(b.values, e.values)) {
                    metrics.duplicates.inc();
                    ctx.output(DUPLICATE_EVENTS, new DeadLetter(STAGE_DUPLICATE, "duplicate of an event already "
                        + "buffered (same key, timestamp and values)", String.valueOf(e), e.key, e.timestamp));
                    return;
                }
            }
        }
        group.add(e);
        buffer.put(due, group);
        Integer n = count.value();
        int buffered = (n == null ? 0 : n) + 1;
        if (buffered > maxBufferedPerKey) {
            releaseOldest(ctx, out);
            buffered--;
        }
        count.update(buffered);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
        Long released = floor.value();
        if (released != null && saturatingAdd(released, allowedLatenessMs) <= timestamp) {
            floor.clear(); // the watermark itself now refuses everything older than the floor
        }
        List<Event> group = buffer.get(timestamp);
        if (group == null) {
            return;
        }
        if (group.size() > 1) {
            group.sort(BY_TIME); // stable: equal timestamps keep arrival order; differ only where the due time saturated
        }
        for (Event e : group) {
            out.collect(e);
        }
        buffer.remove(timestamp);
        int left = count.value() - group.size();
        if (left > 0) {
            count.update(left);
        } else {
            count.clear();
        }
    }

    private void releaseOldest(Context ctx, Collector<Event> out) throws Exception {
        long oldest = Long.MAX_VALUE;
        for (Long due : buffer.keys()) {
            oldest = Math.min(oldest, due);
        }
        List<Event> group = buffer.get(oldest);
        group.sort(BY_TIME);
        Event first = group.remove(0);
        if (group.isEmpty()) {
            buffer.remove(oldest);
            ctx.timerService().deleteEventTimeTimer(oldest);
        } else {
            buffer.put(oldest, group);
        }
        floor.update(first.timestamp);
        ctx.timerService().registerEventTimeTimer(saturatingAdd(first.timestamp, allowedLatenessMs)); // clears it
        metrics.overflows.inc();
        out.collect(first);
    }

    private void late(Event e, Context ctx, String reason) {
        metrics.late.inc();
        ctx.output(LATE_EVENTS, new DeadLetter(STAGE_LATE, reason, String.valueOf(e), e.key, e.timestamp));
    }

    OrderMetrics metricsForTest() {
        return metrics;
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : r;
    }

    static long saturatingSub(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? (a >= 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : r;
    }
}
