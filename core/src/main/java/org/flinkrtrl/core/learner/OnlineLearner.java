package org.flinkrtrl.core.learner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.grad.GradientEstimator;
import org.flinkrtrl.core.grad.GradientEstimators;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.core.math.ThreadScratch;
import org.flinkrtrl.core.optim.Adam;
import org.flinkrtrl.core.optim.Clipping;
import org.flinkrtrl.core.optim.Optimizer;
import org.flinkrtrl.core.optim.Sgd;
import org.flinkrtrl.core.optim.StateArrays;
import org.flinkrtrl.core.readout.Readout;

/**
 * One recurrent network for one stream, trained online on every step with no update lock (spec section D).
 *
 * <p>Per step: {@link #advance(double[])} runs the cell on the input with the current weights, propagates the
 * influence estimate (G_{t+1} = H_t G_t + F_t, estimated) and computes the readout's output. When the target of
 * that output is known, {@link #learn(double[])} computes the loss, dL/dh, the recurrent gradient dL/dh G~ and the
 * readout's exact gradient, clips and applies one optimiser step. D_t and H_t are therefore always taken at the
 * parameters the forward pass used (pitfall G.9); G~ is not corrected after the update (standard online RTRL).
 *
 * <p>Update period k ({@code config.updatePeriod()}): the gradients of k consecutive learn calls that yield one
 * (every call for the per-step methods, every window end for TBPTT) are summed with the weights held fixed; the
 * k-th applies one optimiser step with their mean (then clipped). The influence state still propagates every step,
 * so the accumulated gradient is the untruncated online gradient of the period's losses. k = 1 is one step per
 * gradient.
 *
 * <p>All randomness (initialisation, estimator signs) comes from one seeded {@link Rng} that is part of the
 * state, so {@link #writeState} / {@link #readState} continue a stream bit for bit. Inputs and targets are
 * validated before any state is touched. Not thread-safe.
 *
 * <p>Memory: an instance holds only what evolves (weights, optimiser moments, hidden state, the estimator's
 * state); the per-step buffers (the cell step, dL/dh and the gradients) are the calling thread's, shared by every
 * learner of the same shape ({@link ThreadScratch}), so a job with one learner per key holds them once per task
 * thread, not once per key.
 */
public final class OnlineLearner {
    private static final ThreadScratch<Scratch> SCRATCH = new ThreadScratch<>();

    /** The per-step buffers of one shape; nothing in them outlives a step. */
    private static final class Scratch {
        final CellStep step;
        final double[] dLdh;
        final double[] gradW;
        final double[] gradV;

        Scratch(Cell cell, int hidden, int readoutParams) {
            step = cell.newStep();
            dLdh = new double[hidden];
            gradW = new double[cell.parameterCount()];
            gradV = new double[readoutParams];
        }
    }

    private final ModelConfig config;
    private final Cell cell;
    private final ThreadScratch.Shape shape;
    private final GradientEstimator estimator;
    private final Readout readout;
    private final Optimizer optW;
    private final Optimizer optV;
    private final Rng rng;

    private final double[] W;
    private final double[] V;
    private final double[] h;
    private final double[] out;
    /** Readout gradients accumulated while the recurrent update is locked (TBPTT) or the update period is open. */
    private final double[] pendingGradV;
    /**
     * True when {@link #pendingGradV} is known to be all zero (not state: derived from it on a restore), so a step
     * that applies an update can use the readout's gradient in place.
     */
    private boolean pendingEmpty;
    /** Recurrent gradients summed in the open update period (length 0 when the period is 1). */
    private final double[] periodGradW;
    /** Gradients summed into {@link #periodGradW} in the open update period, in [0, updatePeriod). */
    private int periodCount;

    private long steps;
    /** Whether the latest advance reset the influence estimate (transient: set by every advance, not state). */
    private boolean influenceReset;
    private long updates;
    private boolean hasOutput;
    /** {class, classes in use} of {@link #learnClass(int, int)}, reused. */
    private final double[] classTarget = new double[2];
    private double lastGradNorm;

    /** A new model with freshly initialised weights from {@code config.seed}. */
    public OnlineLearner(ModelConfig config) {
        this(config, config.seed());
    }

