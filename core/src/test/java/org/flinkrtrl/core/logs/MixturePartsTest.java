package org.flinkrtrl.core.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.flinkrtrl.core.anomaly.AnomalySettings;
import org.flinkrtrl.core.anomaly.Tails;
import org.flinkrtrl.core.optim.StateBytesIn;
import org.flinkrtrl.core.optim.StateBytesOut;
import org.junit.jupiter.api.Test;

/** The parts of a log source's prediction and score: context counts, the mixture, the gap model, the calibration. */
class MixturePartsTest {

    @Test
    void contextCountsAreInterpolatedWittenBell() {
        ContextCounts c = new ContextCounts();
        int[] seq = {0, 1, 2, 1, 2, 1};
        for (int w : seq) {
            c.observe(w);
            c.push(w);
        }
        // history (2, 1); 3 classes in use. Order 0: counts 0:1, 1:3, 2:2, total 6, distinct 3.
        double p0 = (3 + 3 * (1.0 / 3)) / (6 + 3);
        assertEquals(p0, c.probability(1, 3, 0), 1e-15);
        // order 1, context (1): followers 2, 2 (count 2, distinct 1): P(2 | 1) = (2 + 1 * P0(2)) / 3
        double p0two = (2 + 3 * (1.0 / 3)) / 9;
        assertEquals((2 + p0two) / 3, c.probability(2, 3, 1), 1e-15);
        // order 2, context (2, 1): followed by 2 once: P(2 | 2 1) = (1 + 1 * P1(2 | 1)) / 2
        assertEquals((1 + (2 + p0two) / 3) / 2, c.probability(2, 3, 2), 1e-15);
        // an unseen context passes the lower order through: after push(0), context (1, 0) and (0) are unseen... (0) was seen once
        double sum = 0;
        for (int w = 0; w < 3; w++) {
            sum += c.probability(w, 3, 2);
        }
        assertEquals(1.0, sum, 1e-12, "a distribution over the classes in use");
    }

    @Test
    void contextCountsStayBoundedAndRoundTrip() throws IOException {
        ContextCounts c = new ContextCounts();
        long state = 7;
        for (int i = 0; i < 20_000; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            int w = (int) ((state >>> 33) % 200);
            c.observe(w);
            c.push(w);
        }
        assertTrue(c.contexts() <= 3 * ContextCounts.CONTEXT_SLOTS / 4 && c.pairs() <= 3 * ContextCounts.PAIR_SLOTS / 4);
        assertTrue(c.dropped() > 0, "200 classes in random order overflow the tables");
        StateBytesOut out = new StateBytesOut(64);
        c.write(out);
        ContextCounts back = new ContextCounts();
        back.read(new StateBytesIn(out.toByteArray()));
        StateBytesOut again = new StateBytesOut(64);
        back.write(again);
        assertArrayEquals(out.toByteArray(), again.toByteArray());
        for (int w = 0; w < 200; w++) {
            assertEquals(c.probability(w, 200, 2), back.probability(w, 200, 2), 0.0);
        }
    }

    @Test
    void theMixtureMovesItsWeightToTheComponentThatPredictsBest() {
        NextTypeMixture m = new NextTypeMixture();
        // class 1 always follows; the "network" claims 1 - 1e-6 for it, so it must win the weight from the counts
        m.learn(1, 1);
        double first = m.score(1, 2, 1 - 1e-6);
        assertEquals((1 - 1e-6 + m.component(NextTypeMixture.CONTEXT) + m.component(NextTypeMixture.FREQUENCY)) / 3,
            first, 1e-15, "equal weights at first");
        for (int i = 0; i < 30; i++) {
            m.learn(1, 1);
            m.score(1, 2, 1 - 1e-6);
        }
        // the counts reach (n + 1/2) / (n + 1) for n repeats; discounted by 0.9 per event, the network's lead in
        // log-loss is sum_j 0.9^j ln((n_j + 1) / (n_j + 1/2) * (1 - 1e-6)) over the recent events
        assertTrue(m.weight(NextTypeMixture.NETWORK) > m.weight(NextTypeMixture.CONTEXT)
            && m.weight(NextTypeMixture.NETWORK) > m.weight(NextTypeMixture.FREQUENCY)
            && m.weight(NextTypeMixture.NETWORK) > 1.0 / 3, "network weight " + m.weight(NextTypeMixture.NETWORK));
        double sum = 0;
        for (int k = 0; k < NextTypeMixture.COMPONENTS; k++) {
            sum += m.weight(k);
        }
        assertEquals(1.0, sum, 1e-12);
        // a network that says 0.01 for what happens loses its weight again within a few events
        for (int i = 0; i < 10; i++) {
            m.learn(1, 1);
            m.score(1, 2, 0.01);
        }
        assertTrue(m.weight(NextTypeMixture.NETWORK) < 0.01, "network weight " + m.weight(NextTypeMixture.NETWORK));
    }

    @Test
    void theGapModelScoresBurstsSilencesAndBackwardSteps() {
        GapModel g = new GapModel();
        assertEquals(0.0, g.observe(0), 0.0);
        assertEquals(0.0, g.observe(60_000), 0.0, "the first gap only starts the statistics");
        assertEquals(0.0, g.observe(120_000), 0.0, "a gap like the first: mean ln 61, variance 0");
        // third gap: mean ln 61 and variance 0, spread floored at 0.5; a gap of 1 s is |ln 2 - ln 61| / 0.5 away
        double z = (Math.log(61) - Math.log(2)) / 0.5;
        assertEquals(-Tails.logTwoSided(z), g.observe(121_000), 1e-12);
        GapModel back = new GapModel();
        back.observe(0);
        back.observe(60_000);
        back.observe(120_000);
        double backward = back.observe(60_000);
        assertTrue(backward > -Tails.logTwoSided(z), "a step back of a minute is more surprising than a burst");
    }

    @Test
    void theCalibrationIsTheEmpiricalTailOfTheSourcesOwnSurprise() {
        AnomalySettings s = AnomalySettings.DEFAULTS;
        SurpriseCalibration c = new SurpriseCalibration(s);
        assertEquals(0.0, c.score(1.0), 0.0, "nothing to compare with yet");
        for (int i = 1; i < 50; i++) {
            c.score(1.0);
        }
        // 50 events of 1 nat (bin 4 of 0.25 nats), decayed by 1 - 1/2000 per event; a 10-nat event is beyond every
        // value seen: p_S = 1 / (total + 1) * exp(-(10 - 5 * 0.25)); its short mean (9 * 1 + 10) / 10 = 1.9 is too
        double total = 0;
        for (int i = 0; i < 50; i++) {
            total = total * (1 - 1.0 / s.longWindow()) + 1;
        }
        double lnS = Math.log(1 / (total + 1)) - (10 - 1.25);
        double lnL = Math.log(1 / (total + 1)) - (1.9 - 1.25);
        double expected = Tails.score(Math.min(lnS, lnL) + Math.log(2), s.halfDigits());
        assertEquals(expected, c.score(10.0), 1e-12);
        assertEquals(Tails.score(lnS, s.halfDigits()), c.surpriseScore(), 1e-12);
        assertEquals(Tails.score(lnL, s.halfDigits()), c.likelihoodScore(), 1e-12);
        SurpriseCalibration routine = new SurpriseCalibration(s);
        for (int i = 0; i < 50; i++) {
            routine.score(i % 2 == 0 ? 1.0 : 10.0);
        }
        assertTrue(routine.score(10.0) < expected / 2, "where 10 nats is routine it scores low");
    }
}
