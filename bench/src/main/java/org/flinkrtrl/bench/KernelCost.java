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

    static final long WARM_NS = Long.getLong("warmNs", 1_000_000_000L);

    interface Mult {
        void run();
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("prop")) {
            prop(args.length > 1 ? args[1] : "16,32,64", args.length > 2 ? args[2] : "1,2,4,8");
            return;
        }
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

    /**
     * The OK propagation {@code M_i = H A_i}, i < r, in its exact layout (term-major n x n blocks of A, outputs in
     * the first r of r+1 contiguous n x n columns of M; vanilla cell, k = n): r calls of {@code gemm} against one
     * {@code gemmTerms}, GFLOP/s in thread CPU time. Usage: {@code KernelCost prop [ns] [rs]}.
     */
    static void prop(String nList, String rList) {
        int[] ns = java.util.Arrays.stream(nList.split(",")).mapToInt(Integer::parseInt).toArray();
        int[] rs = java.util.Arrays.stream(rList.split(",")).mapToInt(Integer::parseInt).toArray();
        System.out.println("| n | r | plain gemm x r | plain gemmTerms | vector gemm x r | vector gemmTerms |");
        System.out.println("|---|---|---|---|---|---|");
        Kernels plain = Kernels.plain();
        Kernels vec = Kernels.vector();
        for (int n : ns) {
            for (int r : rs) {
                int nk = n * n;
                double[] h = new double[nk];
                double[] at = new double[r * nk];
                double[] mq = new double[(r + 1) * nk];
                for (int i = 0; i < h.length; i++) {
                    h[i] = Math.sin(i);
                }
                for (int i = 0; i < at.length; i++) {
                    at[i] = Math.cos(i);
                }
                double flops = 2.0 * r * n * n * n;
                double[] res = new double[4];
                Kernels[] ks = {plain, vec};
                for (int q = 0; q < 2; q++) {
                    Kernels kk = ks[q];
                    if (kk == null) {
                        res[2 * q] = res[2 * q + 1] = Double.NaN;
                        continue;
                    }
                    res[2 * q] = gflops(flops, () -> {
                        for (int i = 0; i < r; i++) {
                            kk.gemm(n, n, n, h, 0, n, at, i * nk, n, mq, i * nk, n);
                        }
                    });
                    try {
                        res[2 * q + 1] = gflops(flops,
                            () -> kk.gemmTerms(r, n, n, n, h, 0, n, at, 0, n, nk, mq, 0, n, nk));
                    } catch (NoSuchMethodError e) { // run against an older build's classes (before/after runs)
                        res[2 * q + 1] = Double.NaN;
                    }
                }
                System.out.printf(Locale.ROOT, "| %d | %d | %.2f | %.2f | %.2f | %.2f |%n", n, r, res[0], res[1],
                    res[2], res[3]);
            }
        }
    }

    static double gflops(int n, Mult m) {
        return gflops(2.0 * n * n * n, m);
    }

    static double gflops(double flops, Mult m) {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        long w0 = bean.getCurrentThreadCpuTime();
        long reps = 0;
        while (bean.getCurrentThreadCpuTime() - w0 < WARM_NS) {
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
            best = Math.max(best, flops * batch / secs / 1e9);
        }
        return best;
    }
}
