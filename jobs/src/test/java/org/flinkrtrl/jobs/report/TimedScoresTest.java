package org.flinkrtrl.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bounded (time, score) store keeps entries in order up to its capacity and counts the rest. */
class TimedScoresTest {
    @Test
    void keepsEntriesInOrderUpToTheCapacity() {
        TimedScores s = new TimedScores(20);
        for (int i = 0; i < 25; i++) {
            assertEquals(i < 20, s.add(Long.MIN_VALUE + i, i * 0.5));
        }
        assertEquals(20, s.size());
        assertEquals(5, s.dropped());
        for (int i = 0; i < 20; i++) {
            assertEquals(Long.MIN_VALUE + i, s.timestamp(i));
            assertEquals(i * 0.5, s.score(i), 0.0);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> s.score(20));
    }

    @Test
    void zeroCapacityStoresNothing() {
        TimedScores s = new TimedScores(0);
        assertFalse(s.add(1, 1));
        assertEquals(0, s.size());
        assertEquals(1, s.dropped());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TimedScores(-1)).getMessage().contains("-1"));
    }
}
