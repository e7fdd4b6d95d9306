package org.flinkrtrl.core.optim;

import org.flinkrtrl.core.math.Kernels;

/** Gradient clipping by global L2 norm (tf.clip_by_norm semantics). */
public final class Clipping {
    private Clipping() {}

    /**
     * Scales {@code grad} in place so that its L2 norm is at most {@code maxNorm}; {@code maxNorm <= 0} disables.
     *
     * @return the norm before clipping
     */
    public static double clipByNorm(double[] grad, double maxNorm) {
        // The squared norm on the kernels: SIMD on the vector path (reassociation only); the plain kernels' dot is
        // the former loop here (four partial sums, tail into the first, (s0 + s1) + (s2 + s3)), same bits.
        int len = grad.length;
        double norm = Math.sqrt(Kernels.forWidth(len).dot(grad, 0, grad, 0, len));
        if (maxNorm > 0 && norm > maxNorm) {
            double s = maxNorm / norm;
            for (int j = 0; j < len; j++) {
                grad[j] *= s;
            }
        }
        return norm;
    }
}
