package org.flinkrtrl.core.learner;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.flinkrtrl.core.math.Kernels;

/**
 * JIT warm-up of the SIMD kernels in a background thread. Until C2 has compiled the Vector API kernels, every vector
 * operation runs interpreted or in C1 as a boxed object: the first few hundred training steps of a JVM cost about
 * 2 ms each instead of 10-40 us (see docs/performance.md, "Time to steady state of the SIMD path"). A job starts
 * this thread as early as it knows its model (before its cluster starts, and when an operator opens), so that the
 * compilation happens while the job is still starting up instead of on its first events.
 *
 * <p>The thread trains a throw-away network of the job's shape on a synthetic series for a fixed number of
 * steps, then ends. It shares no state with the job's models (scratch buffers are per thread, the kernels are
 * stateless) and the kernel choice never depends on it ({@link Kernels#get()} is decided once per JVM from the
 * modules present), so it changes timing only, never a result: a model gives the same bits whether the warm-up ran,
 * is still running, or never ran. Nothing is started when the JVM uses the plain kernels (their JIT warm-up is
 * about 0.1 s and needs no help) or with {@code -Dflinkrtrl.warmup=false}. Small networks are warmed up too: their
 * optimiser and clipping run on the SIMD kernels whatever the hidden size.
 */
public final class KernelWarmUp {
    /**
     * Training steps of the throw-away network: with the default compile thresholds C2 has compiled every kernel
     * after about 1,000-2,000 steps; the rest run at compiled speed and cost little.
     */
    public static final int STEPS = 3_000;
    /** At most this many warm-ups per JVM (one per distinct network shape). */
    static final int MAX_PER_JVM = 4;
    private static final Set<ModelConfig> STARTED = ConcurrentHashMap.newKeySet();
    /** System.nanoTime at the start and end of this JVM's first warm-up (end 0 while it runs), its thread CPU. */
    private static volatile long firstStart;
    private static volatile long firstEnd;
    private static volatile long firstCpu;

    private KernelWarmUp() {}

    /**
     * Starts the warm-up for a network of {@code network}'s shape in a daemon thread, unless the JVM uses the plain
     * kernels, the rows are too narrow for the SIMD ones, it is switched off, or one was already started for this
     * network in this JVM.
     *
     * @param network the network's own config (for a forecaster {@link ForecastingLearner#networkConfig})
     * @return the thread started, or null
     */
    public static Thread startInBackground(ModelConfig network) {
        if (!wanted(network) || STARTED.size() >= MAX_PER_JVM || !STARTED.add(network)) {
            return null;
        }
        boolean first = STARTED.size() == 1;
        Thread t = new Thread(() -> {
            long w0 = System.nanoTime();
            long c0 = threadCpu();
            if (first) {
                firstStart = w0;
            }
            try {
                run(network, STEPS);
            } catch (RuntimeException e) {
                return; // best effort: a warm-up that fails changes nothing but timing
            }
            if (first) {
                firstCpu = threadCpu() - c0;
                firstEnd = System.nanoTime();
            }
        }, "rtrl-kernel-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    /** For a forecaster of {@code config} (the job's model settings). */
    public static Thread startForForecaster(ModelConfig config) {
        return startInBackground(ForecastingLearner.networkConfig(config));
    }

    /**
     * One line on this JVM's first warm-up for a job's summary, relative to {@code firstOutputNanos} (System.nanoTime
     * of the job's first output), e.g. {@code "3,000 steps in 2.1 s (1.2 s CPU), done 0.8 s before the first
     * output"}; null when none was started.
     */
    public static String summary(long firstOutputNanos) {
        long s = firstStart;
        long e = firstEnd;
        if (s == 0) {
            return null;
        }
        if (e == 0) {
            return String.format(java.util.Locale.ROOT, "%,d steps, still running at the end", STEPS);
        }
        double lead = (firstOutputNanos - e) / 1e9;
        return String.format(java.util.Locale.ROOT, "%,d steps in %.1f s (%.1f s CPU), done %.1f s %s the first output",
            STEPS, (e - s) / 1e9, firstCpu / 1e9, Math.abs(lead), lead >= 0 ? "before" : "after");
    }

    private static long threadCpu() {
        java.lang.management.ThreadMXBean b = java.lang.management.ManagementFactory.getThreadMXBean();
        return b.isCurrentThreadCpuTimeSupported() ? b.getCurrentThreadCpuTime() : 0L;
    }

    static boolean wanted(ModelConfig network) {
        return !"false".equalsIgnoreCase(System.getProperty("flinkrtrl.warmup", ""))
            && Kernels.get() != Kernels.plain();
    }

    /**
     * Trains a fresh network of {@code network}'s shape for {@code steps} steps on a synthetic series (a sine per
     * input; regression targets or classes in turn). Public for the benchmarks; returns a value of the last output
     * so that the work cannot be optimised away.
     */
    public static double run(ModelConfig network, int steps) {
        OnlineLearner l = new OnlineLearner(network, network.seed());
        double[] x = new double[network.inputs()];
        double[] target = new double[network.outputs()];
        boolean regression = network.head() == ModelConfig.Head.REGRESSION;
        double sink = 0;
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.sin(0.05 * t + i);
            }
            double[] out = l.advance(x);
            sink += out[0];
            if (regression) {
                for (int i = 0; i < target.length; i++) {
                    target[i] = Math.sin(0.05 * (t + 1) + i);
                }
                l.learn(target);
            } else {
                l.learnClass(t % network.outputs());
            }
            if (!l.isFinite()) {
                l.initialise();
            }
        }
        return sink;
    }
}
