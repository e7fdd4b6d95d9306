package org.flinkrtrl.core.learner;

/** An input or target the model refuses (wrong dimension, NaN, Inf); the model state is untouched. */
public final class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
