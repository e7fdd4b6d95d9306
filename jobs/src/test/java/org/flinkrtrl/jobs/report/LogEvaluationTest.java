package org.flinkrtrl.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flinkrtrl.record.LogPrediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log report's baselines on a six-event source worked out by hand: types A B A B A C with a vocabulary of two
 * types, so A = class 1, B = class 2 and C (past the capacity) the unseen class 0, like each first sight. Targets
 * 0 0 1 2 1 0 (the first not scored), inputs 1 2 1 2 1 0.
 */
class LogEvaluationTest {
    private static final double LN2 = Math.log(2.0);

    /** The source's outputs: A's template generalises at its second event; C overflows the vocabulary. */
    static LogEvaluation fixture() {
        LogEvaluation e = new LogEvaluation(2);
        String[][] events = { // typeId, template, unseen, the mixture's top type for the next event
            {"0", "login alice", "true", "login alice"},
            {"1", "logout", "true", "login alice"},
            {"0", "login <*>", "false", "logout"},
            {"1", "logout", "false", "login <*>"},
            {"0", "login <*>", "false", "<unseen>"},
            {"2", "boom", "true", "login <*>"}};
        for (int i = 0; i < events.length; i++) {
            LogPrediction p = new LogPrediction();
            p.key = "s";
            p.timestamp = 1000L * i;
            p.typeId = events[i][0];
            p.template = events[i][1];
            p.unseen = Boolean.parseBoolean(events[i][2]);
            p.topTypes = new String[] {events[i][3]};
            p.topProbabilities = new double[] {0.5};
            p.surprise = i == 0 ? Double.NaN : i;
            p.networkSurprise = i == 0 ? Double.NaN : 2.0 * i;
            p.contextSurprise = i == 0 ? Double.NaN : 3.0 * i;
            p.frequencySurprise = i == 0 ? Double.NaN : 4.0 * i;
            p.anomalyScore = 0.1 * i;
            p.label = i == 0 ? null : i % 2 == 0 ? "true" : "false";
            e.add(p);
        }
        return e;
    }

    private static double bits(double... probabilities) {
        double b = 0;
        for (double p : probabilities) {
            b -= Math.log(p) / LN2;
        }
        return b / probabilities.length;
    }

    @Test
    void baselinesScoreTheRebuiltTargetsAsWorkedOutByHand() {
        LogEvaluation e = fixture();
        LogEvaluation.Source s = e.sources().get(0);
        assertEquals(6, s.events);
        assertEquals(5, s.scored);
        assertEquals(3, s.unseen);
        assertEquals(2, s.types(), "C is past the capacity");
        // Witten-Bell order 2, P(target | history) at events 2..6:
        //  e2: only the empty context (one 0 seen, one follower type): (1 + 1 * 1/2) / 2 = 3/4
        //  e3: (0 + 1 * 1/3) / 3 = 1/9 (context [2] unseen)
        //  e4: empty (0 + 2 * 1/3) / 5 = 2/15; [1] -> (0 + 1 * 2/15) / 2 = 1/15; [1,2] unseen
        //  e5: empty (1 + 3 * 1/3) / 7 = 2/7; [2] -> (1 + 1 * 2/7) / 2 = 9/14; [2,1] -> (1 + 9/14) / 2 = 23/28
        //  e6: empty (2 + 3 * 1/3) / 8 = 3/8; [1] -> (1 + 2 * 3/8) / 4 = 7/16; [1,2] -> (0 + 7/16) / 2 = 7/32
        assertEquals(bits(3.0 / 4, 1.0 / 9, 1.0 / 15, 23.0 / 28, 7.0 / 32), s.bitsPerEvent(4), 1e-12, "order 2");
        assertEquals(bits(3.0 / 4, 1.0 / 9, 1.0 / 15, 9.0 / 14, 7.0 / 16), s.bitsPerEvent(5), 1e-12, "order 1");
        assertEquals(bits(3.0 / 4, 1.0 / 9, 2.0 / 15, 2.0 / 7, 3.0 / 8), s.bitsPerEvent(6), 1e-12, "order 0");
        // add-one frequency (c(w) + 1) / (N + classes): 2/3, 1/5, 1/6, 2/7, 3/8
        assertEquals(bits(2.0 / 3, 1.0 / 5, 1.0 / 6, 2.0 / 7, 3.0 / 8), s.bitsPerEvent(7), 1e-12, "frequency");
        // the mixture and its components: the outputs' surprise, averaged
        assertEquals(3.0, s.bitsPerEvent(0), 1e-15);
        assertEquals(6.0, s.bitsPerEvent(1), 1e-15);
        assertEquals(9.0, s.bitsPerEvent(2), 1e-15);
        assertEquals(12.0, s.bitsPerEvent(3), 1e-15);
        assertEquals(bits(3.0 / 4, 1.0 / 9, 1.0 / 15, 23.0 / 28, 7.0 / 32), e.pooledBits(4, 6), 1e-12);
        assertTrue(Double.isNaN(e.pooledBits(4, 7)), "no source has 7 events");
    }

