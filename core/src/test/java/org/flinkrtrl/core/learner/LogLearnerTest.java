package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The per-source log model: scoring order, vocabulary bounds, time input, top-k and bit-identical restore. */
class LogLearnerTest {
    static final ModelConfig BASE = ModelConfig.builder().set(HIDDEN, 8).set(LEARNING_RATE, 0.01).set(SEED, 5L).build();

    @Test
    void learnsAPeriodicHandshakeFarBelowTheUniformRate() {
        LogLearner l = new LogLearner(LogLearner.config(BASE, 8));
        String[] cycle = {"connect", "auth", "query", "query", "close"};
        LogStep s = new LogStep(3);
        double lateBits = 0;
        for (int i = 0; i < 3000; i++) {
            l.observe(cycle[i % cycle.length], 1000L * i, s);
            if (i >= 2800) {
                lateBits += s.surpriseBits;
            }
        }
        // the sequence is deterministic except query -> query|close, which the hidden state resolves;
        // uniform over the 9 classes would be log2 9 = 3.17 bits
        assertTrue(lateBits / 200 < 0.3, "late mean surprise " + lateBits / 200 + " bits");
        assertEquals(4, l.newTypes());
        assertEquals(4, l.vocabulary().size());
        assertEquals(0, l.overflowEvents());
        assertEquals(2999, l.scoredEvents());
        // the prediction after "close" is "connect"
        assertEquals(l.vocabulary().classOf("connect"), s.topClasses[0]);
        assertTrue(s.topProbabilities[0] > 0.9, "p(connect | close) = " + s.topProbabilities[0]);
    }

    @Test
    void firstSightsAreScoredAsTheUnseenClassAndOverflowsAreCounted() {
        LogLearner l = new LogLearner(LogLearner.config(BASE, 2));
        LogStep s = new LogStep(2);
        l.observe("a", 0, s);
        assertTrue(s.unseen);
        assertFalse(s.scored());
        assertEquals(1, s.inputClass);
        double pUnseen = l.probability(TypeVocabulary.UNSEEN);
        double[] raw = l.network().output();
        assertEquals(raw[0] / (raw[0] + raw[1]), pUnseen, 1e-15, "renormalised over the unseen class and a");
        assertEquals(0.0, l.probability(2), 0.0);
        l.observe("b", 10, s);
        assertTrue(s.unseen);
        assertFalse(s.overflow);
        assertEquals(TypeVocabulary.UNSEEN, s.scoredClass);
        assertEquals(pUnseen, s.probability, 0.0);
        assertEquals(-Math.log(pUnseen) / Math.log(2), s.surpriseBits, 1e-12);
        assertEquals(2, s.inputClass);
        double pA = l.probability(1);
        l.observe("a", 20, s);
        assertFalse(s.unseen);
        assertEquals(1, s.scoredClass);
        assertEquals(pA, s.probability, 0.0);
        l.observe("c", 30, s);
        assertTrue(s.unseen);
        assertTrue(s.overflow);
        assertEquals(TypeVocabulary.UNSEEN, s.inputClass);
        l.observe("c", 40, s);
        assertTrue(s.overflow, "a type that overflowed stays outside the full vocabulary");
        assertEquals(2, l.newTypes());
        assertEquals(2, l.overflowEvents());
        assertEquals(5, l.events());
        assertEquals(4, l.scoredEvents());
        assertEquals("<unseen>", l.vocabulary().label(0));
        assertEquals("b", l.vocabulary().label(2));
    }

