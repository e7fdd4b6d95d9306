package org.flinkrtrl.flink;

import static org.flinkrtrl.flink.PredictionAssert.assertSameBits;
import static org.flinkrtrl.flink.PredictionAssert.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;

/** The event-time ordering step in Flink's operator test harness: order, lateness, duplicates, bound, restore. */
class EventOrderFunctionTest {
    private static final ModelConfig CFG = TestEvents.config(2);
    /** The disorder bound of the shuffled inputs and of their watermarks. */
    private static final long DISORDER_MS = 30_000;

    @Test
    void aShuffledInputWithBoundedDisorderGivesTheSortedInputsPredictionsBitForBit() throws Exception {
        List<Event> sortedEvents = TestEvents.sensors();
        List<Event> shuffled = shuffle(sortedEvents, DISORDER_MS, 11L);
        assertTrue(countInversions(shuffled) > 100, "the shuffle must actually disorder the keys' events");
        List<Event> released;
        try (var h = open(EventOrder.EVENT_TIME, null)) {
            feedWithWatermarks(h, shuffled, DISORDER_MS);
            h.processWatermark(Long.MAX_VALUE);
            released = h.extractOutputValues();
            assertEquals(0, late(h).size());
            assertEquals(0, function(h).metricsForTest().duplicates.getCount());
        }
        assertEquals(perKey(sortedEvents), perKey(released));
        try (var f = Harnesses.open(CFG, Duration.ZERO, 1, 0, null)) {
            List<Prediction> out = Harnesses.feed(f, released);
            assertEquals(600, out.size());
            assertSameBits(sorted(Harnesses.reference(sortedEvents, CFG)), sorted(out));
        }
    }

    @Test
    void eventsPastTheWatermarkPlusLatenessGoToTheSideOutputWithTheReasonAndNowhereElse() throws Exception {
        try (var h = open(EventOrder.eventTime(Duration.ofMillis(500), 100), null)) {
            h.processElement(ev("a", 10_000, 1), 10_000);
            h.processWatermark(10_600); // releases a@10000 (due 10500)
            h.processElement(ev("a", 10_050, 2), 10_050); // due 10550 <= 10600: late by 50 ms
            h.processElement(ev("a", 10_100, 3), 10_100); // due 10600 <= 10600: late by 0 ms
            h.processElement(ev("a", 10_200, 4), 10_200); // due 10700 > 10600: in time, put in order
            h.processElement(ev("b", 10_150, 5), 10_150); // another key, in time
            h.processWatermark(20_000);
            assertEquals(List.of(10_000L, 10_150L, 10_200L),
                h.extractOutputValues().stream().map(e -> e.timestamp).toList());
            List<DeadLetter> late = late(h);
            assertEquals(2, late.size());
            assertEquals(new DeadLetter("late", "late by 50 ms beyond the allowed lateness of 500 ms (event time 10050,"
                + " watermark 10600)", ev("a", 10_050, 2).toString(), "a", 10_050), late.get(0));
            assertEquals("late by 0 ms beyond the allowed lateness of 500 ms (event time 10100, watermark 10600)",
                late.get(1).reason);
            assertEquals(2, function(h).metricsForTest().late.getCount());
        }
    }

    @Test
    void anEventWaitsForTheWatermarkToPassItsTimestampPlusTheAllowedLateness() throws Exception {
        try (var h = open(EventOrder.eventTime(Duration.ofSeconds(2), 100), null)) {
            h.processElement(ev("a", 6_000, 1), 6_000);
            h.processWatermark(6_999);
            h.processElement(ev("a", 5_000, 2), 5_000); // behind the watermark but within the lateness: in order
            assertEquals(0, h.extractOutputValues().size());
            h.processWatermark(7_999);
            assertEquals(List.of(5_000L), h.extractOutputValues().stream().map(e -> e.timestamp).toList());
            h.processWatermark(8_000);
            assertEquals(List.of(5_000L, 6_000L), h.extractOutputValues().stream().map(e -> e.timestamp).toList());
            assertEquals(0, late(h).size());
        }
    }