    /** A new model whose generator starts from {@code streamSeed} (e.g. derived from the key). */
    public OnlineLearner(ModelConfig config, long streamSeed) {
        this(config, streamSeed, true);
    }

    /**
     * With {@code initialise == false} the weights stay zero and the generator unused: only for a model that
     * {@link #readState} is about to overwrite completely (the codec), which spares the Gaussian draws of
     * {@link #initialise()} (most of the cost of building a model) on every decode.
     * {@code readState} sets everything {@code initialise()} sets: W, V, optimiser moments, pendingGradV, h, the
     * estimator state, out, hasOutput and the generator state.
     */
    OnlineLearner(ModelConfig config, long streamSeed, boolean initialise) {
        this.config = config;
        this.cell = Networks.cell(config);
        this.estimator = GradientEstimators.create(config.method(), cell, config.rank(), config.truncation());
        this.readout = Networks.readout(config, cell);
        this.W = new double[cell.parameterCount()];
        this.V = new double[readout.parameterCount()];
        this.optW = newOptimizer(W.length);
        this.optV = newOptimizer(V.length);
        this.h = new double[cell.hiddenSize()];
        this.out = new double[config.outputs()];
        // the cell's class too: an LRU step is another type than a dense cell's (method lru ignores config.cell)
        this.shape = new ThreadScratch.Shape(cell.getClass(), config.cell().ordinal(), cell.hiddenSize(),
            config.inputs(), W.length, V.length);
        this.pendingGradV = new double[V.length];
        this.periodGradW = new double[config.updatePeriod() > 1 ? W.length : 0];
        this.rng = new Rng(streamSeed);
        if (initialise) {
            initialise();
        }
    }

    private Optimizer newOptimizer(int size) {
        return config.optimizer() == ModelConfig.OptimizerType.SGD
            ? new Sgd(config.learningRate())
            : new Adam(size, config.learningRate(), config.beta1(), config.beta2(), config.epsilon());
    }

    /** Draws fresh weights from the generator and zeroes everything else (used at creation and after divergence). */
    public void initialise() {
        cell.initWeights(W, rng, config.initGain() / Math.sqrt(cell.presynapticSize()));
        readout.initWeights(V, rng, config.readoutInitStd());
        optW.reset();
        optV.reset();
        Arrays.fill(pendingGradV, 0.0);
        pendingEmpty = true;
        Arrays.fill(periodGradW, 0.0);
        periodCount = 0;
        resetSequence();
        Arrays.fill(out, 0.0);
        hasOutput = false;
    }

    /** Sequence boundary: h = 0 and the influence state G~ = 0. Weights and optimiser state are kept. */
    public void resetSequence() {
        Arrays.fill(h, 0.0);
        estimator.reset();
    }

    /**
     * Consumes one input: runs the cell, propagates the influence estimate and computes the output for the new
     * hidden state (a forecast for regression, class probabilities for softmax).
     *
     * @return the output buffer (reused; copy it to keep it)
     * @throws IllegalArgumentException on a wrong dimension or a non-finite value (the model is untouched)
     */
    public double[] advance(double[] x) {
        Inputs.checkVector("input", x, config.inputs());
        if (config.resetPeriod() > 0 && steps > 0 && steps % config.resetPeriod() == 0) {
            resetSequence();
        }
        CellStep step = scratch().step;
        cell.forward(W, h, x, step);
        estimator.step(W, step, rng);
        influenceReset = !(estimator.influenceScale() <= GradientEstimator.INFLUENCE_LIMIT);
        if (influenceReset) {
            estimator.reset();
        }
        System.arraycopy(step.hNext, 0, h, 0, h.length);
        readout.forward(V, h, out);
        steps++;
        hasOutput = true;
        return out;
    }

    /**
     * Scores the latest output against a regression target and learns from it (one optimiser step, or an
     * accumulation while a TBPTT window is open).
     *
     * @return the loss (squared error / 2 or Huber)
     */
    public double learn(double[] target) {
        if (config.head() != ModelConfig.Head.REGRESSION) {
            throw new IllegalStateException("learn(double[]) needs a regression head; use learnClass");
        }
        Inputs.checkVector("target", target, config.outputs());
        return learnInternal(target);
    }

