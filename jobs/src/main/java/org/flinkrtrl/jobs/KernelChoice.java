package org.flinkrtrl.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.math.Kernels;

/**
 * Which kernels a local run's JVM trains with ({@code --kernels auto|vector|plain}). On JDK 17 the Vector API
 * kernels cost about 1.5-2.5 CPU-seconds per JVM before they pay (C1 and C2 compiling them, the background warm-up),
 * and save per event an amount that grows with the model (r-OK, r = 4: about 67 us at n = 32, 17 us at n = 16, CPU of
 * the training thread; docs/performance.md, "Time to steady state of the SIMD path"). So on a bounded input whose
 * size is known before the job starts, {@code auto} keeps the plain kernels when the expected saving
 * (events x saving per event) is below that fixed cost, and the SIMD kernels are used only when they repay it:
 * starting a short run with the Vector API module never makes it slower. Unbounded inputs (Kafka) run for long, so
 * {@code auto} leaves the choice to the JVM there (SIMD when the module is present).
 *
 * <p>The choice is applied through the kernels' own switch, the system property {@code flinkrtrl.kernels}, before
 * anything loads them; the reason goes to {@code flinkrtrl.kernels.reason} and into the log line and the report's
 * {@code kernels} text. The two kernel families give the same results up to floating-point reassociation (and the
 * SIMD kernels' lane tanh), so a run's figures do not depend on the choice beyond that.
 */
final class KernelChoice {
    /** CPU-seconds the SIMD kernels cost per JVM before they pay (JDK 17, measured at n = 32; see the class doc). */
    static final double FIXED_CPU_SECONDS = 2.5;
    /** CPU-microseconds the SIMD kernels save per r-OK step at n = 32, r = 4 (plain 86 us, SIMD 19 us). */
    static final double SAVING_MICROS_N32 = 67.0;
    /** Per LRU step (linear readout; plain 0.76 us, SIMD 0.37 us at N = 8). */
    static final double SAVING_MICROS_LRU = 0.4;

    private KernelChoice() {}

    /**
     * Events a run must have for the SIMD kernels to repay their fixed cost on a network of {@code network}'s shape;
     * {@link Long#MAX_VALUE} when they never do (rows narrower than the SIMD kernels' minimum width run on the plain
     * kernels whatever the choice).
     */
    static long breakEvenEvents(ModelConfig network) {
        double saving;
        if (network.method() == Method.LRU) {
            saving = SAVING_MICROS_LRU;
        } else if (network.hidden() < Kernels.MIN_VECTOR_WIDTH) {
            return Long.MAX_VALUE;
        } else {
            // products of n x n blocks: the saving grows as n^2; r-OK's work per step as r + 1
            double n = network.hidden() / 32.0;
            double rank = network.method() == Method.OK ? (network.rank() + 1) / 5.0 : 1.0;
            saving = SAVING_MICROS_N32 * n * n * rank;
        }
        return (long) Math.ceil(FIXED_CPU_SECONDS * 1e6 / saving);
    }

    /**
     * The decision for a run of {@code events} events ({@code -1}: unbounded or unknown) of {@code network}:
     * null to leave the JVM's default (SIMD when the module is present), else the reason for the plain kernels.
     */
    static String plainReason(String option, long events, ModelConfig network) {
        if ("vector".equals(option)) {
            return null;
        }
        if ("plain".equals(option)) {
            return "--kernels plain";
        }
        if (events < 0) {
            return null;
        }
        long breakEven = breakEvenEvents(network);
        if (breakEven == Long.MAX_VALUE) {
            return String.format(Locale.ROOT, "--kernels auto: n = %d, the SIMD kernels do not pay below n = %d; "
                + "--kernels vector to force them", network.hidden(), Kernels.MIN_VECTOR_WIDTH);
        }
        if (events >= breakEven) {
            return null;
        }
        return String.format(Locale.ROOT, "--kernels auto: %,d events at n = %d, below the %,d events at which the "
            + "SIMD kernels repay their JIT cost; --kernels vector to force them", events, network.hidden(), breakEven);
    }

    /** Counts a bounded input's events up to a cap (-1 when the input is unbounded or unknown). */
    interface EventCount {
        long upTo(long cap) throws IOException;
    }

    /**
     * Applies the choice for this JVM before anything loads the kernels: sets {@code flinkrtrl.kernels=plain} when
     * the plain kernels are chosen (a {@code -Dflinkrtrl.kernels=plain} given by the user stays).
     *
     * @return the reason for the plain kernels, or null when the JVM's default stays
     */
    static String apply(String option, ModelConfig network, EventCount input) throws IOException {
        long events = -1;
        // count only where the count can change the choice: auto, a JVM with the SIMD kernels, a model they can pay
        // for; and only up to the break-even, so a long input is not read through before the job starts
        if ("auto".equals(option) && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            long breakEven = breakEvenEvents(network);
            events = breakEven == Long.MAX_VALUE ? 0 : input.upTo(breakEven);
        }
        String reason = plainReason(option, events, network);
        if (reason != null && !"plain".equalsIgnoreCase(System.getProperty(Kernels.PROPERTY, ""))) {
            System.setProperty(Kernels.PROPERTY, "plain");
            System.setProperty(Kernels.REASON_PROPERTY, reason);
        }
        return reason;
    }

    /**
     * Events in a line-oriented input (its lines; a CSV header counts as one), counted until {@code cap} is reached:
     * -1 when it is not a readable file.
     */
    static long events(Path file, long cap) throws IOException {
        if (!Files.isRegularFile(file)) {
            return -1;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return events(in, cap);
        }
    }

    /** As above, of a stream (the bundled data); reads it to its end or until {@code cap} lines. */
    static long events(InputStream in, long cap) throws IOException {
        byte[] buf = new byte[1 << 16];
        long lines = 0;
        int last = '\n';
        int r;
        while (lines < cap && (r = in.read(buf)) > 0) {
            for (int i = 0; i < r; i++) {
                if (buf[i] == '\n') {
                    lines++;
                }
            }
            last = buf[r - 1];
        }
        return last == '\n' ? lines : lines + 1; // a last line without its newline
    }
}
