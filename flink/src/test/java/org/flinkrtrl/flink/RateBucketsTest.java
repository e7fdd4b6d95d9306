package org.flinkrtrl.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.flinkrtrl.record.Event;
import org.junit.jupiter.api.Test;

/** Event counts per key and event-time bucket, closed by timers: silence gives zero buckets. */
class RateBucketsTest {

    static KeyedOneInputStreamOperatorTestHarness<String, Event, Event> open(long bucket, int maxSilent) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new RateBuckets(bucket, maxSilent)),
            new EventKeySelector(), Types.STRING);
        h.open();
        return h;
    }

    static List<String> outputs(KeyedOneInputStreamOperatorTestHarness<String, Event, Event> h) {
        List<String> out = new ArrayList<>();
        for (Event e : h.extractOutputValues()) {
            out.add(e.key + "@" + e.timestamp + "=" + (long) e.values[0]);
        }
        return out;
    }

    @Test
    void aSilentSourceGetsZeroBucketsUpToTheLimit() throws Exception {
        try (var h = open(1000, 2)) {
            for (long t : new long[] {100, 200, 900, 1500}) {
                h.processElement(new Event("busy", t, null, "x", null), t);
            }
            h.processElement(new Event("quiet", 300, null, "x", null), 300);
            h.processWatermark(999);
            assertEquals(Set.of("busy@999=3", "quiet@999=1"), Set.copyOf(outputs(h)));
            h.processWatermark(10_000);
            // busy: 1 in [1000, 2000), then two silent buckets; quiet: two silent buckets; then both stop
            assertEquals(Set.of("busy@999=3", "quiet@999=1", "busy@1999=1", "quiet@1999=0", "busy@2999=0",
                "quiet@2999=0", "busy@3999=0"), Set.copyOf(outputs(h)));
            assertEquals(7, outputs(h).size());
            h.processElement(new Event("quiet", 12_345, null, "x", null), 12_345);
            h.processWatermark(13_000);
            assertEquals("quiet@12999=1", outputs(h).get(outputs(h).size() - 1), "a source that speaks again restarts");
        }
    }
}
