package org.flinkrtrl.flink;

import java.util.concurrent.atomic.LongAdder;

/**
 * Where the forecaster's thread spends an event, for benchmarks: with {@code -Dflinkrtrl.partTimers=true} the
 * forecaster times (System.nanoTime, wall) the learner's {@code observe}, its whole {@code processElement} and the
 * hand-over of the prediction downstream (the chained output: the file sink's JSON and write, or the Kafka sink's
 * encoding and send), and the file sink its own {@code write}; {@code bench JobThroughput} prints the means per event
 * of every file and Kafka run. Off (the default) the checks are on a static final flag, which the JIT folds away. Totals over every
 * subtask of the JVM.
 */
public final class PartTimers {
    /** Whether the parts are timed; read once, from the system property {@code flinkrtrl.partTimers}. */
    public static final boolean ON = Boolean.getBoolean("flinkrtrl.partTimers");

    private static final LongAdder EVENTS = new LongAdder();
    private static final LongAdder OBSERVE = new LongAdder();
    private static final LongAdder PROCESS = new LongAdder();
    private static final LongAdder OUTPUT = new LongAdder();
    private static final LongAdder SINK_WRITE = new LongAdder();

    private PartTimers() {}

    /** One learned event whose observe took {@code nanos}. */
    static void observe(long nanos) {
        EVENTS.increment();
        OBSERVE.add(nanos);
    }

    static void process(long nanos) {
        PROCESS.add(nanos);
    }

    static void output(long nanos) {
        OUTPUT.add(nanos);
    }

    /** A file sink's write of one record. */
    public static void sinkWrite(long nanos) {
        SINK_WRITE.add(nanos);
    }

    public static void reset() {
        EVENTS.reset();
        OBSERVE.reset();
        PROCESS.reset();
        OUTPUT.reset();
        SINK_WRITE.reset();
    }

    /** Learned events since the last reset. */
    public static long events() {
        return EVENTS.sum();
    }

    /**
     * Means per learned event, microseconds: observe, processElement, the output hand-over (within processElement)
     * and the file sink's write (within the hand-over).
     */
    public static double[] microsPerEvent() {
        double n = Math.max(1, EVENTS.sum());
        return new double[] {OBSERVE.sum() / 1e3 / n, PROCESS.sum() / 1e3 / n, OUTPUT.sum() / 1e3 / n,
            SINK_WRITE.sum() / 1e3 / n};
    }
}
