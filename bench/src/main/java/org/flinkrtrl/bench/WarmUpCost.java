package org.flinkrtrl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.KernelWarmUp;
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
 * <p>Arguments: hidden (16), events (50000), {@code warm} to start the background kernel warm-up
 * ({@link KernelWarmUp}) first, a delay in milliseconds before the first event (0; a job's start-up, during which the
 * warm-up runs). The process columns count from the JVM's start, so they include the warm-up thread and the JIT.
 */
public final class WarmUpCost {
    private WarmUpCost() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        boolean warm = args.length > 2 && "warm".equals(args[2]);
        long delayMs = args.length > 3 ? Long.parseLong(args[3]) : 0L;
        ModelConfig cfg = JobOptions.parse("--key-field", "key", "--value-fields", "a,b", "--hidden", String.valueOf(n)).modelConfig();
        Thread warmUp = warm ? KernelWarmUp.startForForecaster(cfg) : null;
        if (delayMs > 0) {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ForecastingLearner l = new ForecastingLearner(cfg, 42L);
        System.out.printf(Locale.ROOT, "n=%d, kernels %s, warm-up %s, delay %d ms%n", n, Kernels.get().name(),
            warmUp != null ? "started" : "none", delayMs);
        System.out.println("| events | cumulative thread CPU s | process CPU s since JVM start | wall s since JVM start"
            + " | last block us/event |");
        long c0 = threads.getCurrentThreadCpuTime();
        long p0 = 0;
        long t0 = System.nanoTime() - (System.currentTimeMillis()
            - ManagementFactory.getRuntimeMXBean().getStartTime()) * 1_000_000L;
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
