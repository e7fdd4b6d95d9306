package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the codec's bytes on the byte-array path ({@code StateBytesOut}/{@code StateBytesIn}, bulk double
 * copies, no {@code initialise()} on decode): for every method x cell after training,
 * <ul>
 *   <li>{@link LearnerCodec#toBytes} equals the stream reference (the codec written through a plain
 *       {@code DataOutputStream}, one call per value, which is how every earlier build encoded);</li>
 *   <li>bytes written by the stream reference, decoded by the byte-array path and by the stream decode path (a fully
 *       initialised learner filled through {@code DataInputStream}) continue bit-identically with the live
 *       learner;</li>
 *   <li>format-2 states stored by an earlier build's codec, and the format-3 form of the same states, restore by
 *       migration (the update period 1, the anomaly detector and its path fresh) and continue;</li>
 *   <li>format-1 states stored by the stream-only codec of main at 3c6ff34 restore by migration and
 *       continue.</li>
 * </ul>
 */
class CodecBytesTest {

    /** Every method x cell at n=6 (r=3), and OK at n=16 (r=4) for both cells. */
    static Stream<Arguments> models() {
        List<Arguments> a = new ArrayList<>();
        for (Method m : Method.values()) {
            for (ModelConfig.CellType c : ModelConfig.CellType.values()) {
                a.add(Arguments.of(6, m, c));
            }
        }
        a.add(Arguments.of(16, Method.OK, ModelConfig.CellType.TANH));
        a.add(Arguments.of(16, Method.OK, ModelConfig.CellType.GATED));
        return a.stream();
    }

    /** Learners encoded by main at 3c6ff34 through DataOutputStream (see src/test/resources/codec/README.md). */
    static final String OLD_STATES = "/codec/learners-3c6ff34.bin.gz";

    static Map<String, byte[]> oldStates() throws IOException {
        return states(OLD_STATES);
    }

    static Map<String, byte[]> states(String resource) throws IOException {
        return StoredStates.read(resource);
    }

    private static ModelConfig config(int n, Method m, ModelConfig.CellType c) {
        return ModelConfig.builder().set(CELL, c).set(HIDDEN, n).set(INPUTS, 2).set(METHOD, m).set(RANK, n == 6 ? 3 : 4).set(TRUNCATION, 5).set(SEED, 11L)
            .build();
    }

    private static double[] input(Rng rng) {
        return new double[] {rng.nextGaussian(), 10 + rng.nextGaussian()};
    }

