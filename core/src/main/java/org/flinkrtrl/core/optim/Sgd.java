package org.flinkrtrl.core.optim;

import java.io.DataInput;
import java.io.DataOutput;

/** Plain stochastic gradient descent: theta -= lr * g. Stateless. */
public final class Sgd implements Optimizer {
    private final double lr;
    private double factor = 1.0;

    public Sgd(double lr) {
        this.lr = lr;
    }

    @Override
    public void apply(double[] params, double[] grad) {
        for (int i = 0; i < params.length; i++) {
            params[i] -= lr * factor * grad[i];
        }
    }

    @Override
    public void setLearningRateFactor(double factor) {
        this.factor = factor;
    }

    @Override public void writeState(DataOutput out) {}
    @Override public void readState(DataInput in) {}
    @Override public void reset() {}
}
