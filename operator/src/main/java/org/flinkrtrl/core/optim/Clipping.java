package org.flinkrtrl.core.optim;

/** Gradient clipping by global L2 norm (tf.clip_by_norm semantics). */
public final class Clipping {
    private Clipping() {}

    /**
     * Scales {@code grad} in place so that its L2 norm is at most {@code maxNorm}; {@code maxNorm <= 0} disables.
     *
     * @return the norm before clipping
     */
    public static double clipByNorm(double[] grad, double maxNorm) {
        double sq = 0.0;
        for (double g : grad) {
            sq += g * g;
        }
        double norm = Math.sqrt(sq);
        if (maxNorm > 0 && norm > maxNorm) {
            double s = maxNorm / norm;
            for (int i = 0; i < grad.length; i++) {
                grad[i] *= s;
            }
        }
        return norm;
    }
}
