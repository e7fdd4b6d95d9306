package org.flinkrtrl.connectors;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.record.Event;
import org.junit.jupiter.api.Test;

/** A replay is paced by rate or by event time, never faster than asked, and passes events through unchanged. */
class ReplayThrottleTest {
    private static long elapsedMillis(ReplayThrottle t, int n, long tsStep) throws Exception {
        t.open(null);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Event e = new Event("k", 1_000_000L + i * tsStep, new double[] {i}, null, null);
            assertSame(e, t.map(e));
        }
        return (System.nanoTime() - t0) / 1_000_000L;
    }

    @Test
    void fixedRate() throws Exception {
        long ms = elapsedMillis(ReplayThrottle.rate(200), 41, 0); // 40 intervals at 5 ms
        assertTrue(ms >= 190, "too fast: " + ms + " ms");
    }

    @Test
    void eventTimeSpeedup() throws Exception {
        long ms = elapsedMillis(ReplayThrottle.speedup(100), 21, 1000); // 20 s of event time / 100
        assertTrue(ms >= 190, "too fast: " + ms + " ms");
    }

    @Test
    void rejectsNonPositiveSettings() {
        assertThrows(IllegalArgumentException.class, () -> ReplayThrottle.rate(0));
        assertThrows(IllegalArgumentException.class, () -> ReplayThrottle.speedup(-1));
    }
}