    /** Scores the latest class probabilities against class {@code cls} (cross-entropy, nats) and learns. */
    public double learnClass(int cls) {
        if (config.head() != ModelConfig.Head.SOFTMAX) {
            throw new IllegalStateException("learnClass needs a softmax head; use learn(double[])");
        }
        if (cls < 0 || cls >= config.outputs()) {
            throw new IllegalArgumentException("class " + cls + " outside [0, " + config.outputs() + ")");
        }
        return learnInternal(new double[] {cls});
    }

    /**
     * Like {@link #learnClass(int)} with the loss restricted to classes {@code [0, active)}: the probabilities are
     * renormalised over them and the other classes' weights get no gradient.
     */
    public double learnClass(int cls, int active) {
        if (config.head() != ModelConfig.Head.SOFTMAX) {
            throw new IllegalStateException("learnClass needs a softmax head; use learn(double[])");
        }
        if (cls < 0 || cls >= active || active > config.outputs()) {
            throw new IllegalArgumentException("class " + cls + " outside [0, " + active + "), or more than "
                + config.outputs() + " classes in use");
        }
        classTarget[0] = cls;
        classTarget[1] = active;
        return learnInternal(classTarget);
    }

    /** The loss of the latest output against a target without learning from it (evaluation). */
    public double evaluate(double[] target) {
        requireOutput();
        if (config.head() == ModelConfig.Head.REGRESSION) {
            Inputs.checkVector("target", target, config.outputs());
        }
        Scratch w = scratch();
        return readout.lossAndGradients(V, h, out, target, w.dLdh, w.gradV);
    }

    /** The calling thread's per-step buffers for this learner's shape. */
    private Scratch scratch() {
        Scratch w = SCRATCH.get(shape);
        return w != null ? w : SCRATCH.put(shape, new Scratch(cell, cell.hiddenSize(), V.length));
    }

    private double learnInternal(double[] target) {
        requireOutput();
        Scratch w = scratch();
        double[] dLdh = w.dLdh;
        double[] gradW = w.gradW;
        double[] gradV = w.gradV;
        double loss = readout.lossAndGradients(V, h, out, target, dLdh, gradV);
        if (pendingEmpty && config.updatePeriod() == 1) {
            // Nothing accumulated: the readout's gradient is the step's own, so it is clipped and applied where it
            // is (the values pendingGradV would hold, 0 + gradV, up to the sign of a zero entry).
            if (estimator.gradient(dLdh, gradW)) {
                update(gradW, gradV);
            } else {
                addInto(pendingGradV, gradV);
                pendingEmpty = false;
            }
            return loss;
        }
        addInto(pendingGradV, gradV);
        if (estimator.gradient(dLdh, gradW) && closePeriod(gradW)) {
            update(gradW, pendingGradV);
            Arrays.fill(pendingGradV, 0.0);
            pendingEmpty = true;
        }
        return loss;
    }

    /** One optimiser step: both gradients clipped, W updated (and the cell told), then V. */
    private void update(double[] gradW, double[] gradV) {
        lastGradNorm = Clipping.clipByNorm(gradW, config.clipNorm());
        Clipping.clipByNorm(gradV, config.readoutClipNorm());
        optW.apply(W, gradW);
        cell.prepare(W);
        optV.apply(V, gradV);
        updates++;
    }

    /**
     * Adds a new recurrent gradient to the open update period. Returns false while the period stays open; at its
     * k-th gradient writes the period's mean into {@code gradW}, divides the accumulated readout gradient by k,
     * empties the period and returns true (with k = 1 at once, leaving both untouched).
     */
    private boolean closePeriod(double[] gradW) {
        int k = config.updatePeriod();
        if (k == 1) {
            return true;
        }
        addInto(periodGradW, gradW);
        if (++periodCount < k) {
            return false;
        }
        for (int i = 0; i < gradW.length; i++) {
            gradW[i] = periodGradW[i] / k;
        }
        for (int i = 0; i < pendingGradV.length; i++) {
            pendingGradV[i] /= k;
        }
        Arrays.fill(periodGradW, 0.0);
        periodCount = 0;
        return true;
    }

