package org.flinkrtrl.core.learner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;
import org.flinkrtrl.core.grad.Method;

/**
 * Everything that defines a per-stream model: cell, sizes, gradient method, optimiser, resets, seed, and the
 * forecaster's normalisation, anomaly and divergence settings. Immutable, validated on build, and written into
 * every learner state so a restored model is self-describing.
 */
public final class ModelConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum CellType { TANH, GATED }

    public enum Head { REGRESSION, SOFTMAX }

    public enum OptimizerType { ADAM, SGD }

    public final CellType cell;
    public final int hidden;
    public final int inputs;
    /** Regression: number of outputs; softmax: number of classes. */
    public final int outputs;
    public final Head head;
    /** Huber threshold for the regression loss; 0 = squared error. */
    public final double huberDelta;
    public final Method method;
    public final int rank;
    public final int truncation;
    public final OptimizerType optimizer;
    public final double learningRate;
    public final double beta1;
    public final double beta2;
    public final double epsilon;
    /** Max L2 norm of the recurrent-weight gradient; 0 = no clipping. */
    public final double clipNorm;
    /** Max L2 norm of the readout gradient; 0 = no clipping. */
    public final double readoutClipNorm;
    /** Reset h and the influence state every this many steps; 0 = never. */
    public final int resetPeriod;
    public final long seed;
    /** Recurrent init: W ~ N(0, (initGain^2) / m). */
    public final double initGain;
    /** Readout init: V ~ N(0, readoutInitStd^2). */
    public final double readoutInitStd;
    /** Forecaster: EWMA rate of the anomaly scorer's error statistics. */
    public final double anomalyAlpha;
    /** Forecaster: a loss above this (normalised units) counts as divergence. */
    public final double divergenceLoss;

    private ModelConfig(Builder b) {
        this.cell = b.cell;
        this.hidden = b.hidden;
        this.inputs = b.inputs;
        this.outputs = b.outputs;
        this.head = b.head;
        this.huberDelta = b.huberDelta;
        this.method = b.method;
        this.rank = b.rank;
        this.truncation = b.truncation;
        this.optimizer = b.optimizer;
        this.learningRate = b.learningRate;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.clipNorm = b.clipNorm;
        this.readoutClipNorm = b.readoutClipNorm;
        this.resetPeriod = b.resetPeriod;
        this.seed = b.seed;
        this.initGain = b.initGain;
        this.readoutInitStd = b.readoutInitStd;
        this.anomalyAlpha = b.anomalyAlpha;
        this.divergenceLoss = b.divergenceLoss;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.cell = cell;
        b.hidden = hidden;
        b.inputs = inputs;
        b.outputs = outputs;
        b.head = head;
        b.huberDelta = huberDelta;
        b.method = method;
        b.rank = rank;
        b.truncation = truncation;
        b.optimizer = optimizer;
        b.learningRate = learningRate;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.epsilon = epsilon;
        b.clipNorm = clipNorm;
        b.readoutClipNorm = readoutClipNorm;
        b.resetPeriod = resetPeriod;
        b.seed = seed;
        b.initGain = initGain;
        b.readoutInitStd = readoutInitStd;
        b.anomalyAlpha = anomalyAlpha;
        b.divergenceLoss = divergenceLoss;
        return b;
    }

    /** Stable binary form, written at the head of every learner state. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(cell.ordinal());
        out.writeInt(hidden);
        out.writeInt(inputs);
        out.writeInt(outputs);
        out.writeByte(head.ordinal());
        out.writeDouble(huberDelta);
        out.writeByte(method.ordinal());
        out.writeInt(rank);
        out.writeInt(truncation);
        out.writeByte(optimizer.ordinal());
        out.writeDouble(learningRate);
        out.writeDouble(beta1);
        out.writeDouble(beta2);
        out.writeDouble(epsilon);
        out.writeDouble(clipNorm);
        out.writeDouble(readoutClipNorm);
        out.writeInt(resetPeriod);
        out.writeLong(seed);
        out.writeDouble(initGain);
        out.writeDouble(readoutInitStd);
        out.writeDouble(anomalyAlpha);
        out.writeDouble(divergenceLoss);
    }

    public static ModelConfig readFrom(DataInput in) throws IOException {
        Builder b = new Builder();
        b.cell = CellType.values()[in.readByte()];
        b.hidden = in.readInt();
        b.inputs = in.readInt();
        b.outputs = in.readInt();
        b.head = Head.values()[in.readByte()];
        b.huberDelta = in.readDouble();
        b.method = Method.values()[in.readByte()];
        b.rank = in.readInt();
        b.truncation = in.readInt();
        b.optimizer = OptimizerType.values()[in.readByte()];
        b.learningRate = in.readDouble();
        b.beta1 = in.readDouble();
        b.beta2 = in.readDouble();
        b.epsilon = in.readDouble();
        b.clipNorm = in.readDouble();
        b.readoutClipNorm = in.readDouble();
        b.resetPeriod = in.readInt();
        b.seed = in.readLong();
        b.initGain = in.readDouble();
        b.readoutInitStd = in.readDouble();
        b.anomalyAlpha = in.readDouble();
        b.divergenceLoss = in.readDouble();
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ModelConfig)) {
            return false;
        }
        return toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
            "ModelConfig{cell=%s, hidden=%d, inputs=%d, outputs=%d, head=%s, huber=%s, method=%s, rank=%d, "
                + "truncation=%d, optimizer=%s, lr=%s, beta1=%s, beta2=%s, eps=%s, clip=%s, readoutClip=%s, "
                + "resetPeriod=%d, seed=%d, initGain=%s, readoutInitStd=%s, anomalyAlpha=%s, divergenceLoss=%s}",
            cell, hidden, inputs, outputs, head, huberDelta, method, rank, truncation, optimizer, learningRate,
            beta1, beta2, epsilon, clipNorm, readoutClipNorm, resetPeriod, seed, initGain, readoutInitStd,
            anomalyAlpha, divergenceLoss);
    }

    /** Builder with the defaults documented on each setter; {@link #build()} validates everything. */
    public static final class Builder {
        private CellType cell = CellType.TANH;
        private int hidden = 16;
        private int inputs = 1;
        private int outputs = 1;
        private Head head = Head.REGRESSION;
        private double huberDelta = 0.0;
        private Method method = Method.OK;
        private int rank = 4;
        private int truncation = 16;
        private OptimizerType optimizer = OptimizerType.ADAM;
        private double learningRate = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private double clipNorm = 1.0;
        private double readoutClipNorm = 0.0;
        private int resetPeriod = 0;
        private long seed = 42L;
        private double initGain = 1.0;
        private double readoutInitStd = 0.01;
        private double anomalyAlpha = 0.01;
        private double divergenceLoss = 1e6;

        /** Cell type, default TANH. */
        public Builder cell(CellType v) { this.cell = Objects.requireNonNull(v); return this; }
        /** Hidden size n, default 16. */
        public Builder hidden(int v) { this.hidden = v; return this; }
        /** Input size n_x, default 1. */
        public Builder inputs(int v) { this.inputs = v; return this; }
        /** Outputs (regression) or classes (softmax), default 1. */
        public Builder outputs(int v) { this.outputs = v; return this; }
        /** Output head, default REGRESSION. */
        public Builder head(Head v) { this.head = Objects.requireNonNull(v); return this; }
        /** Huber threshold, default 0 (squared error). */
        public Builder huberDelta(double v) { this.huberDelta = v; return this; }
        /** Gradient method, default OK. */
        public Builder method(Method v) { this.method = Objects.requireNonNull(v); return this; }
        /** Rank r for OK, default 4. */
        public Builder rank(int v) { this.rank = v; return this; }
        /** TBPTT window T, default 16. */
        public Builder truncation(int v) { this.truncation = v; return this; }
        /** Optimiser, default ADAM. */
        public Builder optimizer(OptimizerType v) { this.optimizer = Objects.requireNonNull(v); return this; }
        /** Learning rate, default 1e-3. */
        public Builder learningRate(double v) { this.learningRate = v; return this; }
        public Builder beta1(double v) { this.beta1 = v; return this; }
        public Builder beta2(double v) { this.beta2 = v; return this; }
        public Builder epsilon(double v) { this.epsilon = v; return this; }
        /** Recurrent gradient clip norm, default 1.0 (spec G.11); 0 disables. */
        public Builder clipNorm(double v) { this.clipNorm = v; return this; }
        /** Readout gradient clip norm, default 0 (off, as in the spec's setup). */
        public Builder readoutClipNorm(double v) { this.readoutClipNorm = v; return this; }
        /** Periodic reset of h and the influence state, default 0 (never). */
        public Builder resetPeriod(int v) { this.resetPeriod = v; return this; }
        /** Seed of the model's generator, default 42. */
        public Builder seed(long v) { this.seed = v; return this; }
        /** Recurrent init gain, default 1.0 (std = gain / sqrt(m)). */
        public Builder initGain(double v) { this.initGain = v; return this; }
        /** Readout init std, default 0.01. */
        public Builder readoutInitStd(double v) { this.readoutInitStd = v; return this; }
        /** Anomaly scorer EWMA rate in (0, 1], default 0.01. */
        public Builder anomalyAlpha(double v) { this.anomalyAlpha = v; return this; }
        /** Divergence threshold on the loss, default 1e6. */
        public Builder divergenceLoss(double v) { this.divergenceLoss = v; return this; }

        /** Validates; a message is only built on failure (build() runs on every state decode). */
        public ModelConfig build() {
            if (!(hidden >= 1 && hidden <= 4096)) {
                throw new IllegalArgumentException("hidden must be in [1, 4096], got " + hidden);
            }
            if (!(inputs >= 1)) {
                throw new IllegalArgumentException("inputs must be >= 1, got " + inputs);
            }
            if (!(head == Head.SOFTMAX ? outputs >= 2 : outputs >= 1)) {
                throw new IllegalArgumentException(head == Head.SOFTMAX ? "softmax needs >= 2 classes, got " + outputs : "outputs must be >= 1, got " + outputs);
            }
            if (!(huberDelta >= 0 && Double.isFinite(huberDelta))) {
                throw new IllegalArgumentException("huberDelta must be finite and >= 0, got " + huberDelta);
            }
            if (!(rank >= 1)) {
                throw new IllegalArgumentException("rank must be >= 1, got " + rank);
            }
            if (!(truncation >= 1)) {
                throw new IllegalArgumentException("truncation must be >= 1, got " + truncation);
            }
            if (!(learningRate > 0 && Double.isFinite(learningRate))) {
                throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
            }
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
            }
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
            }
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
            }
            if (!(clipNorm >= 0 && !Double.isNaN(clipNorm))) {
                throw new IllegalArgumentException("clipNorm must be >= 0 (0 = off), got " + clipNorm);
            }
            if (!(readoutClipNorm >= 0 && !Double.isNaN(readoutClipNorm))) {
                throw new IllegalArgumentException("readoutClipNorm must be >= 0 (0 = off), got " + readoutClipNorm);
            }
            if (!(resetPeriod >= 0)) {
                throw new IllegalArgumentException("resetPeriod must be >= 0 (0 = never), got " + resetPeriod);
            }
            if (!(initGain >= 0 && Double.isFinite(initGain))) {
                throw new IllegalArgumentException("initGain must be finite and >= 0, got " + initGain);
            }
            if (!(readoutInitStd >= 0 && Double.isFinite(readoutInitStd))) {
                throw new IllegalArgumentException("readoutInitStd must be finite and >= 0, got " + readoutInitStd);
            }
            if (!(anomalyAlpha > 0 && anomalyAlpha <= 1)) {
                throw new IllegalArgumentException("anomalyAlpha must be in (0, 1], got " + anomalyAlpha);
            }
            if (!(divergenceLoss > 0)) {
                throw new IllegalArgumentException("divergenceLoss must be > 0, got " + divergenceLoss);
            }
            return new ModelConfig(this);
        }
    }
}