    @Test
    void exactDuplicatesAreDroppedAndCountedAndTiesKeepArrivalOrder() throws Exception {
        try (var h = open(EventOrder.EVENT_TIME, null)) {
            h.processElement(ev("a", 2_000, 7), 2_000);
            h.processElement(ev("a", 1_000, 3), 1_000);
            h.processElement(ev("a", 2_000, 5), 2_000); // tie: same time, other values, after the 7
            h.processElement(ev("a", 2_000, 7), 2_000); // exact duplicate
            h.processElement(new Event("a", 2_000, new double[] {7, 1}, "x", "y"), 2_000); // duplicate: same values
            h.processElement(ev("b", 2_000, 7), 2_000); // same time and values, other key: not a duplicate
            h.processElement(new Event("a", 2_000, new double[] {-0.0 + 7, 1.0000000000000002}, null, null), 2_000);
            h.processWatermark(Long.MAX_VALUE);
            List<Event> out = h.extractOutputValues();
            List<String> seen = out.stream().map(e -> e.key + "@" + e.timestamp + ":" + e.values[0] + "/" + e.values[1])
                .toList();
            // the order between keys is the timers' order, not defined for equal times: compare each key's sequence
            assertEquals(List.of("a@1000:3.0/1.0", "a@2000:7.0/1.0", "a@2000:5.0/1.0", "a@2000:7.0/1.0000000000000002"),
                seen.stream().filter(x -> x.startsWith("a@")).toList());
            assertEquals(List.of("b@2000:7.0/1.0"), seen.stream().filter(x -> x.startsWith("b@")).toList());
            assertEquals(2, function(h).metricsForTest().duplicates.getCount());
            assertEquals(0, late(h).size());
            var dups = h.getSideOutput(EventOrderFunction.DUPLICATE_EVENTS).stream().map(StreamRecord::getValue).toList();
            assertEquals(List.of(new DeadLetter("duplicate", "duplicate of an event already buffered (same key, timestamp "
                + "and values)", ev("a", 2_000, 7).toString(), "a", 2_000), new DeadLetter("duplicate",
                "duplicate of an event already buffered (same key, timestamp and values)",
                new Event("a", 2_000, new double[] {7, 1}, "x", "y").toString(), "a", 2_000)), dups);
        }
    }

    @Test
    void aFullBufferReleasesItsOldestEarlyAndOlderEventsAreThenLate() throws Exception {
        try (var h = open(EventOrder.eventTime(Duration.ZERO, 3), null)) {
            for (long t : new long[] {5_000, 3_000, 4_000, 6_000, 7_000}) {
                h.processElement(ev("a", t, t), t); // the watermark never moves: the bound of 3 is hit twice
            }
            assertEquals(List.of(3_000L, 4_000L), h.extractOutputValues().stream().map(e -> e.timestamp).toList());
            assertEquals(2, function(h).metricsForTest().overflows.getCount());
            h.processElement(ev("a", 3_500, 1), 3_500);
            h.processElement(ev("a", 4_000, 2), 4_000); // equal to the floor: still in order
            h.processWatermark(Long.MAX_VALUE);
            assertEquals(List.of(3_000L, 4_000L, 4_000L, 5_000L, 6_000L, 7_000L),
                h.extractOutputValues().stream().map(e -> e.timestamp).toList());
            assertEquals(List.of("older than event time 4000, which its key released early because its buffer was "
                + "full (3 events)"), late(h).stream().map(d -> d.reason).toList());
            assertEquals(0, h.numKeyedStateEntries(), "nothing buffered, no floor: no state left");
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void restoringMidBufferLosesAndDuplicatesNothing() throws Exception {
        List<Event> shuffled = shuffle(TestEvents.synthetic(5, 200, 3L), DISORDER_MS, 5L);
        List<Event> uninterrupted;
        try (var h = open(EventOrder.EVENT_TIME, null)) {
            feedWithWatermarks(h, shuffled, DISORDER_MS);
            h.processWatermark(Long.MAX_VALUE);
            uninterrupted = h.extractOutputValues();
        }
        assertEquals(1000, uninterrupted.size());
        try (var h = open(EventOrder.EVENT_TIME, null)) {
            feedWithWatermarks(h, shuffled, DISORDER_MS);
            assertTrue(h.numKeyedStateEntries() > 0 && h.numEventTimeTimers() > 0);
            h.processWatermark(Long.MAX_VALUE);
            assertEquals(0, h.numKeyedStateEntries(), "every key's state is gone once its buffer is empty");
        }
        int cut = shuffled.size() / 2;
        OperatorSubtaskState snapshot;
        List<Event> beforeCut;
        try (var h = open(EventOrder.EVENT_TIME, null)) {
            beforeCut = feedWithWatermarks(h, shuffled.subList(0, cut), DISORDER_MS);
            assertTrue(cut - beforeCut.size() >= 50, "events must be buffered at the snapshot: " + beforeCut.size());
            snapshot = h.snapshot(1L, 1L);
        }
        List<Event> afterCut;
        try (var h = open(EventOrder.EVENT_TIME, snapshot)) {
            // the restored watermark starts low again; the source's watermark resumes with the next events
            afterCut = feedWithWatermarks(h, shuffled.subList(cut, shuffled.size()), DISORDER_MS,
                maxTimestamp(shuffled.subList(0, cut)));
            h.processWatermark(Long.MAX_VALUE);
            afterCut = h.extractOutputValues();
        }
        List<Event> resumed = new ArrayList<>(beforeCut);
        resumed.addAll(afterCut);
        assertEquals(uninterrupted.size(), resumed.size());
        // each key's sequence is the same; the interleaving of keys due at the same time is the timers' order
        assertTrue(perKey(uninterrupted).equals(perKey(resumed)), "a key's released events differ after the restore");
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> EventOrder.eventTime(Duration.ofMillis(-1), 10));
        assertThrows(IllegalArgumentException.class, () -> EventOrder.eventTime(Duration.ZERO, 0));
        assertEquals(Long.MAX_VALUE, EventOrderFunction.saturatingAdd(Long.MAX_VALUE - 5, 10));
        assertEquals(Long.MIN_VALUE + 15, EventOrderFunction.saturatingAdd(Long.MIN_VALUE + 5, 10));
        assertEquals(Long.MAX_VALUE, EventOrderFunction.saturatingSub(Long.MAX_VALUE, -1));
    }

    @Test
    void eventsWhoseDueTimeSaturatesStillLeaveInTimestampOrder() throws Exception {
        try (var h = open(EventOrder.eventTime(Duration.ofMillis(100), 10), null)) {
            h.processElement(ev("a", Long.MAX_VALUE - 10, 1), 0);
            h.processElement(ev("a", Long.MAX_VALUE - 50, 2), 0);
            h.processWatermark(Long.MAX_VALUE);
            assertEquals(List.of(Long.MAX_VALUE - 50, Long.MAX_VALUE - 10),
                h.extractOutputValues().stream().map(e -> e.timestamp).toList());
        }
    }

    // ---- helpers ----

    static KeyedOneInputStreamOperatorTestHarness<String, Event, Event> open(EventOrder order,
        OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EventOrderFunction(order)),
            new EventKeySelector(), Types.STRING, Harnesses.MAX_PARALLELISM, 1, 0);
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static EventOrderFunction function(KeyedOneInputStreamOperatorTestHarness<String, Event, Event> h) {
        return (EventOrderFunction) ((KeyedProcessOperator<?, ?, ?>) h.getOperator()).getUserFunction();
    }

