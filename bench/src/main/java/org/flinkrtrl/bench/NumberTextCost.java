package org.flinkrtrl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.flinkrtrl.connectors.DoubleText;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.record.Prediction;

/**
 * CPU per number of the output formats' double writer ({@link DoubleText}) against the JDK's own
 * {@code StringBuilder.append(double)}, alternating rounds in one JVM, on every finite number of the predictions of a
 * file (e.g. the demo's predictions.jsonl), in their order. On JDK 19 and later the JDK's writer is Giulietti's
 * Schubfach, tuned by its author, so running this on a JDK 25 (beside the default 17, where the JDK's writer is the
 * older FloatingDecimal) says how far {@code DoubleText} is from a reference implementation of the same algorithm.
 *
 * <pre>
 * java -cp core/target/classes:$(bench/classpath.sh) org.flinkrtrl.bench.NumberTextCost predictions.jsonl 20
 * </pre>
 */
public final class NumberTextCost {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private NumberTextCost() {}

    public static void main(String[] args) throws Exception {
        double[] numbers = numbers(Files.readAllLines(Path.of(args[0])).stream().map(PredictionJson::fromJson).toList());
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        double[] own = new double[rounds];
        double[] jdk = new double[rounds];
        long sink = 0;
        byte[] buf = new byte[DoubleText.MAX_CHARS];
        StringBuilder sb = new StringBuilder(DoubleText.MAX_CHARS);
        for (int r = 0; r < rounds; r++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            for (int rep = 0; rep < 10; rep++) {
                for (double v : numbers) {
                    sink += DoubleText.write(v, buf, 0) + buf[0];
                }
            }
            long t1 = THREADS.getCurrentThreadCpuTime();
            for (int rep = 0; rep < 10; rep++) {
                for (double v : numbers) {
                    sb.setLength(0);
                    sb.append(v);
                    sink += sb.length() + sb.charAt(0);
                }
            }
            long t2 = THREADS.getCurrentThreadCpuTime();
            own[r] = (t1 - t0) / (10.0 * numbers.length);
            jdk[r] = (t2 - t1) / (10.0 * numbers.length);
            System.out.printf(Locale.ROOT, "round %d: DoubleText %.1f ns/number, StringBuilder.append(double) %.1f%n", r,
                own[r], jdk[r]);
        }
        // the first half of the rounds is JIT warm-up
        double[] a = Arrays.copyOfRange(own, rounds / 2, rounds);
        double[] b = Arrays.copyOfRange(jdk, rounds / 2, rounds);
        Arrays.sort(a);
        Arrays.sort(b);
        int m = a.length / 2;
        System.out.printf(Locale.ROOT, "%d numbers, Java %s, median of the last %d rounds: DoubleText %.1f ns, "
            + "StringBuilder.append(double) %.1f ns per number (ratio %.2f)%n", numbers.length,
            System.getProperty("java.version"), a.length, a[m], b[m], a[m] / b[m]);
        if (sink == 42) {
            System.out.println(sink);
        }
    }

    /** The finite numbers a prediction's line carries, in the line writer's order of fields. */
    private static double[] numbers(List<Prediction> ps) {
        double[] out = new double[64 * ps.size()];
        int n = 0;
        for (Prediction p : ps) {
            for (double[] a : new double[][] {p.actual, p.forecast, p.previousForecast, p.scale, p.lower, p.upper,
                p.previousLower, p.previousUpper}) {
                for (double v : a) {
                    if (Double.isFinite(v)) {
                        out[n++] = v;
                    }
                }
            }
            for (double v : new double[] {p.loss, p.anomalyScore, p.surprise, p.likelihood, p.sustained,
                p.level, p.rollingError}) {
                if (Double.isFinite(v)) {
                    out[n++] = v;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }
}
