package org.flinkrtrl.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The log baselines against probabilities worked out by hand. */
class LogBaselinesTest {

    @Test
    void wittenBellInterpolatesTheOrdersAsWorkedOutByHand() {
        WittenBellNgram m = new WittenBellNgram(2);
        assertEquals(1.0 / 3, m.probability(1, 3), 1e-15);
        m.observe(1);
        m.push(1);
        assertEquals(2.0 / 3, m.probability(1, 3), 1e-15); // (1 + 1/3) / 2
        assertEquals(1.0 / 6, m.probability(2, 3), 1e-15);
        m.observe(2);
        m.push(2);
        assertEquals(5.0 / 12, m.probability(2, 3), 1e-15); // context [2] unseen: the unigram's (1 + 2/3) / 4
        m.observe(1);
        m.push(1);
        // history (2, 1): unigram (c(2) + 2/3) / 5 = 1/3, then context [1] (seen once, followed by 2): (1 + 1/3) / 2
        assertEquals(2.0 / 3, m.probability(2, 3), 1e-15);
        assertEquals(4.0 / 15, m.probability(1, 3), 1e-15);
        assertEquals(1.0 / 15, m.probability(0, 3), 1e-15);
        assertEquals(2, m.argmax(3));
    }

    /** On a seeded random stream with a growing set of classes: a distribution, and argmax is its most probable class. */
    @Test
    void probabilitiesSumToOneAndArgmaxIsTheirMaximum() {
        java.util.Random r = new java.util.Random(7);
        WittenBellNgram[] models = {new WittenBellNgram(2), new WittenBellNgram(1), new WittenBellNgram(0)};
        FrequencyModel f = new FrequencyModel();
        int classes = 1;
        for (int step = 0; step < 400; step++) {
            for (WittenBellNgram m : models) {
                double sum = 0;
                int best = 0;
                for (int w = 0; w < classes; w++) {
                    double p = m.probability(w, classes);
                    sum += p;
                    best = p > m.probability(best, classes) ? w : best;
                }
                assertEquals(1.0, sum, 1e-12);
                assertEquals(best, m.argmax(classes), "step " + step);
            }
            int bestF = 0;
            for (int w = 0; w < classes; w++) {
                bestF = f.probability(w, classes) > f.probability(bestF, classes) ? w : bestF;
            }
            assertEquals(bestF, f.argmax(classes));
            // a skewed stream: low classes often, a new class now and then (up to 12)
            int w = r.nextInt(10) == 0 && classes < 12 ? classes++ : Math.min(classes - 1, (int) Math.abs(r.nextGaussian() * 2));
            for (WittenBellNgram m : models) {
                m.observe(w);
                m.push(w);
            }
            f.observe(w);
        }
        assertEquals(12, classes);
    }

    @Test
    void orderZeroIgnoresTheHistory() {
        WittenBellNgram m = new WittenBellNgram(0);
        m.observe(0);
        m.push(0);
        m.observe(0);
        m.push(1);
        // (2 + 1 * 1/2) / (2 + 1)
        assertEquals(2.5 / 3, m.probability(0, 2), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new WittenBellNgram(3));
    }

    @Test
    void frequencyModelIsAddOneSmoothed() {
        FrequencyModel f = new FrequencyModel();
        assertEquals(0.25, f.probability(3, 4), 0.0);
        f.observe(1);
        f.observe(1);
        f.observe(2);
        assertEquals(3.0 / 6, f.probability(1, 3), 1e-15);
        assertEquals(1.0 / 6, f.probability(0, 3), 1e-15);
        assertEquals(1, f.argmax(3));
    }
}
