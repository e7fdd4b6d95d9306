package org.flinkrtrl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.flinkrtrl.core.math.Kernels;

/**
 * GFLOP/s of the dominant product (an n x n by n x n matrix product, the H A_i of OK at k = n) in thread CPU time:
 * EJML's CommonOps_DDRM.mult, a plain triple loop, and the project's plain and (with --add-modules
 * jdk.incubator.vector) Vector API kernels. Usage: {@code KernelCost [n,...]}.
 */
public final class KernelCost {
    private KernelCost() {}

    interface Mult {
        void run();
    }

    public static void main(String[] args) {
        int[] ns = java.util.Arrays.stream((args.length > 0 ? args[0] : "8,16,32,64,128").split(","))
            .mapToInt(Integer::parseInt).toArray();
        System.out.println("| n | EJML mult | triple loop | Kernels.plain | Kernels.vector |");
        System.out.println("|---|---|---|---|---|");
        for (int n : ns) {
            double[] a = new double[n * n];
            double[] b = new double[n * n];
            double[] c = new double[n * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = Math.sin(i);
                b[i] = Math.cos(i);
            }
            DMatrixRMaj ma = DMatrixRMaj.wrap(n, n, a);
            DMatrixRMaj mb = DMatrixRMaj.wrap(n, n, b);
            DMatrixRMaj mc = DMatrixRMaj.wrap(n, n, c);
            Kernels plain = Kernels.plain();
            Kernels vec = Kernels.vector();
            double e = gflops(n, () -> CommonOps_DDRM.mult(ma, mb, mc));
            double t = gflops(n, () -> {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < n; p++) {
                            s += a[i * n + p] * b[p * n + j];
                        }
                        c[i * n + j] = s;
                    }
                }
            });
            double p = gflops(n, () -> plain.gemm(n, n, n, a, 0, n, b, 0, n, c, 0, n));
            double v = vec == null ? Double.NaN : gflops(n, () -> vec.gemm(n, n, n, a, 0, n, b, 0, n, c, 0, n));
            System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %s |%n", n, e, t, p,
                vec == null ? "n/a (no module)" : String.format(Locale.ROOT, "%.2f", v));
        }
    }

    static double gflops(int n, Mult m) {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        long w0 = bean.getCurrentThreadCpuTime();
        long reps = 0;
        while (bean.getCurrentThreadCpuTime() - w0 < 1_000_000_000L) {
            m.run();
            reps++;
        }
        long batch = Math.max(1, reps / 4);
        double best = 0;
        for (int round = 0; round < 5; round++) {
            long c0 = bean.getCurrentThreadCpuTime();
            for (long i = 0; i < batch; i++) {
                m.run();
            }
            double secs = (bean.getCurrentThreadCpuTime() - c0) / 1e9;
            best = Math.max(best, 2.0 * n * n * n * batch / secs / 1e9);
        }
        return best;
    }
}
