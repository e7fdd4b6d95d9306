package org.flinkrtrl.flink;

import static org.flinkrtrl.flink.PredictionAssert.assertSameBits;
import static org.flinkrtrl.flink.PredictionAssert.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator in event-time mode in a local cluster: shuffled real data learned as if sorted, late events apart. */
class EventTimeMiniClusterTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ModelConfig CFG = TestEvents.config(2);
    private static final long DISORDER_MS = 30_000;

    @Test
    void shuffledEventsGiveTheSortedPredictionsAndLateOnesOnlyTheSideOutput() throws Exception {
        List<Event> sortedEvents = TestEvents.sensors();
        List<Event> input = new ArrayList<>(EventOrderFunctionTest.shuffle(sortedEvents, DISORDER_MS, 11L));
        input.add(101, input.get(100)); // redelivered at once: its original is still buffered
        // two stragglers far behind the watermark once everything else has arrived
        Event straggler1 = new Event("mote-1", TestEvents.START_MS + 5_000, new double[] {30, 40}, null, "0");
        Event straggler2 = new Event("mote-4", TestEvents.START_MS, new double[] {31, 41}, null, "0");
        input.add(straggler1);
        input.add(straggler2);

        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(PipelineOptions.GENERIC_TYPES, false); // fails the job if the buffer or anything falls back to Kryo
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DataStream<Event> events = env.fromData(input, TypeInformation.of(Event.class)).setParallelism(1)
            .assignTimestampsAndWatermarks(WatermarkStrategy.<Event>forGenerator(c -> new EveryEvent(DISORDER_MS))
                .withTimestampAssigner((e, previous) -> e.timestamp)).setParallelism(1);
        LearnerOperator.Streams s = LearnerOperator.apply(events, CFG, Duration.ofHours(1),
            LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, EventOrder.eventTime(Duration.ZERO, 1000));
        CloseableIterator<Prediction> predictions = s.predictions().collectAsync();
        CloseableIterator<DeadLetter> late = s.lateEvents().collectAsync();
        CloseableIterator<DeadLetter> dead = s.deadLetters().collectAsync();
        CloseableIterator<DeadLetter> dups = s.duplicates().collectAsync();
        JobClient job = env.executeAsync("rtrl-event-time");
        List<Prediction> ps = new ArrayList<>();
        List<DeadLetter> ls = new ArrayList<>();
        List<DeadLetter> ds = new ArrayList<>();
        List<DeadLetter> dd = new ArrayList<>();
        try (predictions; late; dead; dups) {
            predictions.forEachRemaining(ps::add);
            late.forEachRemaining(ls::add);
            dead.forEachRemaining(ds::add);
            dups.forEachRemaining(dd::add);
        }
        job.getJobExecutionResult().get();

        assertEquals(600, ps.size());
        assertSameBits(sorted(Harnesses.reference(sortedEvents, CFG)), sorted(ps));
        assertEquals(List.of(), ds);
        assertEquals(1, dd.size());
        assertEquals("duplicate", dd.get(0).stage);
        assertEquals(input.get(100).toString(), dd.get(0).payload);
        assertEquals(2, ls.size());
        for (DeadLetter d : ls) {
            assertEquals("late", d.stage);
            assertTrue(d.reason.startsWith("late by ") && d.reason.contains(" ms beyond the allowed lateness of 0 ms"),
                d.reason);
        }
        assertEquals(List.of(straggler1.toString(), straggler2.toString()),
            ls.stream().map(d -> d.payload).sorted().toList());
    }

    /** A bounded-out-of-orderness watermark after every event, so the test sees lateness at event granularity. */
    private static final class EveryEvent implements WatermarkGenerator<Event> {
        private final long outOfOrderness;
        private long max = Long.MIN_VALUE;

        EveryEvent(long outOfOrderness) {
            this.outOfOrderness = outOfOrderness;
        }

        @Override
        public void onEvent(Event e, long timestamp, WatermarkOutput out) {
            max = Math.max(max, timestamp);
            out.emitWatermark(new Watermark(max - outOfOrderness - 1));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput out) {}
    }
}
