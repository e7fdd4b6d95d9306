package org.flinkrtrl.flink;

import static org.flinkrtrl.core.learner.ModelSettings.HIDDEN;
import static org.flinkrtrl.core.learner.ModelSettings.SEED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.core.logs.LogSourceModel;
import org.flinkrtrl.core.logs.MinerSettings;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.LogPrediction;
import org.junit.jupiter.api.Test;

/** The log function in Flink's operator harness: outputs as the bare core, restore bit for bit, dead letters. */
class LogFunctionHarnessTest {
    static final ModelConfig CFG = LogLearner.config(ModelConfig.builder().set(HIDDEN, 6).set(SEED, 8L).build(), 16);
    static final MinerSettings MINER = MinerSettings.DEFAULTS.withMaxTemplates(20);

    static KeyedOneInputStreamOperatorTestHarness<String, Event, LogPrediction> open(OperatorSubtaskState restore)
        throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new LogFunction(CFG, MINER, 3, 200, Duration.ZERO)), new EventKeySelector(),
            Types.STRING, Harnesses.MAX_PARALLELISM, 1, 0);
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static List<Event> events() {
        String[] hosts = {"web-1", "db-1", "web-2"};
        String[] msgs = {"GET /index.html 200 %d", "connection from 10.0.0.%d accepted", "query took %d ms",
            "worker %d restarted after error"};
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            String msg = String.format(msgs[(i * 7 + i / 5) % msgs.length], i % 50);
            out.add(new Event(hosts[i % hosts.length], 1000L * i, null, msg, i % 11 == 0 ? "1" : "0"));
        }
        return out;
    }

    /** The bare core per key, with the key's monitor (rolling log-loss, drift test) at the default settings. */
    static List<LogPrediction> reference(List<Event> events) {
        Map<String, LogSourceModel> models = new HashMap<>();
        Map<String, KeyLifecycle> monitors = new HashMap<>();
        List<LogPrediction> out = new ArrayList<>();
        for (Event e : events) {
            LogPrediction p = models.computeIfAbsent(e.key, k -> LogFunction.newModel(CFG, MINER, 3, k))
                .observe(e.category, e.timestamp);
            KeyLifecycle life = monitors.computeIfAbsent(e.key, k -> new KeyLifecycle());
            life.observe(p.surprise, MonitorSettings.DEFAULTS);
            p.rollingLogLoss = life.rollingError();
            p.drift = life.drift();
            p.key = e.key;
            p.label = e.label;
            out.add(p);
        }
        return out;
    }

    static List<LogPrediction> feed(KeyedOneInputStreamOperatorTestHarness<String, Event, LogPrediction> h,
                                    List<Event> events) throws Exception {
        int before = h.extractOutputValues().size();
        for (Event e : events) {
            h.processElement(e, e.timestamp);
        }
        List<LogPrediction> all = h.extractOutputValues();
        return new ArrayList<>(all.subList(before, all.size()));
    }

    @Test
    void outputsAreTheBareCoresAndARestoreContinuesBitForBit() throws Exception {
        List<Event> events = events();
        List<LogPrediction> want = reference(events);
        List<LogPrediction> got = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = open(null)) {
            got.addAll(feed(h, events.subList(0, 100)));
            snapshot = h.snapshot(1L, 1L);
            feed(h, events.subList(100, 120)); // the original runs on after the snapshot without leaking into it
        }
        try (var h = open(snapshot)) {
            got.addAll(feed(h, events.subList(100, events.size())));
        }
        assertEquals(want, got);
        assertEquals("web-1", got.get(0).key);
        assertEquals("GET <PATH> <NUM> <NUM>", got.get(0).template);
    }

    @Test
    void malformedAndOversizedLinesGoToTheDeadLettersWithReasons() throws Exception {
        try (var h = open(null)) {
            h.processElement(new Event("a", 1, null, null, null), 1);
            h.processElement(new Event("a", 2, null, "   ", null), 2);
            h.processElement(new Event("a", 3, null, "x".repeat(201), null), 3);
            h.processElement(new Event(null, 4, null, "no key", null), 4);
            h.processElement(new Event("a", 5, null, "fine line", null), 5);
            List<String> reasons = new ArrayList<>();
            for (StreamRecord<DeadLetter> d : h.getSideOutput(LearnerOperator.DEAD_LETTERS)) {
                assertEquals("validate", d.getValue().stage);
                reasons.add(d.getValue().reason);
            }
            assertEquals(List.of("message is missing", "message is empty", "message has 201 characters, more than 200",
                "key is missing"), reasons);
            assertEquals(1, h.extractOutputValues().size());
            assertEquals("fine line", h.extractOutputValues().get(0).template);
        }
    }
}
