package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSettings;
import org.junit.jupiter.api.Test;

/** The heap guard stops a run only when collections in a row leave the heap full; the capacity line's arithmetic. */
class HeapGuardTest {
    @Test
    void threeFullCollectionsInARowStopTheRun() {
        HeapGuard g = new HeapGuard(1000, new PrintStream(new ByteArrayOutputStream()));
        assertFalse(g.afterCollection(960));
        assertFalse(g.afterCollection(970));
        assertFalse(g.afterCollection(900)); // a collection that freed memory resets the count
        assertFalse(g.afterCollection(951));
        assertFalse(g.afterCollection(999));
        assertTrue(g.afterCollection(951));
        assertTrue(g.message(951_000_000).startsWith("error: out of heap: 3 collections in a row left 951 of 0 MB"));
        assertTrue(g.message(1).contains("--state-backend rocksdb"));
    }

    @Test
    void capacityFollowsTheSerialisedState() {
        ModelConfig ok = ModelConfig.builder().set(ModelSettings.INPUTS, 1).build();
        // r-OK, tanh, n = 16, with the forecaster's linear path and anomaly detector (no lag ring before a key's
        // cadence is known): 22,488 serialised bytes -> 22,488 + 2,248 + 2,048; 0.7 x 6e9 / 26,784 = 156,810.0.
        assertEquals(26_784, HeapGuard.bytesPerKey(ok));
        assertEquals("heap: 6.0 GB (set with java -Xmx...), about 26.8 KB per key for this model: room for about "
            + "156,810 keys", HeapGuard.capacity(ok, 6_000_000_000L));
        ModelConfig rtrl = ModelConfig.builder().set(ModelSettings.INPUTS, 1).set(ModelSettings.METHOD, Method.RTRL).build();
        assertEquals(52_572 + 5_257 + 2048, HeapGuard.bytesPerKey(rtrl));
        ModelConfig kf = ModelConfig.builder().set(ModelSettings.INPUTS, 1).set(ModelSettings.METHOD, Method.KF).build();
        assertEquals(2 * 15_868 + 2048, HeapGuard.bytesPerKey(kf));
    }
}
