package org.flinkrtrl.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.cell.TanhCell;
import org.flinkrtrl.core.grad.OkRtrl;
import org.flinkrtrl.core.math.Rng;

/**
 * Bytes and thread CPU per OK step (step + gradient) on the SIMD kernels after vectors of other species went through
 * the Vector API's convenience methods ({@code ProfilePollutionTest}, docs/performance.md "Shared type profiles").
 * Prints one line per round of 2,000 steps: {@code round:bytes/us}. Needs {@code --add-modules jdk.incubator.vector}
 * and a core build first on the class path.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp core/target/classes:$(bench/classpath.sh) \
 *     org.flinkrtrl.bench.ProfilePollutionCost [n] [species: none | 64,128,256,512] [rounds] [ok | lru | lruMlp]</pre>
 * {@code lru}: the LRU learner's whole step (n units, 2 inputs, one output, the linear readout), {@code lruMlp}
 * with an MLP readout of n features.
 */
public final class ProfilePollutionCost {
    private ProfilePollutionCost() {}

    static double sink;

    /** The convenience methods on vectors of {@code sp}, 20,000 times over 64 doubles. */
    static void pollute(VectorSpecies<Double> sp) {
        double[] a = new double[64];
        double[] b = new double[64];
        for (int i = 0; i < 64; i++) {
            a[i] = i * 0.01;
            b[i] = 1 - i * 0.01;
        }
        for (int it = 0; it < 20_000; it++) {
            for (int i = 0; i + sp.length() <= 64; i += sp.length()) {
                DoubleVector x = DoubleVector.fromArray(sp, a, i);
                DoubleVector y = DoubleVector.fromArray(sp, b, i);
                DoubleVector z = x.fma(y, x).add(y).mul(x).sub(y).abs().neg().div(y.add(2.0));
                z = z.blend(x, z.compare(VectorOperators.GT, 0.5));
                z = z.lanewise(VectorOperators.FMA, x, y).add(1.0).sub(1.0).mul(0.5);
                sink += z.reduceLanes(VectorOperators.ADD);
                z.intoArray(b, i);
            }
        }
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        String species = args.length > 1 ? args[1] : "128";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        if (!species.equals("none")) {
            for (String sp : species.split(",")) {
                int bits = Integer.parseInt(sp);
                pollute(VectorSpecies.of(double.class, jdk.incubator.vector.VectorShape.forBitSize(bits)));
            }
        }
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String model = args.length > 3 ? args[3] : "ok";
        if (!model.equals("ok")) {
            lru(n, model.equals("lruMlp") ? n : 0, species, rounds, tb);
            return;
        }
        Cell cell = new TanhCell(n, 1);
        OkRtrl ok = new OkRtrl(cell, 4);
        Rng data = new Rng(4);
        double[] w = new double[cell.parameterCount()];
        cell.initWeights(w, data, 1.2 / Math.sqrt(cell.presynapticSize()));
        CellStep step = cell.newStep();
        double[] h = new double[n];
        double[] x = new double[1];
        Rng rng = new Rng(8);
        double[] delta = new double[n];
        Arrays.fill(delta, 0.1);
        double[] grad = new double[cell.parameterCount()];
        System.out.println("n=" + n + " pollution=" + species + ": " + measure(() -> {
            x[0] = data.nextGaussian();
            cell.forward(w, h, x, step);
            System.arraycopy(step.hNext, 0, h, 0, n);
            ok.step(w, step, rng);
            ok.gradient(delta, grad);
        }, rounds, tb));
    }

    private static void lru(int n, int readoutWidth, String species, int rounds, com.sun.management.ThreadMXBean tb) {
        org.flinkrtrl.core.learner.OnlineLearner l = new org.flinkrtrl.core.learner.OnlineLearner(
            org.flinkrtrl.core.learner.ModelConfig.builder()
                .set(org.flinkrtrl.core.learner.ModelSettings.METHOD, org.flinkrtrl.core.grad.Method.LRU)
                .set(org.flinkrtrl.core.learner.ModelSettings.HIDDEN, n)
                .set(org.flinkrtrl.core.learner.ModelSettings.INPUTS, 2)
                .set(org.flinkrtrl.core.learner.ModelSettings.OUTPUTS, 1)
                .set(org.flinkrtrl.core.learner.ModelSettings.LRU_READOUT_WIDTH, readoutWidth)
                .set(org.flinkrtrl.core.learner.ModelSettings.READOUT_CLIP_NORM, 1.0).build());
        double[] x = new double[2];
        double[] target = new double[1];
        int[] t = {0};
        System.out.println("lru n=" + n + " readout=" + readoutWidth + " pollution=" + species + ": " + measure(() -> {
            x[0] = Math.sin(t[0] * 0.1);
            x[1] = Math.cos(t[0] * 0.37 + 1);
            target[0] = Math.sin((t[0] + 1) * 0.1);
            t[0]++;
            l.advance(x);
            l.learn(target);
        }, rounds, tb));
    }

    /** {@code round:bytes/us} per step for each of {@code rounds} rounds of 2,000 steps, on this thread. */
    private static String measure(Runnable step, int rounds, com.sun.management.ThreadMXBean tb) {
        long tid = Thread.currentThread().getId();
        StringBuilder out = new StringBuilder();
        for (int round = 0; round < rounds; round++) {
            long b0 = tb.getThreadAllocatedBytes(tid);
            long c0 = tb.getCurrentThreadCpuTime();
            for (int i = 0; i < 2000; i++) {
                step.run();
            }
            long c = tb.getCurrentThreadCpuTime() - c0;
            out.append(String.format(Locale.ROOT, "%d:%.0fB/%.1fus ", round,
                (tb.getThreadAllocatedBytes(tid) - b0) / 2000.0, c / 2000.0 / 1e3));
        }
        return out.toString().trim();
    }
}
