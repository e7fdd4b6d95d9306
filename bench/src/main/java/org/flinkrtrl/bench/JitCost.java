package org.flinkrtrl.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.KernelWarmUp;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.jobs.JobOptions;
import org.flinkrtrl.record.Event;

/**
 * Where a fresh JVM's CPU goes on the way to the learner's steady state, by thread: the background kernel warm-up
 * ({@link KernelWarmUp}, run to its end first), then {@code events} events of one key (the sensor job's model for two
 * value fields) on the main thread; at the end the process CPU split into the main thread, the C1 and C2 compiler
 * threads, GC, other live threads and threads that have ended (the warm-up), from {@code /proc/self/task} (Linux).
 * Run it with different JVM options (kernels, compile commands) to see what each costs.
 *
 * <p>Arguments: hidden (16), events (20000), {@code warm} or {@code nowarm}.
 */
public final class JitCost {
    private JitCost() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        boolean warm = args.length <= 2 || "warm".equals(args[2]);
        ModelConfig cfg = JobOptions.parse("--key-field", "key", "--value-fields", "a,b", "--hidden",
            String.valueOf(n)).modelConfig();
        Thread w = warm ? KernelWarmUp.startForForecaster(cfg) : null;
        long waited = 0;
        if (w != null) {
            long t0 = System.nanoTime();
            w.join();
            waited = (System.nanoTime() - t0) / 1_000_000;
        }
        ForecastingLearner l = new ForecastingLearner(cfg, 42L);
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long c0 = tm.getCurrentThreadCpuTime();
        double sink = 0;
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < events; i++) {
            Event e = OperatorBenchmark.event(i, 1);
            sink += l.observe(e.timestamp, e.values).forecast[0];
            if (i + 1 == 500 || i + 1 == 2000 || i + 1 == events) {
                marks.append(String.format(Locale.ROOT, " %.2f", (tm.getCurrentThreadCpuTime() - c0) / 1e9));
            }
        }
        Map<String, Long> byThread = threadTicks();
        long sum = byThread.values().stream().mapToLong(Long::longValue).sum();
        long proc = OperatorBenchmark.processCpu() / 10_000_000L;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "n=%d %s: process CPU %.2f s = ended threads"
            + " (warm-up) %.2f", n, org.flinkrtrl.core.math.Kernels.get().name(), proc / 100.0, (proc - sum) / 100.0));
        for (String k : List.of("main", "C1", "C2", "GC", "other")) {
            sb.append(String.format(Locale.ROOT, " + %s %.2f", k, byThread.getOrDefault(k, 0L) / 100.0));
        }
        sb.append(" | main thread CPU after 500 / 2,000 / ").append(events).append(" events:").append(marks)
            .append(" s | waited ").append(waited).append(" ms for the warm-up");
        System.out.println(sb);
        if (sink == 42.4242) {
            System.out.println(sink);
        }
    }

    /** CPU ticks (1/100 s) of the live threads by kind, from /proc/self/task/N/stat and comm. */
    static Map<String, Long> threadTicks() throws IOException {
        Map<String, Long> m = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : ds) {
                String stat;
                String comm;
                try {
                    stat = Files.readString(t.resolve("stat"));
                    comm = Files.readString(t.resolve("comm")).trim();
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                String kind = comm.startsWith("C1 ") ? "C1" : comm.startsWith("C2 ") ? "C2"
                    : comm.startsWith("GC") || comm.startsWith("G1") ? "GC" : "java".equals(comm) ? "main" : "other";
                m.merge(kind, ticks, Long::sum);
            }
        }
        return m;
    }
}
