package org.flinkrtrl.core.cell;

import org.flinkrtrl.core.math.Rng;

/**
 * A recurrent cell {@code h_{t+1} = Phi(h_t, W a_t)} with all its parameters in one matrix {@code W} (k x m,
 * row-major) acting on {@code a_t = [h_t; x_t; 1]} (spec section A). Stateless: all per-step values live in a
 * {@link CellStep}.
 */
public interface Cell {
    int hiddenSize();

    int inputSize();

    /** Number of n-sized pre-activation blocks: k = gates() * n. */
    int gates();

    default int preActivations() {
        return gates() * hiddenSize();
    }

    default int presynapticSize() {
        return hiddenSize() + inputSize() + 1;
    }

    default int parameterCount() {
        return preActivations() * presynapticSize();
    }

    default CellStep newStep() {
        return new CellStep(hiddenSize(), inputSize(), gates());
    }

    /**
     * Computes a = [h; x; 1], z = W a, h' = Phi(h, z) and the derivative vectors of {@code step}.
     *
     * @param W k x m row-major weights. Not modified.
     * @param h current hidden state (length n). Not modified.
     * @param x input (length n_x). Not modified.
     */
    void forward(double[] W, double[] h, double[] x, CellStep step);

    /**
     * Called by the learner right after it changed W (an optimiser step): a cell may compute what its next
     * {@link #forward} needs from W alone now, where the work can overlap the rest of the update. Optional; a
     * cell must still give the same result if W changes without this call.
     */
    default void prepare(double[] W) {}

    /** Fills W (k x m) with the cell's default initialisation: N(0, scale^2) entries, bias column included. */
    default void initWeights(double[] W, Rng rng, double scale) {
        for (int i = 0; i < W.length; i++) {
            W[i] = scale * rng.nextGaussian();
        }
    }
}
