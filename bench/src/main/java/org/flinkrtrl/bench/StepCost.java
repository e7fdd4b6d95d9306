package org.flinkrtrl.bench;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSettings;
import org.flinkrtrl.core.learner.OnlineLearner;
import org.flinkrtrl.core.math.Rng;

/**
 * Companion of {@link TrainingStepBench} for a shared, overloaded machine: measures the same training step
 * (advance + learn) in thread CPU time, which is much less sensitive to other processes than JMH's wall-clock
 * throughput. Prints a markdown table: events per CPU-second (median and best of 5 rounds of ~0.3 s CPU), the
 * estimator's nominal flops per step and the GFLOP/s that implies, the learner's checkpoint size (state bytes per
 * key, {@code LearnerCodec}), and the log-log slopes of time against n and r. Method LRU: n is the number of complex
 * units, with the default readout (linear); {@code LRUMLPF}: the LRU with an MLP readout of F features.
 *
 * <pre>java [--add-modules jdk.incubator.vector] -cp ... org.flinkrtrl.bench.StepCost [methods] [ns] [rs] [inputs] [outputs] [readout clip]
 *   e.g. StepCost OK,KF,UORO,RTRL 8,16,32,64,128 1,2,4,8,16
 *        StepCost OK,LRU 32,8,16 4 4 2 1   (the sensor forecaster's network: 2 channels, readout clipping 1)</pre>
 * Exact RTRL runs only for n <= 64; KF and UORO ignore r. Inputs and outputs default to 1, readout clipping to off.
 */
public final class StepCost {
    private StepCost() {}

    /**
     * Sequence reset every 1,000 events (spec G.10's periodic resets for endless streams): without it KF-RTRL's
     * influence estimate overflows after ~90k events on this input.
     */
    static final int RESET_PERIOD = 1000;

    /** Network inputs n_x and outputs, and the readout's clipping norm (0 = off), from the command line. */
    static int inputs = 1;
    static int outputs = 1;
    static double readoutClip = 0.0;

