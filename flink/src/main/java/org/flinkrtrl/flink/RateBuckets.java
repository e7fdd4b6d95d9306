package org.flinkrtrl.flink;

import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.flinkrtrl.record.Event;

/**
 * The rate view of a keyed event stream: per key, the number of events in each event-time bucket of
 * {@code bucketMillis} and, for each of the given levels, the number of those events whose category (log message or
 * event type) has the level as a whole word (letters and digits, case ignored: level {@code ERROR} counts
 * {@code "[error] client denied"} and {@code "ERROR:"}, not {@code "ERRORS"}). Emitted as an {@link Event} with
 * values {@code [count, count of level 1, ...]} and the bucket's end minus one as its time, so the sensor forecaster
 * can score bursts and silences. Buckets close on event-time timers, so a key that falls silent still gets its
 * buckets, with counts 0, for up to {@code maxSilentBuckets} buckets after its last event (then its timers stop
 * until it emits again). An event older than the open bucket (behind the watermark) is counted in the open bucket;
 * one ahead of it waits in its own bucket. Counts and the timer chain are keyed state, so they are checkpointed and
 * restored with the job.
 */
public class RateBuckets extends KeyedProcessFunction<String, Event, Event> {
    private static final long serialVersionUID = 2L;
    /** State names; part of the savepoint layout. */
    public static final String COUNTS_STATE = "rate-counts";
    public static final String NEXT_STATE = "rate-next-bucket";
    public static final String SILENT_STATE = "rate-silent";

    private final long bucketMillis;
    private final int maxSilentBuckets;
    private final String[] levels;
    /** Bucket end -> [events, events of each level] counted in it (the open bucket and any later ones seen). */
    private transient MapState<Long, long[]> counts;
    /** End of the bucket the timer chain closes next. */
    private transient ValueState<Long> next;
    private transient ValueState<Integer> silent;

    public RateBuckets(long bucketMillis, int maxSilentBuckets) {
        this(bucketMillis, maxSilentBuckets, List.of());
    }

    public RateBuckets(long bucketMillis, int maxSilentBuckets, List<String> levels) {
        if (bucketMillis < 1) {
            throw new IllegalArgumentException("bucketMillis must be >= 1, got " + bucketMillis);
        }
        if (maxSilentBuckets < 0) {
            throw new IllegalArgumentException("maxSilentBuckets must be >= 0, got " + maxSilentBuckets);
        }
        for (String l : levels) {
            if (!isLevel(l)) {
                throw new IllegalArgumentException("a level is one word of letters and digits, got '" + l + "'");
            }
        }
        this.bucketMillis = bucketMillis;
        this.maxSilentBuckets = maxSilentBuckets;
        this.levels = levels.stream().map(l -> l.toLowerCase(Locale.ROOT)).toArray(String[]::new);
    }

    /** Whether {@code level} can be counted: one word of letters and digits. */
    public static boolean isLevel(String level) {
        return !level.isEmpty() && level.chars().allMatch(Character::isLetterOrDigit);
    }

    /** Values per bucket: the count and one count per level. */
    public int channels() {
        return 1 + levels.length;
    }

    @Override
    public void open(OpenContext openContext) {
        counts = getRuntimeContext().getMapState(new MapStateDescriptor<>(COUNTS_STATE, Types.LONG,
            PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
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
        long[] c = counts.get(end);
        if (c == null) {
            c = new long[channels()];
        }
        c[0]++;
        for (int i = 0; i < levels.length; i++) {
            if (e.category != null && hasWord(e.category, levels[i])) {
                c[i + 1]++;
            }
        }
        counts.put(end, c);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
        long end = next.value();
        long[] c = counts.get(end);
        counts.remove(end);
        double[] v = new double[channels()];
        if (c != null) {
            for (int i = 0; i < v.length; i++) {
                v[i] = c[i];
            }
        }
        out.collect(new Event(ctx.getCurrentKey(), end - 1, v, null, null));
        Integer s = silent.value();
        int quiet = c == null ? (s == null ? 0 : s) + 1 : 0;
        if (quiet >= maxSilentBuckets && counts.isEmpty()) {
            next.clear();
            silent.clear();
            return;
        }
        silent.update(quiet);
        next.update(end + bucketMillis);
        ctx.timerService().registerEventTimeTimer(end + bucketMillis - 1);
    }

    /** Whether {@code text} has {@code word} (lower case) as a whole run of letters and digits, case ignored. */
    static boolean hasWord(String text, String word) {
        int n = text.length();
        int w = word.length();
        for (int i = 0; i + w <= n; i++) {
            if ((i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))
                && (i + w == n || !Character.isLetterOrDigit(text.charAt(i + w)))
                && text.regionMatches(true, i, word, 0, w)) {
                return true;
            }
        }
        return false;
    }
}