    private static Event ev(String key, long t, double v) {
        return new Event(key, t, new double[] {v, 1}, null, null);
    }

    private static List<DeadLetter> late(KeyedOneInputStreamOperatorTestHarness<String, Event, Event> h) {
        var q = h.getSideOutput(EventOrderFunction.LATE_EVENTS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    /**
     * Delays each event by a seeded uniform amount in [0, maxDelay) and returns them in arrival order (the stable
     * sort keeps a key's equal-arrival events in their original order).
     */
    static List<Event> shuffle(List<Event> events, long maxDelay, long seed) {
        Rng rng = new Rng(seed);
        List<long[]> arrival = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            arrival.add(new long[] {events.get(i).timestamp + (long) (rng.nextDouble() * maxDelay), i});
        }
        arrival.sort(Comparator.comparingLong(a -> a[0]));
        List<Event> out = new ArrayList<>();
        for (long[] a : arrival) {
            out.add(events.get((int) a[1]));
        }
        return out;
    }

    /** Feeds the events, each followed by the bounded-out-of-orderness watermark; returns the events released. */
    static List<Event> feedWithWatermarks(KeyedOneInputStreamOperatorTestHarness<String, Event, Event> h,
        List<Event> events, long outOfOrderness) throws Exception {
        return feedWithWatermarks(h, events, outOfOrderness, Long.MIN_VALUE + outOfOrderness + 1);
    }

    private static List<Event> feedWithWatermarks(KeyedOneInputStreamOperatorTestHarness<String, Event, Event> h,
        List<Event> events, long outOfOrderness, long maxSeen) throws Exception {
        long max = maxSeen;
        for (Event e : events) {
            h.processElement(e, e.timestamp);
            max = Math.max(max, e.timestamp);
            h.processWatermark(max - outOfOrderness - 1);
        }
        return h.extractOutputValues();
    }

    private static long maxTimestamp(List<Event> events) {
        return events.stream().mapToLong(e -> e.timestamp).max().orElseThrow();
    }

    /** Events that arrive after an event of their key with a later timestamp. */
    private static int countInversions(List<Event> events) {
        java.util.Map<String, Long> latest = new java.util.HashMap<>();
        int n = 0;
        for (Event e : events) {
            long max = latest.merge(e.key, e.timestamp, Math::max);
            if (max > e.timestamp) {
                n++;
            }
        }
        return n;
    }

    private static List<List<Event>> perKey(List<Event> events) {
        List<String> keys = events.stream().map(e -> e.key).distinct().sorted().toList();
        List<List<Event>> out = new ArrayList<>();
        for (String k : keys) {
            out.add(events.stream().filter(e -> e.key.equals(k)).toList());
        }
        return out;
    }
}
