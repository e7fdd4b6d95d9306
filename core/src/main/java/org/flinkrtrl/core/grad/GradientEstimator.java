package org.flinkrtrl.core.grad;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.math.Rng;

/**
 * Owns the influence state (an estimate of G_t = dh_t/dW) of one stream and turns a loss signal dL/dh into a
 * gradient for the recurrent weights W (spec sections B and C).
 *
 * <p>Contract, per time step of the stream (spec D and pitfall 9):
 * <ol>
 *   <li>the cell runs {@code forward(W, h_t, x_t, step)} with the current W;</li>
 *   <li>{@link #step} propagates the influence: G_{t+1} = H_t G_t + F_t (exactly or as an unbiased estimate);</li>
 *   <li>when the target for h_{t+1} is known, {@link #gradient} gets dL/dh_{t+1} and writes dL/dW.</li>
 * </ol>
 * {@link #reset} means: h_t was just set to zero independently of W, so G_t = 0 (sequence boundary).
 * All randomness comes from the {@link Rng} passed in, which the caller checkpoints.
 */
public interface GradientEstimator {
    Method method();

    /** Zeroes the influence state (G = 0): the hidden state was reset and no longer depends on W. */
    void reset();

    /**
     * Advances the influence state over one cell step.
     *
     * @param W    the k x m row-major weights {@code step} was computed with. Not modified. The estimator may keep
     *             the reference until the next parameter update (TBPTT does).
     * @param step the cell step just computed (a_t, D_t, H_t's pieces). Not modified.
     * @param rng  the stream's generator.
     */
    void step(double[] W, CellStep step, Rng rng);

    /**
     * The size of the influence estimate after the latest {@link #step}: a norm of G (or of its factors' product),
     * NaN or infinite when G is not finite. 0 for estimators whose state is bounded by construction. The learner
     * zeroes the influence ({@link #reset}, as at a sequence boundary; h and the weights are kept) when this exceeds
     * {@link #INFLUENCE_LIMIT}: on a stream without resets, recurrent dynamics that turn expanding (Jacobians of
     * spectral radius above 1) grow G geometrically until it overflows, and the gradient means nothing long before.
     */
    double influenceScale();

    /**
     * The influence size at which the learner resets it. Normal influence norms are O(1)-O(100) (a contracting
     * network's G is bounded by its inputs over 1 - its contraction rate); growing 8-10 % per step, as in the stream
     * where this was seen, G passes 1e8 some 150-240 steps after it leaves that range, and 1e308 7,000-9,000 later.
     */
    double INFLUENCE_LIMIT = 1e8;

    /**
     * Writes dL/dW (k x m, row-major, same layout as W) for the loss at the latest hidden state.
     *
     * @param dLdh dL/dh_{t+1}, length n. Not modified.
     * @param gradW output, k x m. Modified (overwritten) when this returns true.
     * @return true when {@code gradW} holds a gradient to apply now; false when no update is due yet (only TBPTT,
     *         between window ends: the update lock).
     */
    boolean gradient(double[] dLdh, double[] gradW);

    /**
     * Writes the current estimate of the influence matrix densely: G[j, p k + q] = dh_j/dW[q, p] (column-major
     * theta of spec A), an n x (k m) row-major matrix. For tests and diagnostics; may throw
     * {@link UnsupportedOperationException} (TBPTT).
     */
    void influence(double[] out);

    void writeState(DataOutput out) throws IOException;

    void readState(DataInput in) throws IOException;
}
