package org.flinkrtrl.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
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

    @Test
    void levelsAreCountedPerBucketAsFurtherChannels() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
            new RateBuckets(1000, 1, List.of("ERROR", "warn"))), new EventKeySelector(), Types.STRING);
        h.open();
        try (h) {
            String[] messages = {"[error] client denied", "ERROR: disk full", "warning: low space", "WARN x",
                "ERRORS: 3", "ok", "Warn:error"};
            for (int i = 0; i < messages.length; i++) {
                h.processElement(new Event("s", 100 + i, null, messages[i], null), 100 + i);
            }
            h.processElement(new Event("s", 1500, null, "error again", null), 1500);
            h.processWatermark(5000);
            List<String> got = new ArrayList<>();
            for (Event e : h.extractOutputValues()) {
                got.add(e.timestamp + "=" + Arrays.toString(e.values));
            }
            // [events, ERROR, WARN]: "warning" and "ERRORS" are other words; "Warn:error" has both
            assertEquals(List.of("999=[7.0, 3.0, 2.0]", "1999=[1.0, 1.0, 0.0]", "2999=[0.0, 0.0, 0.0]"), got);
        }
    }

    @Test
    void aLevelIsAWholeWordCaseIgnored() {
        assertTrue(RateBuckets.hasWord("ERROR", "error"));
        assertTrue(RateBuckets.hasWord("x.Error.y", "error"));
        assertFalse(RateBuckets.hasWord("errors", "error"));
        assertFalse(RateBuckets.hasWord("noerror", "error"));
        assertFalse(RateBuckets.hasWord("err", "error"));
        assertTrue(RateBuckets.hasWord("errors error", "error"), "a later occurrence counts");
    }
}
