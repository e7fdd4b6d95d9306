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
        // Four partial sums (reassociation only): one serial chain of dependent adds is latency-bound.
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int len = grad.length;
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            double g0 = grad[i];
            double g1 = grad[i + 1];
            double g2 = grad[i + 2];
            double g3 = grad[i + 3];
            s0 += g0 * g0;
            s1 += g1 * g1;
            s2 += g2 * g2;
            s3 += g3 * g3;
        }
        for (; i < len; i++) {
            s0 += grad[i] * grad[i];
        }
        double norm = Math.sqrt((s0 + s1) + (s2 + s3));
        if (maxNorm > 0 && norm > maxNorm) {
            double s = maxNorm / norm;
            for (int j = 0; j < len; j++) {
                grad[j] *= s;
            }
        }
        return norm;
    }
}