    @Test
    void topOneAccuracyOfTheMixtureAndTheBaselines() {
        LogEvaluation e = fixture();
        LogEvaluation.Source s = e.sources().get(0);
        // mixture: e2 miss (a new type came), e3 hit (A as its text read when predicted, before it generalised),
        // e4 hit, e5 hit, e6 hit (the overflow type is the unseen class)
        assertEquals(4.0 / 5, s.top1(0), 1e-15);
        // most probable next class after e1..e5:
        //  order 2: 0, 0, 0, 1 (23/28), 2 (22/32)     -> hits at e2, e5
        //  order 1: 0, 0, 0, 1 (9/14), 0 (7/16 > 6/16) -> hits at e2, e5, e6
        //  order 0: 0, 0, 0, 0 (3/7), 0 (tie 3/8: the lower class) -> hits at e2, e6
        //  frequency: 0, 0, 0, 0, 0 (tie 2/2)          -> hits at e2, e6
        assertEquals(2.0 / 5, s.top1(4), 1e-15);
        assertEquals(3.0 / 5, s.top1(5), 1e-15);
        assertEquals(2.0 / 5, s.top1(6), 1e-15);
        assertEquals(2.0 / 5, s.top1(7), 1e-15);
        assertEquals(3.0 / 5, e.pooledTop1(5, 1), 1e-15);
        for (int m = 1; m < LogEvaluation.BASELINES; m++) {
            assertTrue(Double.isNaN(s.top1(m)), "a component's top-1 is not in the outputs");
        }
        assertEquals(1, e.sourcesBelow(4, 0, 1), "order 2 (1.99 bits) is below the mixture here (3 bits)");
        assertEquals(0, e.sourcesBelow(0, 4, 1));
        assertEquals(1, e.sourcesBelow(0, 1, 1));
    }

    @Test
    void theReportCarriesEveryModelsFigures(@TempDir Path dir) throws Exception {
        LogEvaluation e = fixture();
        Path html = dir.resolve("report.html");
        LogReport.write(html, new RunInfo("fixture", "key=key", "model", "", new String[0], 1.0, Double.NaN, 0), e);
        JsonNode r = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        JsonNode src = r.path("sources").get(0);
        assertEquals("s", src.path("key").asText());
        assertEquals(2, src.path("types").asInt());
        assertEquals(3, src.path("unseenEvents").asInt());
        assertEquals(bits(3.0 / 4, 1.0 / 9, 1.0 / 15, 23.0 / 28, 7.0 / 32), src.path("bitsPerEvent").path("ngram2")
            .asDouble(), 1e-12);
        assertEquals(12.0, src.path("bitsPerEvent").path("context0").asDouble(), 1e-12);
        assertEquals(0.8, src.path("top1").path("mixture").asDouble(), 1e-15);
        assertEquals(0.6, src.path("top1").path("ngram1").asDouble(), 1e-15);
        assertTrue(src.path("top1").path("network").isMissingNode());
        assertEquals(0, r.path("pooled").path("sources").asInt(), "no source reaches " + LogReport.MIN_EVENTS);
        assertTrue(r.path("pooled").path("bitsPerEvent").path("ngram2").isNull());
        assertEquals(2, r.path("attack").path("positive").asInt());
        String page = Files.readString(html);
        assertTrue(page.contains("baseline: Witten-Bell n-gram order 2") && page.contains("baseline: add-one frequency"));
    }
}
