package org.flinkrtrl.core.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.record.LogPrediction;
import org.junit.jupiter.api.Test;

/**
 * Pins the bytes of log-source state (miner + {@code LogLearner}, codec kind 3): a fixed fresh model's bytes by
 * digest, and the stored states of {@code log-states-format2.bin.gz} (written by {@link LogStatesWriter}) by
 * digest, restore and continuation.
 */
class LogStateBytesTest {
    static final String STORED = "/codec/log-states-format2.bin.gz";

    static Map<String, byte[]> stored() throws IOException {
        Map<String, byte[]> states = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(
                LogStateBytesTest.class.getResourceAsStream(STORED)))) {
            while (true) {
                String name;
                try {
                    name = in.readUTF();
                } catch (EOFException end) {
                    break;
                }
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                states.put(name, b);
            }
        }
        return states;
    }

    static String sha256(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                d.update(p);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theStoredFormat2StatesAreTheOnesPinned() throws IOException {
        Map<String, byte[]> s = stored();
        assertEquals(Method.values().length, s.size());
        assertEquals(List.of("mined n=6 OK", "mined n=6 KF"), List.copyOf(s.keySet()).subList(0, 2));
        assertEquals("70643d2403f6151aaa874f92b05477c3866ff6797e6943fd2fbe85a19512b9f2", sha256(s.values().toArray(new byte[0][])));
    }

    @Test
    void aFreshModelHasItsPinnedBytes() {
        byte[] b = new LogSourceModel(new TemplateMiner(MinerSettings.DEFAULTS.withMaxTemplates(10)),
            new LogLearner(LogStatesWriter.config(Method.OK), 99L), 3).toBytes();
        assertEquals(8338, b.length);
        assertEquals("3dbb01d4d884be69d0261aa1e5ba8f43b2376eab06ae26538269c92912bcc427", sha256(b));
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b);
        assertEquals(LogSourceModel.FORMAT, bb.getShort(), "log source format");
        assertEquals(3, bb.getInt(), "top-k");
        assertEquals(1, bb.get(), "a miner follows");
    }

    /**
     * Each stored state restores, re-encodes to the same bytes, and continues bit for bit like a second restore of
     * those bytes; its predictions agree with a live model trained the same way to 1e-9 (the stored bytes, not the
     * floating-point order of this run's kernels, are what is pinned).
     */
    @Test
    void storedStatesRestoreReencodeAndContinue() throws IOException {
        List<String> next = TemplateMinerTest.syntheticLines(LogStatesWriter.EVENTS + 100, 4L)
            .subList(LogStatesWriter.EVENTS, LogStatesWriter.EVENTS + 100);
        for (Map.Entry<String, byte[]> e : stored().entrySet()) {
            Method m = Method.valueOf(e.getKey().substring("mined n=6 ".length()));
            LogSourceModel restored = LogSourceModel.fromBytes(e.getValue());
            assertArrayEquals(e.getValue(), restored.toBytes(), e.getKey() + " re-encodes to the same bytes");
            LogSourceModel again = LogSourceModel.fromBytes(restored.toBytes());
            LogSourceModel live = LogStatesWriter.trained(m);
            for (int i = 0; i < next.size(); i++) {
                long t = 1000L * (LogStatesWriter.EVENTS + i);
                LogPrediction a = again.observe(next.get(i), t);
                LogPrediction b = restored.observe(next.get(i), t);
                LogPrediction c = live.observe(next.get(i), t);
                assertEquals(a, b, e.getKey() + " event " + i);
                assertEquals(c.probability, b.probability, 1e-9, e.getKey() + " event " + i);
                assertEquals(c.typeId, b.typeId);
            }
            assertArrayEquals(again.toBytes(), restored.toBytes());
        }
    }
}
