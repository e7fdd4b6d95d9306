package org.flinkrtrl.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.flinkrtrl.record.Event;

/**
 * The rate view of a keyed event stream: per key, the number of events in each event-time bucket of
 * {@code bucketMillis}, emitted as an {@link Event} with one value (the count) and the bucket's end as its time, so
 * the sensor forecaster can score bursts and silences. Buckets close on event-time timers, so a key that falls
 * silent still gets its buckets, with count 0, for up to {@code maxSilentBuckets} buckets after its last event
 * (then its timers stop until it emits again). An event older than the open bucket (behind the watermark) is counted
 * in the open bucket; one ahead of it waits in its own bucket.
 */
public class RateBuckets extends KeyedProcessFunction<String, Event, Event> {
    private static final long serialVersionUID = 1L;
    /** State names; part of the savepoint layout. */
    public static final String COUNTS_STATE = "rate-counts";
    public static final String NEXT_STATE = "rate-next-bucket";
    public static final String SILENT_STATE = "rate-silent";

    private final long bucketMillis;
    private final int maxSilentBuckets;
    /** Bucket end -> events counted in it (the open bucket and any later ones already seen). */
    private transient MapState<Long, Long> counts;
    /** End of the bucket the timer chain closes next. */
    private transient ValueState<Long> next;
    private transient ValueState<Integer> silent;

    public RateBuckets(long bucketMillis, int maxSilentBuckets) {
        if (bucketMillis < 1) {
            throw new IllegalArgumentException("bucketMillis must be >= 1, got " + bucketMillis);
        }
        if (maxSilentBuckets < 0) {
            throw new IllegalArgumentException("maxSilentBuckets must be >= 0, got " + maxSilentBuckets);
        }
        this.bucketMillis = bucketMillis;
        this.maxSilentBuckets = maxSilentBuckets;
    }

    @Override
    public void open(OpenContext openContext) {
        counts = getRuntimeContext().getMapState(new MapStateDescriptor<>(COUNTS_STATE, Types.LONG, Types.LONG));
        next = getRuntimeContext().getState(new ValueStateDescriptor<>(NEXT_STATE, Types.LONG));
        silent = getRuntimeContext().getState(new ValueStateDescriptor<>(SILENT_STATE, Types.INT));
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<Event> out) throws Exception {
        long end = Math.floorDiv(e.timestamp, bucketMillis) * bucketMillis + bucketMillis;
        Long open = next.value();
        if (open == null) {
            next.update(end);
            ctx.timerService().registerEventTimeTimer(end - 1);
        } else if (end < open) {
            end = open; // late: counted in the open bucket
        }
        Long c = counts.get(end);
        counts.put(end, c == null ? 1L : c + 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
        long end = next.value();
        Long c = counts.get(end);
        long n = c == null ? 0L : c;
        counts.remove(end);
        out.collect(new Event(ctx.getCurrentKey(), end - 1, new double[] {n}, null, null));
        Integer s = silent.value();
        int quiet = n == 0 ? (s == null ? 0 : s) + 1 : 0;
        if (quiet >= maxSilentBuckets && counts.isEmpty()) {
            next.clear();
            silent.clear();
            return;
        }
        silent.update(quiet);
        next.update(end + bucketMillis);
        ctx.timerService().registerEventTimeTimer(end + bucketMillis - 1);
    }
}
