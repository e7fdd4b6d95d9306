package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.logs.LogKeySize;
import org.flinkrtrl.core.logs.MinerSettings;
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

    @Test
    void aLogSourceCostsItsStateAtAFullVocabulary() {
        ModelConfig base = ModelConfig.builder().set(ModelSettings.INPUTS, 1).build();
        ModelConfig log = LogLearner.config(base, 63);
        long mined = LogKeySize.stateBytes(log, MinerSettings.DEFAULTS, 3);
        long types = LogKeySize.stateBytes(log, null, 3);
        // r-OK: the state at capacity times the heap ratio measured with JOL (1.7 mining, 1.4 pre-parsed)
        assertEquals((long) Math.ceil(1.7 * mined), HeapGuard.bytesPerLogKey(log, MinerSettings.DEFAULTS, 3));
        assertEquals((long) Math.ceil(1.4 * types), HeapGuard.bytesPerLogKey(log, null, 3));
        // KF adds its work buffers, up to the network's state again
        ModelConfig kf = LogLearner.config(base.toBuilder().set(ModelSettings.METHOD, Method.KF).build(), 63);
        assertEquals((long) Math.ceil(1.7 * LogKeySize.stateBytes(kf, MinerSettings.DEFAULTS, 3))
            + LearnerCodec.toBytes(new LogLearner(kf, 0L)).length, HeapGuard.bytesPerLogKey(kf, MinerSettings.DEFAULTS, 3));
        // the network over 65 inputs and 64 classes dominates: its serialised form alone is most of the state
        long network = LearnerCodec.toBytes(new LogLearner(log, 0L)).length;
        assertTrue(network > 0.8 * mined && network < mined, network + " of " + mined);
        long perKey = HeapGuard.bytesPerLogKey(log, MinerSettings.DEFAULTS, 3);
        assertEquals(String.format(java.util.Locale.ROOT, "heap: 6.0 GB (set with java -Xmx...), about %.1f KB per log "
                + "source at a full vocabulary of 63 types; each template mined beyond them adds about 0.9 KB, up to "
                + "937 more: room for about %,d sources", perKey / 1e3, (long) (0.7 * 6e9 / perKey)),
            HeapGuard.logCapacity(log, MinerSettings.DEFAULTS, 3, null, 6_000_000_000L));
        ModelConfig rate = ModelConfig.builder().set(ModelSettings.INPUTS, 2).build();
        assertTrue(HeapGuard.logCapacity(log, null, 3, rate, 6_000_000_000L).endsWith(String.format(java.util.Locale.ROOT,
            "about %.1f KB per log source at a full vocabulary of 63 types with the rate view's forecaster: room for "
                + "about %,d sources", (HeapGuard.bytesPerLogKey(log, null, 3) + HeapGuard.bytesPerKey(rate)) / 1e3,
            (long) (0.7 * 6e9 / (HeapGuard.bytesPerLogKey(log, null, 3) + HeapGuard.bytesPerKey(rate))))));
        assertTrue(new HeapGuard(1000, System.err).message(1).contains("--vocabulary and --max-templates"));
    }
}
