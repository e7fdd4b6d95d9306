package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.HIDDEN;
import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flinkrtrl.core.math.Kernels;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernels' JIT warm-up changes timing only: a forecaster gives the same bits (every forecast, band and
 * score, and its final encoded state) whether its steps run in the interpreter (the Vector API's Java fallback), in C1
 * or in C2-compiled code, and whether a warm-up thread trains beside it or not.
 */
class KernelWarmUpTest {
    /** The job's default model for two value fields (the SIMD kernels need rows of at least 16 doubles). */
    static final ModelConfig CONFIG = ModelConfig.builder().set(HIDDEN, 16).set(INPUTS, 2).build();
    static final int EVENTS = 300;
    /** Events of the interpreted and C1-only child JVMs (-Xint runs a step in about 0.1 s). */
    static final int CHILD_EVENTS = 40;

    /** Digest of every output of {@code events} synthetic events and of the final state, hex. */
    static String trace(int events) {
        MessageDigest md = sha256();
        ForecastingLearner l = new ForecastingLearner(CONFIG, 7L);
        double[] v = new double[2];
        byte[] bits = new byte[8];
        for (int t = 0; t < events; t++) {
            v[0] = Math.sin(0.07 * t) + 0.01 * (t % 7);
            v[1] = 20 + 3 * Math.cos(0.031 * t);
            ForecastingLearner.Result r = l.observe(1_700_000_000_000L + 60_000L * t, v);
            for (double[] a : new double[][] {r.forecast, r.lower, r.upper, r.location, r.scale}) {
                for (double x : a) {
                    update(md, bits, x);
                }
            }
            update(md, bits, r.loss);
            update(md, bits, r.anomalyScore);
            update(md, bits, r.surprise);
        }
        md.update(LearnerCodec.toBytes(l));
        return HexFormat.of().formatHex(md.digest());
    }

    /** Prints {@code <kernels> <trace>} for {@code args[0]} events: the child JVMs of the test. */
    public static void main(String[] args) {
        System.out.println(Kernels.get().name() + " " + trace(Integer.parseInt(args[0])));
    }

    @Test
    void interpretedC1AndC2GiveTheSameBits() throws Exception {
        assumeTrue(Kernels.get() != Kernels.plain(), "needs the SIMD kernels (--add-modules jdk.incubator.vector)");
        KernelWarmUp.run(ForecastingLearner.networkConfig(CONFIG), KernelWarmUp.STEPS);
        String compiled = Kernels.get().name() + " " + trace(CHILD_EVENTS);
        // -Xint: every vector operation runs the Vector API's Java fallback; TieredStopAtLevel=1: C1 only, no
        // intrinsics. Both must give the bits of this JVM, whose kernels are (by now) compiled by C2.
        assertEquals(compiled, child("-Xint"));
        assertEquals(compiled, child("-XX:TieredStopAtLevel=1"));
        // the compile policy of ./flink-rtrl: early, blocking C2 compilation of the kernels
        assertEquals(compiled, child("-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,org.flinkrtrl.core.math.VectorKernels::*,0.1",
            "-XX:CompileCommand=BackgroundCompilation,org.flinkrtrl.core.math.VectorKernels::*,false"));
        // the trace sees round-off: the plain kernels (same maths, other summation order) give other bits
        String plain = child("-Dflinkrtrl.kernels=plain");
        assertEquals("plain", plain.split(" ")[0]);
        assertNotEquals(compiled.split(" ")[1], plain.split(" ")[1]);
    }

    @Test
    void aWarmUpBesideTheModelChangesNoBit() throws Exception {
        String alone = trace(EVENTS);
        Thread warm = new Thread(() -> KernelWarmUp.run(ForecastingLearner.networkConfig(CONFIG), 2_000));
        warm.start();
        String beside = trace(EVENTS);
        warm.join();
        assertEquals(alone, beside);
        assertNotEquals(alone, trace(EVENTS - 1), "the trace covers the outputs");
    }

    @Test
    void startsOncePerNetworkShapeAndNotWhenSwitchedOff() throws Exception {
        assumeTrue(Kernels.get() != Kernels.plain(), "needs the SIMD kernels (--add-modules jdk.incubator.vector)");
        ModelConfig net = ForecastingLearner.networkConfig(CONFIG.toBuilder().set(HIDDEN, 17).build());
        System.setProperty("flinkrtrl.warmup", "false");
        try {
            assertNull(KernelWarmUp.startInBackground(net));
        } finally {
            System.clearProperty("flinkrtrl.warmup");
        }
        Thread t = KernelWarmUp.startInBackground(net);
        assertNotNull(t);
        assertEquals(true, t.isDaemon());
        assertNull(KernelWarmUp.startInBackground(net), "a second warm-up for the same network");
        t.join(TimeUnit.MINUTES.toMillis(5));
    }

    private static String child(String... jitOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.addAll(List.of(jitOptions));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KernelWarmUpTest.class.getName());
        cmd.add(String.valueOf(CHILD_EVENTS));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM " + String.join(" ", jitOptions) + " timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        // the last line: the JVM's "Using incubator modules" warning comes first
        String[] lines = text.strip().split("\\R");
        return lines[lines.length - 1];
    }

    private static void update(MessageDigest md, byte[] bits, double x) {
        long b = Double.doubleToRawLongBits(x);
        for (int i = 0; i < 8; i++) {
            bits[i] = (byte) (b >>> (8 * i));
        }
        md.update(bits);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
