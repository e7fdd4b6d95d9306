package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.GatedCell;
import org.flinkrtrl.core.cell.TanhCell;
import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/**
 * step() and gradient() of OK, KF, UORO and exact RTRL, and the whole LRU learner step, allocate nothing in steady
 * state (HotSpot only). Runs in a JVM
 * of its own (core/pom.xml, execution "allocation"): the Vector API kernels allocate until C2 has intrinsified them,
 * and in a JVM shared with the other tests the compiler queue and type profiles make that point unpredictable.
 */
class AllocationTest {

    @Test
    void steadyStateStepsDoNotAllocate() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        for (Cell cell : new Cell[] {new TanhCell(8, 3), new GatedCell(6, 2)}) {
            ToyProblem pb = ToyProblem.random(cell, 20, 1.3, 1);
            CellStep[] st = pb.forward();
            GradientEstimator[] ests = {new OkRtrl(cell, 1), new OkRtrl(cell, 4), new OkRtrl(cell, 12),
                new KfRtrl(cell), new Uoro(cell), new ExactRtrl(cell)};
            for (GradientEstimator est : ests) {
                Rng rng = new Rng(2);
                double[] g = new double[pb.w.length];
                // warm-up: the JIT compiles. 500 runs (10,000 steps), not 100: with the Vector API kernels, vector ops
                // allocate until C2 has compiled and intrinsified them.
                run(est, pb, st, rng, g, 500);
                long tid = Thread.currentThread().getId();
                long b0 = mx.getThreadAllocatedBytes(tid);
                run(est, pb, st, rng, g, 100);
                double perStep = (mx.getThreadAllocatedBytes(tid) - b0) / (100.0 * st.length);
                // 2000 steps; a single stray array per step would show up as >= 16 bytes/step.
                assertTrue(perStep < 8.0, est.method() + " allocates " + perStep + " bytes/step");
            }
        }
    }

    /**
     * The vanilla cell's forward pass at n = 32 (its tanh on the SIMD kernels' lanes when the JVM has them) allocates
     * nothing once compiled: warm-up in batches until one allocates nothing (up to 60 s), then 20,000 steps.
     */
    @Test
    void vanillaCellForwardAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        Cell cell = new TanhCell(32, 1);
        CellStep step = cell.newStep();
        Rng rng = new Rng(12);
        double[] w = new double[cell.parameterCount()];
        cell.initWeights(w, rng, 1.5 / Math.sqrt(cell.presynapticSize()));
        double[] h = new double[32];
        double[] x = new double[1];
        long tid = Thread.currentThread().getId();
        long deadline = System.nanoTime() + 60_000_000_000L;
        int warm = 0;
        while (System.nanoTime() < deadline) {
            long b0 = tb.getThreadAllocatedBytes(tid);
            for (int t = 0; t < 2000; t++) {
                x[0] = Math.sin(0.1 * t);
                cell.forward(w, h, x, step);
                System.arraycopy(step.hNext, 0, h, 0, 32);
            }
            warm++;
            if (warm >= 5 && tb.getThreadAllocatedBytes(tid) - b0 < 1000) {
                break;
            }
        }
        long before = tb.getThreadAllocatedBytes(tid);
        for (int t = 0; t < 20_000; t++) {
            x[0] = Math.sin(0.1 * t);
            cell.forward(w, h, x, step);
            System.arraycopy(step.hNext, 0, h, 0, 32);
        }
        long allocated = tb.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 2000, "20,000 forward passes allocated " + allocated + " bytes");
    }

    @Test
    void okFastPathStepAndGradientAllocateNothing() {
        // at least 3000 steps of warm-up, then until a batch of 1000 allocates nothing (SteadyAllocation)
        long allocated = SteadyAllocation.bytes(okStep(), 3000, 1, 2000);
        assertTrue(allocated < 2000, "2000 steps allocated " + allocated + " bytes");
    }

    /** One OK step and gradient (n = 16, r = 4, the SIMD kernels' fast path) on a stream of its own. */
    static Runnable okStep() {
        Cell cell = new TanhCell(16, 1);
        OkRtrl ok = new OkRtrl(cell, 4);
        OkRtrlFastPathTest.Stream s = new OkRtrlFastPathTest.Stream(cell, 4);
        Rng rng = new Rng(8);
        double[] delta = new double[16];
        java.util.Arrays.fill(delta, 0.1);
        double[] grad = new double[cell.parameterCount()];
        return () -> {
            ok.step(s.w, s.next(), rng);
            ok.gradient(delta, grad);
        };
    }

    /**
     * The whole per-event step of an LRU learner (cell forward, traces, readout forward and backward, Adam on both
     * parameter sets) allocates nothing: 4000 advance + learn pairs after warm-up. Shapes: N = 16 with 2 inputs,
     * the forecaster's N = 8 with 4 inputs and 2 outputs (one SIMD vector of units with AVX-512), and N = 4 with 3
     * inputs (units only in the scalar tail of the SIMD kernels); each with the linear readout (width 0) and with an
     * MLP readout.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"16, 2, 1, 0", "8, 4, 2, 0", "4, 3, 1, 0", "16, 2, 1, 16", "8, 4, 2, 8",
        "4, 3, 1, 4"})
    void lruLearnerStepAllocatesNothing(int units, int inputs, int outputs, int readoutWidth) {
        org.flinkrtrl.core.learner.OnlineLearner l = lruLearner(units, inputs, outputs, readoutWidth);
        double[] x = new double[inputs];
        double[] target = new double[outputs];
        int[] t = {0};
        long allocated = SteadyAllocation.bytes(() -> lruEvent(l, x, target, t[0]++), 20_000, 1, 4000);
        assertTrue(allocated < 4000, "4000 LRU learner steps (N=" + units + ", n_x=" + inputs + ") allocated "
            + allocated + " bytes");
    }

    /** An LRU learner of the given shape, readout clipping 1. */
    static org.flinkrtrl.core.learner.OnlineLearner lruLearner(int units, int inputs, int outputs, int readoutWidth) {
        return new org.flinkrtrl.core.learner.OnlineLearner(org.flinkrtrl.core.learner.ModelConfig.builder()
            .set(org.flinkrtrl.core.learner.ModelSettings.METHOD, Method.LRU)
            .set(org.flinkrtrl.core.learner.ModelSettings.HIDDEN, units)
            .set(org.flinkrtrl.core.learner.ModelSettings.INPUTS, inputs)
            .set(org.flinkrtrl.core.learner.ModelSettings.OUTPUTS, outputs)
            .set(org.flinkrtrl.core.learner.ModelSettings.LRU_READOUT_WIDTH, readoutWidth)
            .set(org.flinkrtrl.core.learner.ModelSettings.READOUT_CLIP_NORM, 1.0).build());
    }

    static void lruEvent(org.flinkrtrl.core.learner.OnlineLearner l, double[] x, double[] target, int t) {
        for (int j = 0; j < x.length; j++) {
            x[j] = j % 2 == 0 ? Math.sin(t * 0.1 + j) : Math.cos(t * 0.37 + j);
        }
        for (int j = 0; j < target.length; j++) {
            target[j] = Math.sin((t + 1) * 0.1 + j);
        }
        l.advance(x);
        l.learn(target);
    }

    /** Many learners of one shape take turns (one model per key): their shared per-thread buffers allocate nothing. */
    @Test
    void interleavedLearnersSharingThreadBuffersAllocateNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        for (Method method : new Method[] {Method.OK, Method.RTRL, Method.LRU}) {
            org.flinkrtrl.core.learner.ModelConfig cfg = org.flinkrtrl.core.learner.ModelConfig.builder()
                .set(org.flinkrtrl.core.learner.ModelSettings.METHOD, method)
                .set(org.flinkrtrl.core.learner.ModelSettings.HIDDEN, 8)
                .set(org.flinkrtrl.core.learner.ModelSettings.INPUTS, 2).build();
            org.flinkrtrl.core.learner.OnlineLearner[] keys = new org.flinkrtrl.core.learner.OnlineLearner[20];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = new org.flinkrtrl.core.learner.OnlineLearner(cfg, i);
            }
            double[] x = new double[2];
            double[] y = new double[1];
            long tid = Thread.currentThread().getId();
            long deadline = System.nanoTime() + 60_000_000_000L;
            int rounds = 0;
            while (System.nanoTime() < deadline) { // warm-up as above: until a batch allocates nothing, at most 60 s
                long b0 = tb.getThreadAllocatedBytes(tid);
                rounds = stepAll(keys, x, y, rounds, 100);
                if (tb.getThreadAllocatedBytes(tid) - b0 < 1000 && rounds >= 300) {
                    break;
                }
            }
            long before = tb.getThreadAllocatedBytes(tid);
            stepAll(keys, x, y, rounds, 100);
            long allocated = tb.getThreadAllocatedBytes(tid) - before;
            assertTrue(allocated < 2000, method + ": 2000 learner steps allocated " + allocated + " bytes");
        }
    }

    private static int stepAll(org.flinkrtrl.core.learner.OnlineLearner[] keys, double[] x, double[] y, int round,
                               int rounds) {
        for (int t = round; t < round + rounds; t++) {
            for (int i = 0; i < keys.length; i++) {
                x[0] = Math.sin(0.1 * t + i);
                x[1] = Math.cos(0.07 * t);
                y[0] = Math.sin(0.1 * (t + 1) + i);
                keys[i].advance(x);
                keys[i].learn(y);
            }
        }
        return round + rounds;
    }

    private static void run(GradientEstimator est, ToyProblem pb, CellStep[] st, Rng rng, double[] g, int runs) {
        for (int r = 0; r < runs; r++) {
            est.reset();
            for (int t = 0; t < st.length; t++) {
                est.step(pb.w, st[t], rng);
                est.gradient(pb.cs[t], g);
            }
        }
    }

    /**
     * The forecaster's whole step (context, lag look-ups, linear path, interval, combination and the network) allocates
     * nothing once the key's cadence is known and its lag ring allocated (once, after its first ten events).
     */
    @Test
    void forecasterStepAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        org.flinkrtrl.core.learner.ForecastingLearner f = new org.flinkrtrl.core.learner.ForecastingLearner(
            org.flinkrtrl.core.learner.ModelConfig.builder().set(org.flinkrtrl.core.learner.ModelSettings.HIDDEN, 8)
                .set(org.flinkrtrl.core.learner.ModelSettings.INPUTS, 2).build(), 5);
        Rng rng = new Rng(4);
        double[][] xs = new double[4096][];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = new double[] {10 + Math.sin(i / 7.0) + 0.1 * rng.nextGaussian(), 20 + 0.1 * rng.nextGaussian()};
        }
        long tid = Thread.currentThread().getId();
        long[] t = {0};
        Runnable batch = () -> {
            for (int i = 0; i < 1000; i++) {
                f.observe(t[0] * 1_800_000L, xs[(int) (t[0] % xs.length)]);
                t[0]++;
            }
        };
        for (int i = 0; i < 5; i++) {
            batch.run();
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            long b0 = tb.getThreadAllocatedBytes(tid);
            batch.run();
            if (tb.getThreadAllocatedBytes(tid) - b0 < 1000) {
                break;
            }
        }
        long before = tb.getThreadAllocatedBytes(tid);
        batch.run();
        batch.run();
        double perEvent = (tb.getThreadAllocatedBytes(tid) - before) / 2000.0;
        assertTrue(f.seasonalLags().length == 5, "the lag ring is in use");
        assertTrue(perEvent < 8.0, "the forecaster allocates " + perEvent + " bytes/event");
    }
}