    /** The stream encoding (as main at 3c6ff34 wrote it): the codec over DataOutputStream, one call per value. */
    static byte[] streamBytes(ForecastingLearner l) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            LearnerCodec.write(l, out);
        }
        return bos.toByteArray();
    }

    static byte[] streamBytes(OnlineLearner l) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            LearnerCodec.write(l, out);
        }
        return bos.toByteArray();
    }

    /**
     * The stream decode (as main at 3c6ff34 read it): a fully initialised learner filled through DataInputStream,
     * in the format the bytes name (2 or the current one).
     */
    static ForecastingLearner streamDecode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        assertEquals(LearnerCodec.MAGIC, in.readInt());
        short version = in.readShort();
        assertTrue(version == 2 || version == LearnerCodec.VERSION, "format " + version);
        assertEquals(2, in.readByte());
        ModelConfig cfg = ModelConfig.readFrom(in, version);
        ForecastingLearner l = new ForecastingLearner(cfg, cfg.seed());
        l.readState(in, version);
        assertEquals(-1, in.read(), "every byte consumed");
        return l;
    }

    static long[] bits(ForecastingLearner.Result r) {
        int d = r.forecast.length;
        long[] b = new long[4 * d + 4];
        for (int i = 0; i < d; i++) {
            b[i] = Double.doubleToRawLongBits(r.forecast[i]);
            b[d + i] = Double.doubleToRawLongBits(r.scale[i]);
            b[2 * d + i] = Double.doubleToRawLongBits(r.lower[i]);
            b[3 * d + i] = Double.doubleToRawLongBits(r.upper[i]);
        }
        b[4 * d] = Double.doubleToRawLongBits(r.loss);
        b[4 * d + 1] = Double.doubleToRawLongBits(r.error);
        b[4 * d + 2] = Double.doubleToRawLongBits(r.anomalyScore);
        b[4 * d + 3] = r.steps;
        return b;
    }

    @ParameterizedTest(name = "n={0} {1} {2}")
    @MethodSource("models")
    void fastPathWritesTheStreamBytesAndReadsThemBack(int n, Method m, ModelConfig.CellType c) throws Exception {
        ForecastingLearner live = new ForecastingLearner(config(n, m, c), 99);
        Rng data = new Rng(5);
        for (int t = 0; t < 137; t++) {
            live.observe(t * 1_800_000L, input(data));
        }
        byte[] old = streamBytes(live);
        byte[] fast = LearnerCodec.toBytes(live);
        assertArrayEquals(old, fast, "fast encode == DataOutputStream encode");

        ForecastingLearner viaFast = LearnerCodec.forecastingFromBytes(old);
        ForecastingLearner viaStream = streamDecode(old);
        ForecastingLearner viaStreamReader = LearnerCodec.readForecasting(new DataInputStream(new ByteArrayInputStream(old)));
        assertArrayEquals(old, LearnerCodec.toBytes(viaFast));
        assertArrayEquals(old, streamBytes(viaStream));
        assertArrayEquals(old, LearnerCodec.toBytes(viaStreamReader));
        for (int t = 0; t < 80; t++) {
            double[] x = input(data);
            long time = (137 + t) * 1_800_000L;
            long[] a = bits(live.observe(time, x));
            assertArrayEquals(a, bits(viaFast.observe(time, x)), "fast decode, step " + t);
            assertArrayEquals(a, bits(viaStream.observe(time, x)), "stream decode, step " + t);
            assertArrayEquals(a, bits(viaStreamReader.observe(time, x)), "codec over DataInputStream, step " + t);
        }
        byte[] end = streamBytes(live);
        assertArrayEquals(end, LearnerCodec.toBytes(viaFast));
        assertArrayEquals(end, LearnerCodec.toBytes(viaStream));
        assertArrayEquals(end, LearnerCodec.toBytes(viaStreamReader));
    }

    /**
     * Format-1 states (written by main at 3c6ff34, before the seasonal context and the linear path) still restore:
     * through the fast path and through a {@code DataInputStream}, each is migrated (statistics, scorer, pending
     * forecast and network carried over, the network's weights bit for bit; the new parts fresh), says so, and
     * the two decodes continue bit-identically with finite forecasts and bounds; re-encoded they are states of the
     * current format that restore to the same bytes.
     */
    @Test
    void format1StatesMigrateAndContinue() throws Exception {
        Map<String, byte[]> states = oldStates();
        assertEquals(11, states.size());
        for (Map.Entry<String, byte[]> e : states.entrySet()) {
            String name = e.getKey();
            byte[] old = e.getValue();
            assertEquals(1, ((old[4] & 0xff) << 8) | (old[5] & 0xff), name + " is a format-1 state");
            ForecastingLearner viaFast = LearnerCodec.forecastingFromBytes(old);
            ForecastingLearner viaStream = LearnerCodec.readForecasting(new DataInputStream(new ByteArrayInputStream(old)));
            assertEquals("state format 1: network kept; linear path, seasonal context and interval started fresh",
                viaFast.migration(), name);
            assertEquals(viaFast.migration(), viaStream.migration(), name);
            byte[] migrated = LearnerCodec.toBytes(viaFast);
            assertArrayEquals(migrated, LearnerCodec.toBytes(viaStream), name + ": both decodes migrate alike");
            assertArrayEquals(migrated, LearnerCodec.toBytes(LearnerCodec.forecastingFromBytes(migrated)),
                name + ": the migrated state round-trips in the current format");
            assertTrue(viaFast.steps() > 100, name + ": event count carried over, got " + viaFast.steps());
            byte[] net = LearnerCodec.toBytes(viaFast.model());
            ByteArrayOutputStream cfgBytes = new ByteArrayOutputStream();
            viaFast.model().config().writeTo(new DataOutputStream(cfgBytes));
            // the network's format-1 fields, then (format 3) the empty update period block: int count 0, int length 0
            assertArrayEquals(new byte[8], java.util.Arrays.copyOfRange(net, net.length - 8, net.length), name);
            byte[] netState = java.util.Arrays.copyOfRange(net, 7 + cfgBytes.size(), net.length - 8);
            assertArrayEquals(netState, java.util.Arrays.copyOfRange(old, old.length - netState.length, old.length),
                name + ": the network's state is carried over bit for bit");
            Rng data = new Rng(17);
            for (int t = 0; t < 60; t++) {
                double[] x = input(data);
                ForecastingLearner.Result a = viaStream.observe(x);
                long[] bitsA = bits(a);
                assertTrue(Double.isFinite(a.forecast[0]) && Double.isFinite(a.lower[1]) && Double.isFinite(a.upper[1]),
                    name + ": finite forecast and bounds at step " + t);
                assertArrayEquals(bitsA, bits(viaFast.observe(x)), name + ", step " + t);
            }
            assertArrayEquals(streamBytes(viaStream), LearnerCodec.toBytes(viaFast), name + " after 60 steps");
        }
    }

    /** Learners encoded in format 2 by this build's codec (see src/test/resources/codec/README.md). */
    static final String FORMAT2_STATES = "/codec/learners-format2.bin.gz";

    static byte[] asFormat3(byte[] format2) throws IOException {
        return StoredStates.format3FromFormat2(format2);
    }

    /**
     * Format-2 states (timed 30-minute streams, so the seasonal ring, the linear path and the interval are all in
     * them), and their format-3 form ({@link #asFormat3}), restore by migration through the fast path and through a
     * {@code DataInputStream}: every byte is read, the update period is 1, the earlier anomaly detector is dropped
     * and the detector and its forecast path start fresh, the migration says so, both decodes give the same
     * current-format bytes, those round-trip, and the two continue bit-identically.
     */
    @Test
    void storedFormat2And3StatesMigrateAndContinue() throws Exception {
        assertEquals(6, LearnerCodec.VERSION);
        Map<String, byte[]> states = states(FORMAT2_STATES);
        assertEquals(11, states.size());
        for (Map.Entry<String, byte[]> e : states.entrySet()) {
            String name = e.getKey();
            byte[] stored = e.getValue();
            assertEquals(2, ((stored[4] & 0xff) << 8) | (stored[5] & 0xff), name + " is a format-2 state");
            for (byte[] old : new byte[][] {stored, asFormat3(stored)}) {
                int version = ((old[4] & 0xff) << 8) | (old[5] & 0xff);
                ForecastingLearner viaFast = LearnerCodec.forecastingFromBytes(old);
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(old));
                ForecastingLearner viaStream = LearnerCodec.readForecasting(in);
                assertEquals(-1, in.read(), name + ": every byte consumed");
                assertEquals(1, viaFast.config().updatePeriod(), name);
                assertEquals("state format " + version + ": anomaly detector and its forecast path started fresh",
                    viaFast.migration(), name);
                assertEquals(viaFast.migration(), viaStream.migration(), name);
                byte[] migrated = LearnerCodec.toBytes(viaFast);
                assertEquals(LearnerCodec.VERSION, ((migrated[4] & 0xff) << 8) | (migrated[5] & 0xff));
                assertArrayEquals(migrated, streamBytes(viaStream), name + ": both decodes migrate alike");
                assertArrayEquals(migrated, LearnerCodec.toBytes(LearnerCodec.forecastingFromBytes(migrated)),
                    name + ": the migrated state round-trips");
                assertEquals(137, viaFast.steps(), name);
                assertEquals(1_800_000L, viaFast.cadenceMillis(), name);
                Rng data = new Rng(17);
                for (int t = 0; t < 60; t++) {
                    double[] x = input(data);
                    long time = (137 + t) * 1_800_000L;
                    ForecastingLearner.Result a = viaFast.observe(time, x);
                    assertTrue(a.warmingUp && a.anomalyScore >= 0 && a.anomalyScore < 1, name + ", step " + t);
                    assertArrayEquals(bits(viaStream.observe(time, x)), bits(a), name + ", step " + t);
                }
                assertArrayEquals(streamBytes(viaStream), LearnerCodec.toBytes(viaFast), name + " after 60 steps");
            }
        }
    }

    /**
     * Format-4 states (the stored format-2 states migrated, continued 400 events so the detector is past its
     * warm-up, re-encoded without the chart's block: {@link StoredStates#format4FromCurrent}) restore by migration
     * through the fast path and through a {@code DataInputStream}: every byte is read, the migration says the chart
     * and its context path start fresh, both decodes give the same current-format bytes, those round-trip, the two
     * continue bit-identically, and the parts the format-4 state held (surprise, likelihood, level, protection) go
     * on exactly as from the full current-format state, while its chart is not scored for its first two windows.
     */
    @Test
    void format4StatesMigrateWithAFreshChart() throws Exception {
        for (Map.Entry<String, byte[]> e : states(FORMAT2_STATES).entrySet()) {
            String name = e.getKey();
            ForecastingLearner full = LearnerCodec.forecastingFromBytes(e.getValue());
            Rng data = new Rng(23);
            long t0 = 137;
            for (int t = 0; t < 400; t++) {
                full.observe((t0 + t) * 1_800_000L, input(data));
            }
            int d = full.config().inputs();
            byte[] current = LearnerCodec.toBytes(full);
            byte[] old = StoredStates.format4FromCurrent(current, d);
            ForecastingLearner viaFast = LearnerCodec.forecastingFromBytes(old);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(old));
            ForecastingLearner viaStream = LearnerCodec.readForecasting(in);
            assertEquals(-1, in.read(), name + ": every byte consumed");
            assertEquals("state format 4: the anomaly detector's sustained-deviation chart and its context path"
                + " started fresh", viaFast.migration(), name);
            byte[] migrated = LearnerCodec.toBytes(viaFast);
            assertEquals(current.length, migrated.length, name);
            assertArrayEquals(java.util.Arrays.copyOf(current, 4), java.util.Arrays.copyOf(migrated, 4), name);
            assertArrayEquals(migrated, streamBytes(viaStream), name + ": both decodes migrate alike");
            assertArrayEquals(migrated, LearnerCodec.toBytes(LearnerCodec.forecastingFromBytes(migrated)),
                name + ": the migrated state round-trips");
            ForecastingLearner reference = LearnerCodec.forecastingFromBytes(current);
            for (int t = 400; t < 460; t++) {
                double[] x = input(data);
                long time = (t0 + t) * 1_800_000L;
                ForecastingLearner.Result a = viaFast.observe(time, x);
                assertArrayEquals(bits(viaStream.observe(time, x)), bits(a), name + ", step " + t);
                ForecastingLearner.Result r = reference.observe(time, x);
                assertEquals(r.surprise, a.surprise, 0.0, name + ", step " + t);
                assertEquals(r.likelihood, a.likelihood, 0.0, name + ", step " + t);
                assertEquals(r.level, a.level, 0.0, name + ", step " + t);
                assertEquals(r.learnWeight, a.learnWeight, 0.0, name + ", step " + t);
                if (t < 400 + 24) {
                    // 30-minute events: a day of 48, a chart window of 12, scored from twice the window on
                    assertEquals(0.0, a.sustained, 0.0, name + ": the fresh chart is not scored yet, step " + t);
                }
            }
            assertArrayEquals(streamBytes(viaStream), LearnerCodec.toBytes(viaFast), name + " after 60 steps");
        }
    }

    /** Method lru forecasters stored in format 5 by {@link LruStatesWriter} (their MLP readout had N features). */
    static final String LRU_FORMAT5_STATES = "/codec/lru-format5.bin.gz";

    /**
     * Format-5 states of method lru restore with the readout they were built with (an MLP of {@code hidden}
     * features), through the fast path and through a {@code DataInputStream}: every byte is read, the re-encoded
     * bytes are the stored ones with version 6 and the width (an int, = hidden) after the lru block of the config,
     * both decodes and a decode of the migrated bytes continue bit-identically.
     */
    @Test
    void storedFormat5LruStatesMigrateWithTheirMlpReadout() throws Exception {
        Map<String, byte[]> states = states(LRU_FORMAT5_STATES);
        assertEquals(List.of("n=6 LRU", "n=8 LRU"), List.copyOf(states.keySet()));
        for (Map.Entry<String, byte[]> e : states.entrySet()) {
            String name = e.getKey();
            byte[] stored = e.getValue();
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(stored);
            assertEquals(5, bb.getShort(4), name + " is a format-5 state");
            int n = bb.getInt(8); // after magic, version, kind and the cell byte
            // the config up to divergenceLoss is 124 bytes from offset 7; then the lru block's three doubles
            int lruEnd = StoredStates.LRU_BLOCK_END;
            assertEquals(0.4, bb.getDouble(lruEnd - 24), 0.0, name);
            assertEquals(0.99, bb.getDouble(lruEnd - 16), 0.0, name);
            assertEquals(Math.PI, bb.getDouble(lruEnd - 8), 0.0, name);
            ForecastingLearner viaFast = LearnerCodec.forecastingFromBytes(stored);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored));
            ForecastingLearner viaStream = LearnerCodec.readForecasting(in);
            assertEquals(-1, in.read(), name + ": every byte consumed");
            assertEquals(Method.LRU, viaFast.config().method(), name);
            assertEquals(n, viaFast.config().lruReadoutWidth(), name + ": the MLP readout of format 5");
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(expected);
            out.write(stored, 0, 4);
            out.writeShort(6);
            out.write(stored, 6, lruEnd - 6);
            out.writeInt(n);
            out.write(stored, lruEnd, stored.length - lruEnd);
            out.flush();
            byte[] migrated = LearnerCodec.toBytes(viaFast);
            assertArrayEquals(expected.toByteArray(), migrated, name);
            assertArrayEquals(migrated, StoredStates.format6FromFormat5(stored), name);
            assertArrayEquals(migrated, streamBytes(viaStream), name + ": both decodes migrate alike");
            ForecastingLearner again = LearnerCodec.forecastingFromBytes(migrated);
            Rng data = new Rng(17);
            for (int t = 0; t < 60; t++) {
                double[] x = input(data);
                long time = (137 + t) * 1_800_000L;
                ForecastingLearner.Result a = viaFast.observe(time, x);
                assertArrayEquals(bits(viaStream.observe(time, x)), bits(a), name + ", step " + t);
                assertArrayEquals(bits(again.observe(time, x)), bits(a), name + ", step " + t);
            }
            assertArrayEquals(streamBytes(viaStream), LearnerCodec.toBytes(viaFast), name + " after 60 steps");
        }
    }

    @Test
    void sgdAndSoftmaxLearnersKeepTheirBytesToo() throws Exception {
        for (Method m : Method.values()) {
            for (ModelConfig.CellType c : ModelConfig.CellType.values()) {
                ModelConfig cfg = config(6, m, c).toBuilder().set(INPUTS, 4).set(OUTPUTS, 4).set(HEAD, ModelConfig.Head.SOFTMAX)
                    .set(OPTIMIZER, ModelConfig.OptimizerType.SGD).build();
                OnlineLearner live = new OnlineLearner(cfg);
                Rng data = new Rng(8);
                int sym = 0;
                for (int t = 0; t < 60; t++) {
                    double[] x = new double[4];
                    x[sym] = 1.0;
                    live.advance(x);
                    sym = data.nextInt(4);
                    live.learnClass(sym);
                }
                byte[] old = streamBytes(live);
                assertArrayEquals(old, LearnerCodec.toBytes(live), m + " " + c);
                OnlineLearner restored = LearnerCodec.onlineFromBytes(old);
                assertArrayEquals(old, streamBytes(restored), m + " " + c);
            }
        }
    }

    @Test
    void reusedScratchBufferNeverLeaksBytesBetweenModels() throws Exception {
        ForecastingLearner big = new ForecastingLearner(config(16, Method.RTRL, ModelConfig.CellType.GATED), 1);
        ForecastingLearner small = new ForecastingLearner(config(6, Method.OK, ModelConfig.CellType.TANH), 2);
        Rng data = new Rng(3);
        for (int t = 0; t < 20; t++) {
            double[] x = input(data);
            big.observe(x);
            small.observe(x);
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(streamBytes(big), LearnerCodec.toBytes(big));
            assertArrayEquals(streamBytes(small), LearnerCodec.toBytes(small));
        }
    }
}
