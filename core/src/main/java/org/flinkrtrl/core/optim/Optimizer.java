package org.flinkrtrl.core.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Updates one parameter group in place from its gradient; its state (moments, step count) is exportable. */
public interface Optimizer {
    /** params -= step(grad). grad is not modified. */
    void apply(double[] params, double[] grad);

    void writeState(DataOutput out) throws IOException;

    void readState(DataInput in) throws IOException;

    /**
     * Multiplies the configured learning rate by {@code factor} from the next step on (1 = as configured). A
     * runtime setting, not part of the state: the caller sets it before every step it wants scaled.
     */
    void setLearningRateFactor(double factor);

    /** Forgets all moments (used when a diverged model is re-initialised). */
    void reset();
}