    public static void main(String[] args) {
        String[] methods = (args.length > 0 ? args[0] : "OK,KF,UORO,RTRL").split(",");
        int[] ns = ints(args.length > 1 ? args[1] : "8,16,32,64,128");
        int[] rs = ints(args.length > 2 ? args[2] : "1,2,4,8,16");
        inputs = Integer.parseInt(args.length > 3 ? args[3] : "1");
        outputs = Integer.parseInt(args.length > 4 ? args[4] : "1");
        readoutClip = Double.parseDouble(args.length > 5 ? args[5] : "0");
        System.out.printf(Locale.ROOT, "# kernels=%s java=%s inputs=%d outputs=%d readout-clip=%s cores=%d load=%.1f%n",
            kernelsName(), System.getProperty("java.version"), inputs, outputs, readoutClip, Runtime.getRuntime().availableProcessors(),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println("| method | n | r | events/s (CPU, median) | best | us/event | MFLOP/event | GFLOP/s "
            + "| state B |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String mName : methods) {
            String name = mName.trim();
            int width = LRU_READOUT_WIDTH.defaultValue();
            if (name.startsWith("LRUMLP")) {
                width = Integer.parseInt(name.substring(6));
                name = "LRU";
            }
            Method method = Method.valueOf(name);
            List<double[]> pts = new ArrayList<>();
            for (int n : ns) {
                if (method == Method.RTRL && n > 64) {
                    continue;
                }
                for (int r : (method == Method.OK ? rs : new int[] {1})) {
                    double[] res = measure(method, n, r, width);
                    double flops = flops(method, n, r, width);
                    System.out.printf(Locale.ROOT, "| %s | %d | %s | %,.0f | %,.0f | %.2f | %.3f | %.2f | %,d |%n",
                        method == Method.LRU && width > 0 ? "LRU MLP " + width : method, n, method == Method.OK ? Integer.toString(r) : "-", res[0], res[1], 1e6 / res[0],
                        flops / 1e6, flops * res[0] / 1e9, (long) res[2]);
                    pts.add(new double[] {n, r, 1.0 / res[0]});
                }
            }
            printSlopes(method, pts);
        }
    }

    /** Nominal flops of one step, vanilla cell (k = n, m = n + n_x + 1): the estimator's dominant terms. */
    static double flops(Method method, int n, int r, int width) {
        double k = n;
        double m = n + inputs + 1;
        double nk = n * k;
        double common = 2 * k * m + 10.0 * k * m; // forward W a, Adam and clipping on k m weights
        switch (method) {
            case OK: {
                double r1 = r + 1;
                double prop = 2.0 * r * n * n * k;             // H A_i
                double qr = 2.0 * nk * r1 * r1 + 2.0 * m * r1 * r1; // Householder QR of M and V
                double rebuild = 4.0 * nk * r * r1 + 4.0 * m * r * r1; // reflectors applied to Yc P, Xc P
                double grad = 2.0 * r * (nk + k * m);
                return prop + qr + rebuild + grad + common;
            }
            case KF:
                return 2.0 * n * n * k + 6 * nk + 2 * (nk + k * m) + common;
            case UORO:
                return 2.0 * n * k + 6.0 * k * m + common;
            case RTRL:
                return 2.0 * n * n * k * m + 2.0 * n * k * m + common;
            case LRU: {
                // N = n complex units, readout on [Re h; Im h; x; 1] (m1 = 2n + n_x + 1): an MLP of F = width
                // features (or linear, F = 0): recurrence + traces ~ 40 n + 20 n n_x, the readout's forward and
                // backward 6 F m1 + 6 outputs (F + 1) (linear: 6 outputs m1), Adam and clipping 10 flops per
                // parameter (3n + 2n n_x recurrent, F m1 + outputs (F + 1) readout; linear: outputs m1)
                double m1 = 2.0 * n + inputs + 1;
                double readoutParams = width > 0 ? width * m1 + outputs * (width + 1.0) : outputs * m1;
                return 40.0 * n + 20.0 * n * inputs + 6.0 * readoutParams + 10.0 * (3.0 * n + 2.0 * n * inputs + readoutParams);
            }
            default:
                return Double.NaN;
        }
    }

    static double[] measure(Method method, int n, int r, int width) {
        ModelConfig cfg = ModelConfig.builder().set(HIDDEN, n).set(INPUTS, inputs).set(OUTPUTS, outputs)
            .set(METHOD, method).set(LRU_READOUT_WIDTH, width).set(RANK, r).set(SEED, 7L).set(READOUT_CLIP_NORM, readoutClip)
            .set(ModelSettings.RESET_PERIOD, RESET_PERIOD).build();
        OnlineLearner learner = new OnlineLearner(cfg);
        Rng noise = new Rng(11L);
        int len = 4096;
        double[][] in = new double[len + 1][inputs];
        double[][] target = new double[len + 1][outputs];
        for (int i = 0; i <= len; i++) {
            for (int j = 0; j < inputs; j++) {
                in[i][j] = Math.sin(2 * Math.PI * i / (37.0 + j)) + 0.5 * Math.sin(2 * Math.PI * i / 11.0)
                    + 0.1 * noise.nextGaussian();
            }
        }
        for (int i = 0; i < len; i++) {
            for (int j = 0; j < outputs; j++) {
                target[i][j] = in[i + 1][j % inputs];
            }
        }
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        int t = 0;
        // warm-up: at least 200 steps and 1.5 s of CPU
        long w0 = bean.getCurrentThreadCpuTime();
        int warm = 0;
        while (warm < 200 || bean.getCurrentThreadCpuTime() - w0 < 1_500_000_000L) {
            learner.advance(in[t]);
            learner.learn(target[t]);
            t = (t + 1) & (len - 1);
            warm++;
        }
        double perStep = (bean.getCurrentThreadCpuTime() - w0) / (double) warm;
        int batch = (int) Math.max(1, Math.min(5_000_000, 300_000_000L / Math.max(perStep, 1.0)));
        double[] rates = new double[5];
        for (int round = 0; round < rates.length; round++) {
            long c0 = bean.getCurrentThreadCpuTime();
            for (int i = 0; i < batch; i++) {
                learner.advance(in[t]);
                learner.learn(target[t]);
                t = (t + 1) & (len - 1);
            }
            long c1 = bean.getCurrentThreadCpuTime();
            rates[round] = batch / ((c1 - c0) / 1e9);
        }
        if (!learner.isFinite()) {
            System.out.println("# note: " + method + " n=" + n + " r=" + r + " diverged (non-finite weights)");
        }
        Arrays.sort(rates);
        long stateBytes = org.flinkrtrl.core.learner.LearnerCodec.toBytes(learner).length;
        return new double[] {rates[rates.length / 2], rates[rates.length - 1], stateBytes};
    }

    /** Least-squares slope of log(time) against log(n) at fixed r, and against log(r) at fixed n. */
    static void printSlopes(Method method, List<double[]> pts) {
        StringBuilder sb = new StringBuilder("slopes " + method + ":");
        java.util.TreeSet<Double> rsSeen = new java.util.TreeSet<>();
        java.util.TreeSet<Double> nsSeen = new java.util.TreeSet<>();
        for (double[] p : pts) {
            rsSeen.add(p[1]);
            nsSeen.add(p[0]);
        }
        for (double r : rsSeen) {
            List<double[]> xy = new ArrayList<>();
            for (double[] p : pts) {
                if (p[1] == r) {
                    xy.add(new double[] {Math.log(p[0]), Math.log(p[2])});
                }
            }
            if (xy.size() >= 2) {
                sb.append(String.format(Locale.ROOT, " d log t / d log n (r=%d) = %.2f;", (int) r, slope(xy)));
            }
        }
        if (method == Method.OK) {
            for (double n : nsSeen) {
                List<double[]> xy = new ArrayList<>();
                for (double[] p : pts) {
                    if (p[0] == n) {
                        xy.add(new double[] {Math.log(p[1]), Math.log(p[2])});
                    }
                }
                if (xy.size() >= 2) {
                    sb.append(String.format(Locale.ROOT, " d log t / d log r (n=%d) = %.2f;", (int) n, slope(xy)));
                }
            }
        }
        System.out.println();
        System.out.println(sb);
        System.out.println();
    }

    static double slope(List<double[]> xy) {
        double mx = 0;
        double my = 0;
        for (double[] p : xy) {
            mx += p[0];
            my += p[1];
        }
        mx /= xy.size();
        my /= xy.size();
        double sxy = 0;
        double sxx = 0;
        for (double[] p : xy) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        return sxy / sxx;
    }

    /** Kernels in use, via reflection so this class also runs against builds without them (the baseline). */
    static String kernelsName() {
        try {
            Class<?> kc = Class.forName("org.flinkrtrl.core.math.Kernels");
            return (String) kc.getMethod("name").invoke(kc.getMethod("get").invoke(null));
        } catch (ReflectiveOperationException | LinkageError e) {
            return "none (EJML/plain loops)";
        }
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
    }
}
