package org.flinkrtrl.core.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.flinkrtrl.core.math.Kernels;

/**
 * Adam (Kingma and Ba) with bias correction, in the TF1 form the spec's setup uses:
 * lr_t = lr sqrt(1 - b2^t) / (1 - b1^t); theta -= lr_t m / (sqrt(v) + eps).
 *
 * <p>The bias correction costs two {@code Math.pow} per step, which a small model notices. Both factors are computed
 * exactly as written, but {@code 1 - b^t} is taken as 1.0 from the first t on where it rounds to 1.0 (then it stays
 * 1.0: {@code Math.pow} is semi-monotonic; about 37,000 steps at b = 0.999, where a long-running key spends its life):
 * the same bits as evaluating the formula, without the calls.
 */
public final class Adam implements Optimizer {
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double[] mom1;
    private final double[] mom2;
    private long t;
    private double factor = 1.0;
    /** Element-wise update on the kernels (SIMD when available; the same bits either way). */
    private final Kernels kern;

    public Adam(int size, double lr, double beta1, double beta2, double eps) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.mom1 = new double[size];
        this.mom2 = new double[size];
        this.kern = Kernels.forWidth(size);
        Saturation.of(beta1, beta2); // computed here, never on a step
    }

    @Override
    public void apply(double[] params, double[] grad) {
        t++;
        // The saturation points are looked up rather than held (no bytes per key); when the latest pair of betas
        // constructed is another (several configs in one JVM), the formula is evaluated in full: same bits.
        Saturation sat = Saturation.last;
        boolean known = sat != null && sat.beta1 == beta1 && sat.beta2 == beta2;
        double sqrtFactor = known && t >= sat.t2 ? 1.0 : Math.sqrt(1.0 - Math.pow(beta2, t));
        double denomFactor = known && t >= sat.t1 ? 1.0 : 1.0 - Math.pow(beta1, t);
        double lrT = lr * factor * sqrtFactor / denomFactor;
        kern.adam(params, grad, mom1, mom2, params.length, beta1, beta2, lrT, eps);
    }

    @Override
    public void setLearningRateFactor(double factor) {
        this.factor = factor;
    }

    public long steps() {
        return t;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeLong(t);
        StateArrays.write(out, mom1);
        StateArrays.write(out, mom2);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        t = in.readLong();
        StateArrays.read(in, mom1);
        StateArrays.read(in, mom2);
    }

    @Override
    public void reset() {
        t = 0;
        java.util.Arrays.fill(mom1, 0.0);
        java.util.Arrays.fill(mom2, 0.0);
    }

    /** The first step counts at which {@code 1 - beta^t} rounds to 1.0, for the latest pair of betas constructed. */
    static final class Saturation {
        static volatile Saturation last;
        final double beta1;
        final double beta2;
        final long t1;
        final long t2;

        private Saturation(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.t1 = firstExactOne(beta1);
            this.t2 = firstExactOne(beta2);
        }

        static Saturation of(double beta1, double beta2) {
            Saturation s = last;
            if (s == null || s.beta1 != beta1 || s.beta2 != beta2) {
                s = new Saturation(beta1, beta2);
                last = s;
            }
            return s;
        }

        /**
         * The smallest t >= 1 with {@code 1.0 - Math.pow(b, t) == 1.0} (Long.MAX_VALUE when b is outside [0, 1) or t
         * would be astronomically large). From there on it stays 1.0, since {@code Math.pow} is semi-monotonic.
         */
        static long firstExactOne(double b) {
            if (b == 0.0) {
                return 1;
            }
            if (!(b > 0.0 && b < 1.0)) {
                return Long.MAX_VALUE;
            }
            double estimate = Math.ceil(54 * Math.log(2.0) / -Math.log(b)); // b^t <= 2^-54
            if (!(estimate < 1e15)) {
                return Long.MAX_VALUE;
            }
            long t = Math.max(1L, (long) estimate);
            while (t > 1 && 1.0 - Math.pow(b, t - 1) == 1.0) {
                t--;
            }
            while (1.0 - Math.pow(b, t) != 1.0) {
                t++;
            }
            return t;
        }
    }
}
