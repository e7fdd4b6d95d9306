package org.flinkrtrl.jobs;

import java.lang.management.ManagementFactory;

/**
 * When a run's outputs were written, in this JVM: wall-clock nanoseconds and the process's CPU time at the first
 * output, and, when {@link #window} was set, at the moment the run's output count reached a given number (the start
 * of its steady state) and its expected total (the last output), so a bounded run on the embedded cluster can report
 * its whole run (first output to the end) and its steady state without start-up and shutdown. The first output is marked by the
 * {@link JsonLinesSink} writers that mark it, the count by {@link ProgressLogger} (the forecaster's predictions, added
 * in blocks of {@value #BLOCK} and the rest when a subtask closes, so a count is exact to within a block per
 * subtask); meaningful only when the job runs in this JVM and one run at a time.
 */
public final class OutputClock {
    /** Outputs a writer counts before adding them to the shared count. */
    public static final int BLOCK = 1024;

    private static volatile long firstNanos;
    private static volatile long firstCpuNanos;
    private static long outputs;
    private static long steadyAt = Long.MAX_VALUE;
    private static long endAt = Long.MAX_VALUE;
    private static volatile long steadyNanos;
    private static volatile long steadyCpuNanos;
    private static volatile long steadyOutputs;
    private static volatile long endNanos;
    private static volatile long endCpuNanos;
    private static volatile long endOutputs;

    private OutputClock() {}

    /** Forgets the last run's marks and output count (the window set by {@link #window} stays). */
    public static synchronized void reset() {
        firstNanos = 0;
        firstCpuNanos = 0;
        outputs = 0;
        steadyNanos = 0;
        steadyCpuNanos = 0;
        steadyOutputs = 0;
        endNanos = 0;
        endCpuNanos = 0;
        endOutputs = 0;
    }

    /**
     * Marks, from the next run on, the moment the run's outputs reach {@code steadyAt} (the steady state's start) and
     * {@code endAt} (its end, the expected total); {@link Long#MAX_VALUE} for neither.
     */
    public static synchronized void window(long steadyAt, long endAt) {
        OutputClock.steadyAt = steadyAt;
        OutputClock.endAt = endAt;
    }

    /** Marks now as the first output unless a mark was set since the last reset. */
    static synchronized void mark() {
        if (firstNanos == 0) {
            firstCpuNanos = processCpuNanos();
            firstNanos = System.nanoTime();
        }
    }

    /** Adds {@code count} outputs and marks the window's ends when the total reaches them. */
    static synchronized void outputs(long count) {
        long before = outputs;
        outputs += count;
        if (before < steadyAt && outputs >= steadyAt) {
            steadyCpuNanos = processCpuNanos();
            steadyNanos = System.nanoTime();
            steadyOutputs = outputs;
        }
        if (before < endAt && outputs >= endAt) {
            endCpuNanos = processCpuNanos();
            endNanos = System.nanoTime();
            endOutputs = outputs;
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

    /** {@link System#nanoTime()} when the outputs reached the window's start; 0 when they did not. */
    public static long steadyNanos() {
        return steadyNanos;
    }

    /** The process's CPU time when the outputs reached the window's start; 0 when they did not. */
    public static long steadyCpuNanos() {
        return steadyCpuNanos;
    }

    /** The output count at the window's start (at least its start, within a block). */
    public static long steadyOutputs() {
        return steadyOutputs;
    }

    /** {@link System#nanoTime()} when the outputs reached the window's end; 0 when they did not. */
    public static long endNanos() {
        return endNanos;
    }

    /** The process's CPU time when the outputs reached the window's end; 0 when they did not. */
    public static long endCpuNanos() {
        return endCpuNanos;
    }

    /** The output count at the window's end. */
    public static long endOutputs() {
        return endOutputs;
    }

    /** CPU time of this JVM, all threads, nanoseconds. */
    public static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }
}
