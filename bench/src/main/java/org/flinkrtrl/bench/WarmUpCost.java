package org.flinkrtrl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.math.Kernels;
import org.flinkrtrl.jobs.JobOptions;
import org.flinkrtrl.record.Event;

/**
 * Time to steady state of the learner in a fresh JVM: the cumulative thread CPU and wall time after 1k, 2k, 5k, ...
 * events of one key (the sensor job's model for two value fields), and the rate of the last block. Run it once with and once
 * without {@code --add-modules jdk.incubator.vector}: the run length at which the vector column's cumulative time
 * drops below the plain one is where the SIMD path starts to pay.
 *
 * <p>Arguments: hidden (16), events (50000).
 */
public final class WarmUpCost {
    private WarmUpCost() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        ModelConfig cfg = JobOptions.parse("--key-field", "key", "--value-fields", "a,b", "--hidden", String.valueOf(n)).modelConfig();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ForecastingLearner l = new ForecastingLearner(cfg, 42L);
        System.out.printf(Locale.ROOT, "n=%d, kernels %s%n", n, Kernels.get().name());
        System.out.println("| events | cumulative thread CPU s | cumulative process CPU s | wall s | last block us/event |");
        long c0 = threads.getCurrentThreadCpuTime();
        long p0 = OperatorBenchmark.processCpu();
        long t0 = System.nanoTime();
        int[] marks = {500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000};
        int m = 0;
        long blockStart = c0;
        int blockEvents = 0;
        double sink = 0;
        for (int i = 0; i < events; i++) {
            Event e = OperatorBenchmark.event(i, 1);
            sink += l.observe(e.timestamp, e.values).forecast[0];
            blockEvents++;
            if (m < marks.length && i + 1 == marks[m]) {
                long c = threads.getCurrentThreadCpuTime();
                System.out.printf(Locale.ROOT, "| %,d | %.3f | %.3f | %.3f | %.1f |%n", i + 1, (c - c0) / 1e9,
                    (OperatorBenchmark.processCpu() - p0) / 1e9, (System.nanoTime() - t0) / 1e9,
                    (c - blockStart) / 1e3 / blockEvents);
                blockStart = c;
                blockEvents = 0;
                m++;
            }
        }
        if (sink == 42.4242) {
            System.out.println(sink);
        }
    }
}
