package org.flinkrtrl.core.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.flinkrtrl.core.math.Kernels;

/**
 * Adam (Kingma and Ba) with bias correction, in the TF1 form the spec's setup uses:
 * lr_t = lr sqrt(1 - b2^t) / (1 - b1^t); theta -= lr_t m / (sqrt(v) + eps).
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
    }

    @Override
    public void apply(double[] params, double[] grad) {
        t++;
        double lrT = lr * factor * Math.sqrt(1.0 - Math.pow(beta2, t)) / (1.0 - Math.pow(beta1, t));
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
}
