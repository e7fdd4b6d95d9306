package org.flinkrtrl.core.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.StoredStates;
import org.flinkrtrl.core.optim.StateBytesIn;
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
        return StoredStates.read(STORED);
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
    void theStoredStatesAreTheOnesPinned() throws IOException {
        Map<String, byte[]> s = stored();
        assertEquals(Method.values().length, s.size());
        assertEquals(List.of("mined n=6 OK", "mined n=6 KF"), List.copyOf(s.keySet()).subList(0, 2));
        assertEquals("70643d2403f6151aaa874f92b05477c3866ff6797e6943fd2fbe85a19512b9f2", sha256(s.values().toArray(new byte[0][])));
    }

    @Test
    void aFreshModelHasItsPinnedBytes() {
        byte[] b = new LogSourceModel(new TemplateMiner(MinerSettings.DEFAULTS.withMaxTemplates(10)),
            new LogLearner(LogStatesWriter.config(Method.OK), 99L), 3).toBytes();
        assertEquals(12694 + 12, b.length, "12 bytes of codec format 3's update period over format 2's 12,694");
        // the pinned bytes are those of codec format 3; format 4 (the forecaster's anomaly block) leaves a log
        // learner's fields as they are and changes only its version number
        int at = 0;
        while (ByteBuffer.wrap(b, at, 4).getInt() != org.flinkrtrl.core.learner.LearnerCodec.MAGIC) {
            at++; // the embedded learner starts with the codec's magic
        }
        assertEquals(org.flinkrtrl.core.learner.LearnerCodec.VERSION, ByteBuffer.wrap(b, at + 4, 2).getShort());
        byte[] asFormat3 = b.clone();
        asFormat3[at + 4] = 0;
        asFormat3[at + 5] = 3;
        assertEquals("5253b2bdb9aa6ffe678f46271a5fb78211f03cf660278b4da4e9017cba1b8d24", sha256(asFormat3));
        ByteBuffer bb = ByteBuffer.wrap(b);
        assertEquals(LogSourceModel.FORMAT, bb.getShort(), "log source format");
        assertEquals(3, bb.getInt(), "top-k");
        assertEquals(1, bb.get(), "a miner follows");
    }

    /**
     * Each stored format-1 state migrates: miner and network carry over (the re-encoded bytes are the stored ones
     * with format 2 and a fresh mixture, gap and calibration block appended), a second restore of the migrated
     * bytes continues bit for bit and gives the same types as a live model trained the same way (the stored
     * networks were trained with the unmasked softmax loss, so their probabilities are not compared).
     */
    @Test
    void storedFormat1StatesMigrateAndContinue() throws IOException {
        List<String> next = TemplateMinerTest.syntheticLines(LogStatesWriter.EVENTS + 100, 4L)
            .subList(LogStatesWriter.EVENTS, LogStatesWriter.EVENTS + 100);
        byte[] freshBlock = freshBlock();
        for (Map.Entry<String, byte[]> e : stored().entrySet()) {
            Method m = Method.valueOf(e.getKey().substring("mined n=6 ".length()));
            byte[] old = e.getValue();
            assertEquals(1, ByteBuffer.wrap(old).getShort(), "stored in log source format 1");
            LogSourceModel restored = LogSourceModel.fromBytes(old);
            byte[] migrated = restored.toBytes();
            assertEquals(LogSourceModel.FORMAT, ByteBuffer.wrap(migrated).getShort());
            int learnerAt = learnerOffset(old);
            byte[] oldLearner = Arrays.copyOfRange(old, learnerAt, old.length);
            // formats 4 and 5: a log learner's fields as in format 3; format 6: lru's readout width in the config
            byte[] learner3 = StoredStates.format6FromFormat5(StoredStates.format3FromFormat2(oldLearner));
            assertEquals(6, org.flinkrtrl.core.learner.LearnerCodec.VERSION);
            assertArrayEquals(Arrays.copyOfRange(old, 2, learnerAt - 4),
                Arrays.copyOfRange(migrated, 2, learnerAt - 4), e.getKey() + ": top-k and miner bytes carried over");
            assertEquals(learner3.length, ByteBuffer.wrap(migrated, learnerAt - 4, 4).getInt(), e.getKey());
            assertArrayEquals(learner3, Arrays.copyOfRange(migrated, learnerAt, learnerAt + learner3.length),
                e.getKey() + ": the learner carried over, in the current codec format");
            assertArrayEquals(freshBlock, Arrays.copyOfRange(migrated, learnerAt + learner3.length, migrated.length),
                e.getKey() + ": a fresh mixture block");
            LogSourceModel again = LogSourceModel.fromBytes(migrated);
            LogSourceModel live = LogStatesWriter.trained(m);
            for (int i = 0; i < next.size(); i++) {
                long t = 1000L * (LogStatesWriter.EVENTS + i);
                LogPrediction a = again.observe(next.get(i), t);
                LogPrediction b = restored.observe(next.get(i), t);
                LogPrediction c = live.observe(next.get(i), t);
                assertEquals(a, b, e.getKey() + " event " + i);
                assertEquals(c.typeId, b.typeId);
                assertEquals(c.template, b.template);
            }
            assertArrayEquals(again.toBytes(), restored.toBytes());
        }
    }

    /**
     * Where the learner's codec bytes start in a log-source state of format 1 (which ends with them): after the
     * format, top-k, miner flag, the miner's own form and the learner's length.
     */
    private static int learnerOffset(byte[] state) throws IOException {
        StateBytesIn in = new StateBytesIn(state);
        in.readShort();
        in.readInt();
        if (in.readBoolean()) {
            TemplateMiner.readFrom(in);
        }
        int len = in.readInt();
        assertEquals(in.remaining(), len, "a format-1 state ends with its learner");
        return state.length - len;
    }

    /** The block a new source writes after its learner: its bytes past the miner and learner of an empty model. */
    private static byte[] freshBlock() {
        LogSourceModel m = new LogSourceModel(null, new LogLearner(LogStatesWriter.config(Method.OK), 1L), 3);
        byte[] all = m.toBytes();
        int learner = LearnerCodec.toBytes(m.learner()).length;
        return Arrays.copyOfRange(all, 2 + 4 + 1 + 4 + learner, all.length);
    }
}
