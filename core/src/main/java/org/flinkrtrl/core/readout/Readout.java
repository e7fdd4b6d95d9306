package org.flinkrtrl.core.readout;

import org.flinkrtrl.core.math.Rng;

/**
 * Output head y = V [h; 1] on top of the recurrent state, with its loss. V is outputs x (n+1), row-major, owned by
 * the learner. The head gets its exact immediate gradient (nothing feeds back from the output, spec D step 4).
 */
public interface Readout {
    int outputs();

    int hidden();

    default int parameterCount() {
        return outputs() * (hidden() + 1);
    }

    /** Fills V with the initial weights: N(0, std^2) entries by default. */
    default void initWeights(double[] V, Rng rng, double std) {
        for (int i = 0; i < V.length; i++) {
            V[i] = std * rng.nextGaussian();
        }
    }

    /** Computes the output for hidden state h into {@code out} (forecast, or class probabilities). */
    void forward(double[] V, double[] h, double[] out);

    /**
     * Loss of the latest output against a target, and its gradients.
     *
     * @param V      readout weights. Not modified.
     * @param h      the hidden state the output was computed from. Not modified.
     * @param out    the output computed by {@link #forward} for h. Not modified.
     * @param target regression target (length outputs) or, for a classifier, {@code target[0]} = class index.
     * @param dLdh   output, dL/dh (length n). Modified.
     * @param gradV  output, dL/dV (outputs x (n+1)). Modified.
     * @return the loss
     */
    double lossAndGradients(double[] V, double[] h, double[] out, double[] target, double[] dLdh, double[] gradV);
}
