package org.flinkrtrl.jobs;

import java.lang.management.ManagementFactory;

/**
 * When a run's first output was written, in this JVM: wall-clock nanoseconds and the process's CPU time at that
 * moment, so a bounded run on the embedded cluster can report its steady state (first output to the last) without
 * its start-up. Set by the first {@link JsonLinesSink} write that marks it after {@link #reset}; meaningful only
 * when the job runs in this JVM and one run at a time.
 */
public final class OutputClock {
    private static volatile long firstNanos;
    private static volatile long firstCpuNanos;

    private OutputClock() {}

    /** Forgets the last run's mark. */
    public static synchronized void reset() {
        firstNanos = 0;
        firstCpuNanos = 0;
    }

    /** Marks now as the first output unless a mark was set since the last reset. */
    static synchronized void mark() {
        if (firstNanos == 0) {
            firstCpuNanos = processCpuNanos();
            firstNanos = System.nanoTime();
        }
    }

    /** {@link System#nanoTime()} at the first output since the last reset; 0 when there was none. */
    public static long firstNanos() {
        return firstNanos;
    }

    /** The process's CPU time at the first output since the last reset; 0 when there was none. */
    public static long firstCpuNanos() {
        return firstCpuNanos;
    }

    /** CPU time of this JVM, all threads, nanoseconds. */
    public static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }
}
