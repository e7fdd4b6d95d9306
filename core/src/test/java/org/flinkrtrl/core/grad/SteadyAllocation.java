package org.flinkrtrl.core.grad;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

/** The measuring loop of the allocation tests: the bytes a step allocates once the JIT has settled. */
final class SteadyAllocation {
    private SteadyAllocation() {}

    /**
     * Runs {@code step} {@code warmUp} times, then in batches of 1,000 until a batch allocates less than 1,000 x
     * {@code settledBytesPerStep} (for up to 60 s: the Vector API kernels allocate until C2 has compiled and
     * intrinsified them, and on a loaded host its single thread can take tens of seconds to get to them), then
     * returns the bytes that {@code measured} more steps allocate on this thread. Skips the test on a JVM that
     * cannot count allocated bytes per thread.
     */
    static long bytes(Runnable step, int warmUp, long settledBytesPerStep, int measured) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) bean;
        long tid = Thread.currentThread().getId();
        for (int t = 0; t < warmUp; t++) {
            step.run();
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            long b0 = tb.getThreadAllocatedBytes(tid);
            for (int t = 0; t < 1000; t++) {
                step.run();
            }
            if (tb.getThreadAllocatedBytes(tid) - b0 < 1000L * settledBytesPerStep) {
                break;
            }
        }
        long before = tb.getThreadAllocatedBytes(tid);
        for (int t = 0; t < measured; t++) {
            step.run();
        }
        return tb.getThreadAllocatedBytes(tid) - before;
    }
}
