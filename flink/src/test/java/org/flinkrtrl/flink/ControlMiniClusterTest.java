package org.flinkrtrl.flink;

import static org.flinkrtrl.flink.PredictionAssert.assertSameBits;
import static org.flinkrtrl.flink.PredictionAssert.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.record.ControlAck;
import org.flinkrtrl.record.ControlCommand;
import org.flinkrtrl.record.ControlCommand.Op;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Control commands in a local cluster at parallelism 2 and 3: every command applies exactly from its event time on
 * every subtask (the outputs equal the sequential {@link ControlReference} bit for bit), so two runs give identical
 * outputs; bad commands go to the dead letters.
 */
class ControlMiniClusterTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(3).build());

    private static final ModelConfig CFG = TestEvents.config(2);
    private static final long T0 = TestEvents.START_MS;

    private static long at(int step) {
        return T0 + 1000L * step;
    }

    private static ControlCommand cmd(String id, long time, String key, Op op, double value) {
        return new ControlCommand(id, time, key, op, value, null);
    }

    /** A model trained elsewhere: key k5's model after 30 events of another stream. */
    static byte[] imported() {
        ForecastingLearner l = new ForecastingLearner(CFG, KeySeeds.seedFor(CFG.seed(), "elsewhere"));
        for (Event e : TestEvents.synthetic(6, 30, 99L)) {
            if (e.key.equals("k5")) {
                l.observe(e.timestamp, e.values);
            }
        }
        return LearnerCodec.toBytes(l);
    }

    /** The valid commands, in the order the control stream sends them (time order). */
    static List<ControlCommand> valid() {
        ControlCommand replace = new ControlCommand("import-k3", at(70), "k3", Op.REPLACE, Double.NaN, imported());
        return List.of(
            cmd("lr-k1", at(20), "k1", Op.LEARNING_RATE, 0.05),
            cmd("threshold-all", at(25) + 500, null, Op.ANOMALY_THRESHOLD, 0.05),
            cmd("freeze-all", at(40), null, Op.FREEZE, Double.NaN),
            cmd("reset-k2", at(50) + 1, "k2", Op.RESET, Double.NaN),
            cmd("unfreeze-k0", at(60), "k0", Op.UNFREEZE, Double.NaN),
            replace,
            cmd("warm-k4", at(75), "k4", Op.WARM_UP, 90),
            cmd("a-clear-all", at(90), null, Op.CLEAR, Double.NaN),
            cmd("b-lr-all", at(90), null, Op.LEARNING_RATE, 0.02));
    }

    record Run(List<Prediction> predictions, List<ControlAck> acks, List<DeadLetter> dead) {}

    static Run run(List<Event> events, List<ControlCommand> control, int parallelism, EventOrder order)
        throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // no Kryo for commands, acks or buffered events
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        DataStream<Event> in = env.fromData(events, TypeInformation.of(Event.class)).setParallelism(1)
            .assignTimestampsAndWatermarks(WatermarkStrategy.<Event>forMonotonousTimestamps()
                .withTimestampAssigner((e, p) -> e.timestamp)).setParallelism(1);
        DataStream<ControlCommand> commands = env.fromData(control, TypeInformation.of(ControlCommand.class))
            .setParallelism(1).assignTimestampsAndWatermarks(LearnerOperator.controlWatermarks(Duration.ZERO))
            .setParallelism(1);
        LearnerOperator.Streams s = LearnerOperator.apply(in, CFG, Duration.ofHours(1),
            LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, order, MonitorSettings.DEFAULTS, commands);
        CloseableIterator<Prediction> ps = s.predictions().collectAsync();
        CloseableIterator<ControlAck> as = s.acks().collectAsync();
        CloseableIterator<DeadLetter> ds = s.deadLetters().collectAsync();
        JobClient job = env.executeAsync("rtrl-control");
        List<Prediction> p = new ArrayList<>();
        List<ControlAck> a = new ArrayList<>();
        List<DeadLetter> d = new ArrayList<>();
        try (ps; as; ds) {
            ps.forEachRemaining(p::add);
            as.forEachRemaining(a::add);
            ds.forEachRemaining(d::add);
        }
        job.getJobExecutionResult().get();
        return new Run(p, a, d);
    }

    @Test
    void commandsApplyFromTheirEventTimeOnEverySubtaskAndReplaysAreIdentical() throws Exception {
        List<Event> events = TestEvents.synthetic(6, 100, 5L);
        List<ControlCommand> good = valid();
        List<ControlCommand> control = new ArrayList<>(good);
        control.add(good.get(3)); // redelivered: ignored
        control.add(cmd("late", at(10), "k1", Op.FREEZE, Double.NaN)); // before accepted ones: refused
        control.add(cmd("lr-k1", at(95), "k1", Op.LEARNING_RATE, 0.5)); // id taken by another command: refused
        ControlReference ref = new ControlReference(events, good, CFG, LearnerOperator.DEFAULT_ANOMALY_THRESHOLD,
            MonitorSettings.DEFAULTS);
        // the commands change the outputs: without them the reference differs for every key after its first command
        List<Prediction> plain = new ControlReference(events, List.of(), CFG,
            LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, MonitorSettings.DEFAULTS).predictions;
        for (String k : List.of("k0", "k1", "k2", "k3", "k4", "k5")) {
            Prediction a = last(ref.predictions, k);
            Prediction b = last(plain, k);
            assertNotEquals(Double.doubleToLongBits(a.forecast[0]), Double.doubleToLongBits(b.forecast[0]), k);
        }

        Run first = run(events, control, 2, EventOrder.ARRIVAL);
        assertSameBits(sorted(ref.predictions), sorted(first.predictions()));
        assertEquals(sortedStrings(ref.applied), applied(first.acks()));
        // 6 keys for each of the 4 commands for every key, one key for each of the other 5
        assertEquals(6 * 4 + 5, ref.applied.size());
        List<String> accepted = first.acks().stream().filter(a -> a.status.equals(ControlAck.ACCEPTED))
            .map(a -> a.id).sorted().toList();
        assertEquals(good.stream().map(c -> c.id).sorted().toList(), accepted, "accepted once, by subtask 0");
        assertEquals(2, first.dead().size());
        for (DeadLetter d : first.dead()) {
            assertEquals(ControlledForecastFunction.STAGE_CONTROL, d.stage);
        }
        assertTrue(first.dead().stream().anyMatch(d -> d.reason.startsWith("time " + at(10) + " is before that of "
            + "command")), first.dead().toString());
        assertTrue(first.dead().stream().anyMatch(d -> d.reason.startsWith("id lr-k1 is already used by")),
            first.dead().toString());
        ControlAck reset = first.acks().stream().filter(a -> a.id.equals("reset-k2") && a.key != null).findFirst().orElseThrow();
        assertEquals(at(51), reset.appliedAt);
        assertEquals(51, reset.steps);
        assertEquals("model reset after 51 events", reset.effect);
        ControlAck lr = first.acks().stream().filter(a -> a.id.equals("lr-k1") && a.key != null).findFirst().orElseThrow();
        assertEquals("learning rate 0.01 -> 0.05", lr.effect);
        assertEquals(at(20), lr.appliedAt);

        // a replay on another parallelism, through the event-time ordering step: the same outputs
        Run second = run(events, control, 3, EventOrder.eventTime(Duration.ZERO, 1000));
        assertSameBits(sorted(first.predictions()), sorted(second.predictions()));
        assertEquals(applied(first.acks()), applied(second.acks()));
    }

    private static Prediction last(List<Prediction> ps, String key) {
        Prediction last = null;
        for (Prediction p : ps) {
            if (p.key.equals(key)) {
                last = p;
            }
        }
        return last;
    }

    private static List<String> applied(List<ControlAck> acks) {
        return acks.stream().filter(a -> a.status.equals(ControlAck.APPLIED))
            .map(a -> a.id + "|" + a.key + "|" + a.appliedAt).sorted().toList();
    }

    private static List<String> sortedStrings(List<String> s) {
        return s.stream().sorted().toList();
    }
}
