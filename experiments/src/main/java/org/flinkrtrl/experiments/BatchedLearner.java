package org.flinkrtrl.experiments;

import java.util.Arrays;
import org.flinkrtrl.core.cell.Cell;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.grad.GradientEstimator;
import org.flinkrtrl.core.grad.GradientEstimators;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.Networks;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.core.optim.Adam;
import org.flinkrtrl.core.optim.Clipping;
import org.flinkrtrl.core.optim.Optimizer;
import org.flinkrtrl.core.optim.Sgd;
import org.flinkrtrl.core.readout.Readout;

/**
 * b streams sharing one set of weights, as in the paper's training runs (spec D): each stream has its own hidden
 * state, influence state and generator; every step runs all b streams with the current weights, and one optimiser
 * step follows from the mean of their gradients (recurrent and readout; then the recurrent mean is clipped as in
 * {@link org.flinkrtrl.core.learner.OnlineLearner}). The config's update period k averages over k such steps
 * before one optimiser step; TBPTT's window ends are the same step in every stream (its windows count steps, resets
 * included), so its update follows them.
 *
 * <p>Initialisation draws W then V from {@code new Rng(config.seed())}, exactly as an OnlineLearner does, and that
 * generator continues as stream 0's; stream i > 0 uses {@code Rng.forStream(seed, i)}. So b = 1 trains bit for bit
 * like an OnlineLearner of the same config. Softmax head over one-hot inputs only (the text and copy runners).
 */
public final class BatchedLearner {
    private final ModelConfig config;
    private final Cell cell;
    private final Readout readout;
    private final int streams;
    private final double[] W;
    private final double[] V;
    private final Optimizer optW;
    private final Optimizer optV;
    private final double[][] h;
    private final double[][] out;
    private final GradientEstimator[] estimators;
    private final Rng[] rngs;

    private final CellStep step;
    private final double[] x;
    private final double[] target = new double[1];
    private final double[] dLdh;
    private final double[] gradW;
    private final double[] gradV;
    /** Recurrent gradients summed over the streams (and the open update period). */
    private final double[] sumW;
    /** Readout gradients summed over the streams, the open TBPTT window and the open update period. */
    private final double[] sumV;
    private int periodCount;
    private long steps;
    private long updates;

    public BatchedLearner(ModelConfig config, int streams) {
        if (streams < 1) {
            throw new IllegalArgumentException("need at least one stream, got " + streams);
        }
        if (config.head() != ModelConfig.Head.SOFTMAX) {
            throw new IllegalArgumentException("the batched driver trains softmax heads only");
        }
        this.config = config;
        this.streams = streams;
        this.cell = Networks.cell(config);
        this.readout = Networks.readout(config, cell);
        this.W = new double[cell.parameterCount()];
        this.V = new double[readout.parameterCount()];
        this.optW = optimizer(config, W.length);
        this.optV = optimizer(config, V.length);
        this.h = new double[streams][cell.hiddenSize()];
        this.out = new double[streams][config.outputs()];
        this.estimators = new GradientEstimator[streams];
        this.rngs = new Rng[streams];
        Rng init = new Rng(config.seed());
        cell.initWeights(W, init, config.initGain() / Math.sqrt(cell.presynapticSize()));
        readout.initWeights(V, init, config.readoutInitStd());
        for (int i = 0; i < streams; i++) {
            estimators[i] = GradientEstimators.create(config.method(), cell, config.rank(), config.truncation());
            rngs[i] = i == 0 ? init : Rng.forStream(config.seed(), i);
        }
        this.step = cell.newStep();
        this.x = new double[config.inputs()];
        this.dLdh = new double[cell.hiddenSize()];
        this.gradW = new double[W.length];
        this.gradV = new double[V.length];
        this.sumW = new double[W.length];
        this.sumV = new double[V.length];
    }

    private static Optimizer optimizer(ModelConfig c, int size) {
        return c.optimizer() == ModelConfig.OptimizerType.SGD
            ? new Sgd(c.learningRate())
            : new Adam(size, c.learningRate(), c.beta1(), c.beta2(), c.epsilon());
    }

    /** Sequence boundary of stream i: its h = 0 and its influence state = 0. */
    public void resetStream(int i) {
        Arrays.fill(h[i], 0.0);
        estimators[i].reset();
    }

    /**
     * One time step of every stream: stream i reads symbol {@code inputs[i]} and is scored against
     * {@code targets[i]}; then, when due, one optimiser step with the mean gradient.
     *
     * @return the summed loss over the streams (nats)
     */
    public double step(int[] inputs, int[] targets) {
        if (config.resetPeriod() > 0 && steps > 0 && steps % config.resetPeriod() == 0) {
            for (int i = 0; i < streams; i++) {
                resetStream(i);
            }
        }
        double loss = 0;
        int ready = 0;
        for (int i = 0; i < streams; i++) {
            Arrays.fill(x, 0.0);
            x[inputs[i]] = 1.0;
            cell.forward(W, h[i], x, step);
            estimators[i].step(W, step, rngs[i]);
            System.arraycopy(step.hNext, 0, h[i], 0, h[i].length);
            readout.forward(V, h[i], out[i]);
            target[0] = targets[i];
            loss += readout.lossAndGradients(V, h[i], out[i], target, dLdh, gradV);
            addInto(sumV, gradV);
            if (estimators[i].gradient(dLdh, gradW)) {
                addInto(sumW, gradW);
                ready++;
            }
        }
        steps++;
        if (ready != 0 && ready != streams) {
            throw new IllegalStateException(ready + " of " + streams + " streams have a gradient due");
        }
        if (ready == streams && ++periodCount == config.updatePeriod()) {
            double count = (double) streams * config.updatePeriod();
            for (int j = 0; j < gradW.length; j++) {
                gradW[j] = sumW[j] / count;
            }
            for (int j = 0; j < sumV.length; j++) {
                sumV[j] /= count;
            }
            Clipping.clipByNorm(gradW, config.clipNorm());
            Clipping.clipByNorm(sumV, config.readoutClipNorm());
            optW.apply(W, gradW);
            optV.apply(V, sumV);
            Arrays.fill(sumW, 0.0);
            Arrays.fill(sumV, 0.0);
            periodCount = 0;
            updates++;
        }
        return loss;
    }

    private static void addInto(double[] acc, double[] g) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += g[i];
        }
    }

    /** True when the weights and every hidden state are finite. */
    public boolean isFinite() {
        for (double v : W) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        for (double v : V) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        for (double[] hi : h) {
            for (double v : hi) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    public ModelConfig config() { return config; }
    public int streams() { return streams; }
    public long steps() { return steps; }
    public long updates() { return updates; }
    /** Live views for the runners and tests. Do not modify. */
    public double[] recurrentWeights() { return W; }
    public double[] readoutWeights() { return V; }
    public double[] hidden(int i) { return h[i]; }
    public double[] output(int i) { return out[i]; }
    public Rng rng(int i) { return rngs[i]; }
}
