package org.flinkrtrl.core.learner;

/** Validation of vectors entering a model: dimension and finiteness, with messages the operator can route. */
public final class Inputs {
    private Inputs() {}

    /** @throws InvalidInputException when v is null, has the wrong length, or holds NaN/Inf */
    public static void checkVector(String what, double[] v, int expected) {
        if (v == null) {
            throw new InvalidInputException(what + " is missing");
        }
        if (v.length != expected) {
            throw new InvalidInputException(what + " has dimension " + v.length + ", expected " + expected);
        }
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new InvalidInputException(what + "[" + i + "] is " + v[i] + " (not finite)");
            }
        }
    }
}