    @Test
    void theTimeInputIsTheLogOfTheGapAndABackwardStepCountsAsNoGap() {
        double[] a = run(new long[] {0, 1000, 1000});
        double[] b = run(new long[] {0, 1000, 500});
        double[] c = run(new long[] {0, 1000, 4000});
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    private static double[] run(long[] times) {
        LogLearner l = new LogLearner(LogLearner.config(BASE, 4));
        LogStep s = new LogStep(1);
        for (long t : times) {
            l.observe("x", t, s);
        }
        return l.network().output().clone();
    }

    @Test
    void topKListsTheMostProbableClassesInOrder() {
        LogLearner l = new LogLearner(LogLearner.config(BASE.with(READOUT_INIT_STD, 1.0), 6));
        LogStep s = new LogStep(4);
        for (String t : new String[] {"a", "b", "c", "d", "e"}) {
            l.observe(t, 0, s);
        }
        double[] raw = l.network().output();
        double mass = 0;
        for (int c = 0; c < 6; c++) { // the unseen class and five types; class 6 is not in use
            mass += raw[c];
        }
        double[] p = new double[6];
        Integer[] order = new Integer[6];
        for (int i = 0; i < 6; i++) {
            p[i] = raw[i] / mass;
            order[i] = i;
            assertEquals(p[i], l.probability(i), 1e-15);
        }
        Arrays.sort(order, (i, j) -> Double.compare(p[j], p[i]));
        assertEquals(4, s.topCount);
        for (int j = 0; j < 4; j++) {
            assertEquals(order[j], s.topClasses[j]);
            assertEquals(p[order[j]], s.topProbabilities[j], 1e-15);
        }
        assertTrue(s.topProbabilities[0] > s.topProbabilities[3], "distinct probabilities with a large readout init");
    }

    @Test
    void badTypesAreRefusedWithoutTouchingTheModel() throws IOException {
        LogLearner l = new LogLearner(LogLearner.config(BASE, 4));
        LogStep s = new LogStep(1);
        l.observe("a", 0, s);
        byte[] before = LearnerCodec.toBytes(l);
        assertEquals("event type is empty", assertThrows(IllegalArgumentException.class, () -> l.observe("", 1, s)).getMessage());
        assertEquals("event type has 1025 characters, more than 1024",
            assertThrows(IllegalArgumentException.class, () -> l.observe("x".repeat(1025), 1, s)).getMessage());
        assertArrayEquals(before, LearnerCodec.toBytes(l));
        assertThrows(IllegalArgumentException.class, () -> new LogLearner(BASE));
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void aRestoredModelContinuesBitForBit(Method method) throws IOException {
        ModelConfig cfg = LogLearner.config(BASE.with(METHOD, method).with(TRUNCATION, 5), 5);
        LogLearner straight = new LogLearner(cfg, 77L);
        LogLearner restored = new LogLearner(cfg, 77L);
        LogStep a = new LogStep(3);
        LogStep b = new LogStep(3);
        Rng rng = new Rng(9);
        String[] types = {"t0", "t1", "t2", "t3", "t4", "t5", "t6"};
        long t = 0;
        for (int i = 0; i < 400; i++) {
            String type = types[(int) (Math.min(6, -Math.log(1 - rng.nextDouble()) * 2))];
            t += (long) (rng.nextDouble() * 5000);
            if (i % 97 == 13) {
                restored = LearnerCodec.logFromBytes(LearnerCodec.toBytes(restored));
            }
            straight.observe(type, t, a);
            restored.observe(type, t, b);
            assertEquals(Double.doubleToRawLongBits(a.probability), Double.doubleToRawLongBits(b.probability), "event " + i);
            assertArrayEquals(a.topProbabilities, b.topProbabilities);
            assertArrayEquals(a.topClasses, b.topClasses);
        }
        assertArrayEquals(LearnerCodec.toBytes(straight), LearnerCodec.toBytes(restored));
        assertEquals(straight.totalBits(), restored.totalBits(), 0.0);
        assertEquals(5, restored.vocabulary().size());
        assertTrue(restored.overflowEvents() > 0, "seven types through a vocabulary of five overflow");
        assertEquals(straight.overflowEvents(), restored.overflowEvents());
    }

    @Test
    void aLogStateIsNotReadAsAnotherKind() {
        byte[] bytes = LearnerCodec.toBytes(new LogLearner(LogLearner.config(BASE, 3)));
        assertEquals("learner state holds kind 3, expected 1",
            assertThrows(IOException.class, () -> LearnerCodec.onlineFromBytes(bytes)).getMessage());
        assertNotEquals(0, bytes.length);
    }
}
