package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The codec is bit-exact and a learner restored mid-stream continues exactly as the uninterrupted one. */
class LearnerStateTest {

    static Stream<Arguments> models() {
        List<Arguments> a = new ArrayList<>();
        for (Method m : Method.values()) {
            for (ModelConfig.CellType c : ModelConfig.CellType.values()) {
                a.add(Arguments.of(m, c));
            }
        }
        return a.stream();
    }

    private static ModelConfig config(Method m, ModelConfig.CellType c) {
        return ModelConfig.builder().set(CELL, c).set(HIDDEN, 6).set(INPUTS, 2).set(METHOD, m).set(RANK, 3).set(TRUNCATION, 5).set(SEED, 11L).build();
    }

    private static double[] input(Rng rng) {
        return new double[] {rng.nextGaussian(), 10 + rng.nextGaussian()};
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void forecasterRestoredMidStreamContinuesBitIdentically(Method m, ModelConfig.CellType c) throws IOException {
        ForecastingLearner live = new ForecastingLearner(config(m, c), 99);
        Rng data = new Rng(5);
        for (int t = 0; t < 137; t++) {
            live.observe(input(data));
        }
        byte[] snapshot = LearnerCodec.toBytes(live);
        ForecastingLearner restored = LearnerCodec.forecastingFromBytes(snapshot);
        assertArrayEquals(snapshot, LearnerCodec.toBytes(restored), "write(read(bytes)) == bytes");
        for (int t = 0; t < 80; t++) {
            double[] x = input(data);
            ForecastingLearner.Result a = live.observe(x);
            long[] aBits = bits(a.forecast, a.loss, a.anomalyScore);
            long aSteps = a.steps;
            ForecastingLearner.Result b = restored.observe(x);
            assertArrayEquals(aBits, bits(b.forecast, b.loss, b.anomalyScore), "step " + t);
            assertEquals(aSteps, b.steps);
        }
        assertArrayEquals(LearnerCodec.toBytes(live), LearnerCodec.toBytes(restored));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void softmaxLearnerRestoredMidStreamContinuesBitIdentically(Method m, ModelConfig.CellType c) throws IOException {
        ModelConfig cfg = config(m, c).toBuilder().set(INPUTS, 4).set(OUTPUTS, 4).set(HEAD, ModelConfig.Head.SOFTMAX).build();
        OnlineLearner live = new OnlineLearner(cfg);
        Rng data = new Rng(8);
        int sym = 0;
        for (int t = 0; t < 60; t++) {
            live.advance(oneHot(sym, 4));
            sym = data.nextInt(4);
            live.learnClass(sym);
        }
        byte[] snapshot = LearnerCodec.toBytes(live);
        OnlineLearner restored = LearnerCodec.onlineFromBytes(snapshot);
        assertArrayEquals(snapshot, LearnerCodec.toBytes(restored));
        for (int t = 0; t < 40; t++) {
            long[] a = bits(live.advance(oneHot(sym, 4)));
            long[] b = bits(restored.advance(oneHot(sym, 4)));
            assertArrayEquals(a, b, "step " + t);
            sym = data.nextInt(4);
            assertEquals(Double.doubleToLongBits(live.learnClass(sym)), Double.doubleToLongBits(restored.learnClass(sym)));
        }
        assertArrayEquals(LearnerCodec.toBytes(live), LearnerCodec.toBytes(restored));
    }

    @Test
    void codecRefusesForeignBytesAndUnknownVersionsWithAClearMessage() {
        byte[] good = LearnerCodec.toBytes(new ForecastingLearner(ModelConfig.builder().build()));
        byte[] badMagic = good.clone();
        badMagic[0] ^= 0x7f;
        IOException e1 = assertThrows(IOException.class, () -> LearnerCodec.forecastingFromBytes(badMagic));
        assertTrue(e1.getMessage().startsWith("not a flink-rtrl learner state"), e1.getMessage());
        byte[] badVersion = good.clone();
        badVersion[5] = 99;
        IOException e2 = assertThrows(IOException.class, () -> LearnerCodec.forecastingFromBytes(badVersion));
        assertTrue(e2.getMessage().contains("format version 99 is not supported"), e2.getMessage());
        IOException e3 = assertThrows(IOException.class, () -> LearnerCodec.onlineFromBytes(good));
        assertTrue(e3.getMessage().contains("expected 1"), e3.getMessage());
    }

    @Test
    void stateSizeIsCompact() {
        // n=16, one channel (2 inputs): W 16x19, V 1x17, Adam doubles both, OK r=4 factors 4x(19 + 256); the
        // linear path: 13 coefficients, a 13x13 covariance and 13 features; no seasonal ring without event time; the
        // anomaly detector: two tail histograms, the short window, the level mean and variance.
        ForecastingLearner f = new ForecastingLearner(ModelConfig.builder().set(HIDDEN, 16).set(INPUTS, 1).set(RANK, 4).build());
        int doubles = 3 * (16 * 19 + 17) + 4 * (19 + 256) + 16 + 1 + 17 + (13 + 169 + 13) + (2 * 256 + 10 + 2);
        int bytes = LearnerCodec.toBytes(f).length;
        // fixed part (header, config, options, counters, cadence gaps, one-per-channel arrays with their length
        // prefixes) under 1 KB
        assertTrue(bytes < doubles * 8 + 1024, "state is " + bytes + " bytes for ~" + doubles + " doubles");
    }

    static double[] oneHot(int i, int size) {
        double[] v = new double[size];
        v[i] = 1.0;
        return v;
    }

    private static long[] bits(double[] v, double... more) {
        long[] b = new long[v.length + more.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToLongBits(v[i]);
        }
        for (int i = 0; i < more.length; i++) {
            b[v.length + i] = Double.doubleToLongBits(more[i]);
        }
        return b;
    }
}