    private static void addInto(double[] acc, double[] g) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += g[i];
        }
    }

    private void requireOutput() {
        if (!hasOutput) {
            throw new IllegalStateException("no output to score yet: call advance() first");
        }
    }

    /**
     * Multiplies the configured learning rate of both parameter groups by {@code factor} from the next update on
     * (1 = as configured). A runtime setting, not part of the state (the per-key overrides live beside the model).
     */
    public void setLearningRateFactor(double factor) {
        if (!(factor > 0) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("learning-rate factor must be finite and > 0, got " + factor);
        }
        optW.setLearningRateFactor(factor);
        optV.setLearningRateFactor(factor);
    }

    /**
     * Whether the latest {@link #advance} found the influence estimate not finite or above
     * {@link GradientEstimator#INFLUENCE_LIMIT} and zeroed it (h and the weights kept): the gradient then starts
     * over, as after a sequence boundary. Callers count it as a divergence.
     */
    public boolean influenceWasReset() {
        return influenceReset;
    }

    /** True when every weight and the hidden state are finite. */
    public boolean isFinite() {
        return allFinite(W) && allFinite(V) && allFinite(h);
    }

    private static boolean allZero(double[] a) {
        for (double v : a) {
            if (v != 0.0) {
                return false;
            }
        }
        return true;
    }

    private static boolean allFinite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    public ModelConfig config() { return config; }
    /** Number of inputs consumed. */
    public long steps() { return steps; }
    /** Number of parameter updates applied. */
    public long updates() { return updates; }
    /** Norm of the last recurrent gradient before clipping. */
    public double lastGradNorm() { return lastGradNorm; }
    /** The latest output (reused buffer). */
    public double[] output() { return out; }
    public boolean hasOutput() { return hasOutput; }
    /** Live views for tests and diagnostics. Do not modify. */
    public double[] recurrentWeights() { return W; }
    public double[] readoutWeights() { return V; }
    public double[] hidden() { return h; }
    public GradientEstimator estimator() { return estimator; }
    public Rng rng() { return rng; }

    /** Writes everything that evolves (not the config; see {@link LearnerCodec}). */
    void writeState(DataOutput o) throws IOException {
        o.writeLong(steps);
        o.writeLong(updates);
        o.writeBoolean(hasOutput);
        o.writeDouble(lastGradNorm);
        o.writeLong(rng.state());
        StateArrays.write(o, W);
        StateArrays.write(o, V);
        StateArrays.write(o, h);
        StateArrays.write(o, out);
        StateArrays.write(o, pendingGradV);
        optW.writeState(o);
        optV.writeState(o);
        estimator.writeState(o);
        writeUpdatePeriodState(o);
    }

    /** The update period's block, last in the state (format 3 on): the gradients summed in the open period. */
    private void writeUpdatePeriodState(DataOutput o) throws IOException {
        o.writeInt(periodCount);
        StateArrays.write(o, periodGradW);
    }

    private void readUpdatePeriodState(DataInput in) throws IOException {
        periodCount = in.readInt();
        if (periodCount < 0 || periodCount >= config.updatePeriod()) {
            throw new IOException("update period position " + periodCount + " outside [0, " + config.updatePeriod() + ")");
        }
        StateArrays.read(in, periodGradW);
    }

    /** Reads a state of the current format. */
    void readState(DataInput in) throws IOException {
        readState(in, LearnerCodec.VERSION);
    }

    /**
     * Reads a state of codec format {@code version}. Formats 1 and 2 end before the update period's block; their
     * config has period 1, so the period starts empty.
     */
    void readState(DataInput in, int version) throws IOException {
        steps = in.readLong();
        updates = in.readLong();
        hasOutput = in.readBoolean();
        lastGradNorm = in.readDouble();
        rng.setState(in.readLong());
        StateArrays.read(in, W);
        StateArrays.read(in, V);
        StateArrays.read(in, h);
        StateArrays.read(in, out);
        StateArrays.read(in, pendingGradV);
        pendingEmpty = allZero(pendingGradV);
        optW.readState(in);
        optV.readState(in);
        estimator.readState(in);
        if (version >= 3) {
            readUpdatePeriodState(in);
        } else {
            periodCount = 0;
            Arrays.fill(periodGradW, 0.0);
        }
    }
}
