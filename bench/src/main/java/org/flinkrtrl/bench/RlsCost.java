package org.flinkrtrl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.flinkrtrl.core.learner.RecursiveLeastSquares;

/**
 * CPU per recursive-least-squares update and finiteness check, the sensor forecaster's linear, context and anomaly
 * paths' unit of work (13 features, three per channel and event): thread CPU time, median and best of the rounds
 * after a warm-up, on a fixed stream of features (lags of an AR(2) series, two calendar features, a constant) and
 * Huber-weighted updates as the forecaster makes them. Put the core build to measure first on the class path.
 *
 * <pre>java -cp core/target/classes:$(bench/classpath.sh) org.flinkrtrl.bench.RlsCost [updates per round] [rounds]</pre>
 */
public final class RlsCost {
    private RlsCost() {}

    public static void main(String[] args) {
        int updates = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        int p = 13;
        int stream = 1 << 16;
        double[][] phi = new double[stream][p];
        double[] y = new double[stream];
        SplittableRandom rnd = new SplittableRandom(7);
        double x1 = 0;
        double x2 = 0;
        for (int t = 0; t < stream; t++) {
            double x = 1.6 * x1 - 0.8 * x2 + rnd.nextGaussian();
            double[] f = phi[t];
            f[0] = 1.0;
            f[1] = x1;
            f[2] = x2;
            f[3] = x1 - x2;
            for (int k = 4; k < 9; k++) {
                f[k] = k % 2 == 0 ? 0.0 : 0.5 * x1 + rnd.nextGaussian();
            }
            f[9] = Math.sin(2 * Math.PI * t / 144.0);
            f[10] = Math.cos(2 * Math.PI * t / 144.0);
            f[11] = t % 7 == 0 ? 1.0 : 0.0;
            f[12] = 0.0;
            y[t] = x;
            x2 = x1;
            x1 = x;
        }
        RecursiveLeastSquares[] paths = new RecursiveLeastSquares[3];
        for (int k = 0; k < paths.length; k++) {
            paths[k] = new RecursiveLeastSquares(p, k == 0 ? 0.999 : 0.99, 100.0, new double[p]);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double sink = 0;
        long[] ns = new long[rounds];
        for (int round = -3; round < rounds; round++) {
            long c0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < updates; i++) {
                int t = i & (stream - 1);
                RecursiveLeastSquares r = paths[i % 3];
                sink += r.update(phi[t], y[t], 3.0);
                if (!r.isFinite()) {
                    r.reset();
                }
            }
            long c = threads.getCurrentThreadCpuTime() - c0;
            if (round >= 0) {
                ns[round] = c;
            }
        }
        Arrays.sort(ns);
        System.out.printf(Locale.ROOT, "RLS p=%d: median %.1f ns per update (best %.1f), %d rounds of %d%n", p,
            (double) ns[rounds / 2] / updates, (double) ns[0] / updates, rounds, updates);
        if (sink == 42.4242) {
            System.out.println(sink);
        }
    }
}
