package org.flinkrtrl.core.logs;

import static org.flinkrtrl.core.learner.ModelSettings.HIDDEN;
import static org.flinkrtrl.core.learner.ModelSettings.SEED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.record.LogPrediction;
import org.junit.jupiter.api.Test;

/** Miner plus model of one source: predictions with template texts, and a bit-identical restore of both states. */
class LogSourceModelTest {
    static final ModelConfig CFG = LogLearner.config(ModelConfig.builder().set(HIDDEN, 6).set(SEED, 3L).build(), 12);

    static LogSourceModel mining() {
        return new LogSourceModel(new TemplateMiner(MinerSettings.DEFAULTS.withMaxTemplates(10)), new LogLearner(CFG, 99L), 3);
    }

    @Test
    void predictionsCarryTemplateIdsTextsAndScores() {
        LogSourceModel m = mining();
        LogPrediction first = m.observe("Accepted password for alice from 10.0.0.1 port 22 ssh2", 1000);
        assertEquals("0", first.typeId);
        assertEquals("Accepted password for alice from <IP> port <NUM> ssh2", first.template);
        assertTrue(first.unseen);
        assertTrue(Double.isNaN(first.probability));
        assertEquals(0.0, first.anomalyScore, 0.0);
        assertEquals(2, first.topTypes.length, "two classes in use: unseen and template 0");
        LogPrediction second = m.observe("Accepted password for bob from 10.0.0.2 port 23 ssh2", 2000);
        assertEquals("0", second.typeId);
        assertEquals("Accepted password for <*> from <IP> port <NUM> ssh2", second.template);
        assertFalse(second.unseen);
        assertEquals(0.0, second.anomalyScore, 0.0, "the first scored event has no history to be calibrated against");
        assertEquals(-Math.log(second.probability) / Math.log(2), second.surprise, 1e-12);
        // the mixture starts with equal weights on the network, the order-2 and the order-0 counts; the counts hold
        // the first event as the unseen class, so Witten-Bell gives template 0 (0 + 1 * 1/2) / (1 + 1) = 1/4
        double pNet = Math.pow(2, -second.networkSurprise);
        assertEquals(0.25, Math.pow(2, -second.contextSurprise), 1e-15);
        assertEquals(0.25, Math.pow(2, -second.frequencySurprise), 1e-15);
        assertEquals((pNet + 0.25 + 0.25) / 3, second.probability, 1e-15);
        assertTrue(Double.isNaN(first.gapSurprise) && second.gapSurprise == 0.0, "two gaps are needed to score one");
        assertTrue(List.of(second.topTypes).contains("Accepted password for <*> from <IP> port <NUM> ssh2"));
        assertTrue(List.of(second.topTypes).contains("<unseen>"));
    }

    @Test
    void aRestoredSourceContinuesBitForBitWithMinerAndModel() throws IOException {
        List<String> lines = TemplateMinerTest.syntheticLines(600, 4L);
        LogSourceModel straight = mining();
        LogSourceModel restored = mining();
        for (int i = 0; i < lines.size(); i++) {
            if (i % 150 == 75) {
                restored = LogSourceModel.fromBytes(restored.toBytes());
            }
            LogPrediction a = straight.observe(lines.get(i), 1000L * i);
            LogPrediction b = restored.observe(lines.get(i), 1000L * i);
            assertEquals(a, b, "event " + i);
        }
        assertArrayEquals(straight.toBytes(), restored.toBytes());
        assertTrue(straight.miner().templateCount() == 10 && straight.miner().overflows() > 0,
            "the cap of 10 templates is reached on the synthetic sample");
    }

    @Test
    void minerOverflowsAreOneTypeOfTheirOwn() {
        LogSourceModel m = new LogSourceModel(new TemplateMiner(MinerSettings.DEFAULTS.withMaxTemplates(1)),
            new LogLearner(CFG, 5L), 3);
        m.observe("alpha one", 0);
        LogPrediction p = m.observe("beta gamma delta", 1);
        assertEquals(LogSourceModel.OVERFLOW_ID, p.typeId);
        assertEquals("<overflow>", p.template);
        p = m.observe("epsilon zeta eta theta", 2);
        assertEquals(LogSourceModel.OVERFLOW_ID, p.typeId);
        assertFalse(p.unseen, "the overflow type is in the vocabulary once seen");
        assertTrue(List.of(p.topTypes).containsAll(List.of("alpha one", "<overflow>", "<unseen>")), List.of(p.topTypes).toString());
    }

    @Test
    void preParsedTypesNeedNoMiner() throws IOException {
        LogSourceModel m = new LogSourceModel(null, new LogLearner(CFG, 1L), 2);
        m.observe("GET /images .jpg 200", 0);
        LogPrediction p = m.observe("GET /images .jpg 200", 1);
        assertEquals("GET /images .jpg 200", p.typeId);
        assertEquals("GET /images .jpg 200", p.template);
        LogSourceModel back = LogSourceModel.fromBytes(m.toBytes());
        assertEquals(null, back.miner());
        assertTrue(back.matches(CFG, null, 2));
        assertFalse(back.matches(CFG, MinerSettings.DEFAULTS, 2));
        byte[] bad = m.toBytes();
        bad[1] = 7;
        assertEquals("log source state format 7 is not supported (this build reads 1 to 2)",
            assertThrows(IOException.class, () -> LogSourceModel.fromBytes(bad)).getMessage());
    }
}
