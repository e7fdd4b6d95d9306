package org.flinkrtrl.core.readout;

import org.flinkrtrl.core.math.Kernels;
import org.flinkrtrl.core.math.LruKernels;
import org.flinkrtrl.core.math.Rng;

/**
 * A one-hidden-layer MLP head: features {@code f = tanh(V1 [h; 1])} (width F; {@link #tanh}), then a linear regression or softmax
 * head on {@code [f; 1]}, with the exact gradient of both layers. The input h is the recurrent state as the cell
 * exposes it (for the LRU: {@code [Re h, Im h, x]}).
 *
 * <p>V layout: {@code [V2 (outputs x (F + 1)) | V1 (F x (n + 1))]}, both row-major; the head's block comes first so
 * the head reads its weights from offset 0. {@link #lossAndGradients} reuses the features of the latest
 * {@link #forward} when nothing else ran since, with the same V array and an h of the same values, and recomputes them
 * otherwise (the same arithmetic, so the same bits): a learner restored between its forecast and its target, whose
 * readout has not run yet, computes the same gradient as the uninterrupted one.
 */
public final class MlpReadout implements Readout {
    private final int n;
    private final int width;
    private final Readout head;
    private final int headParams;
    private final double[] feat;
    private final double[] dLdf;
    /** The state {@link #feat} was computed from, then 1: {@code [h; 1]}; and the weights (null: none yet). */
    private final double[] featH;
    private final Kernels kern = Kernels.get();
    private static final LruKernels LRU_KERNELS = LruKernels.get();
    private double[] featV;
    /** Scratch of the SIMD feature kernel (one lane block). */
    private final double[] tail;

    /**
     * @param hidden     n, the size of the state the readout reads.
     * @param width      F, the number of tanh features.
     * @param outputs    regression outputs or softmax classes.
     * @param softmax    softmax classification head instead of linear regression.
     * @param huberDelta Huber threshold of the regression loss (0 = squared error).
     */
    public MlpReadout(int hidden, int width, int outputs, boolean softmax, double huberDelta) {
        if (hidden < 1 || width < 1) {
            throw new IllegalArgumentException("MLP readout needs hidden >= 1 and width >= 1, got " + hidden + ", "
                + width);
        }
        this.n = hidden;
        this.width = width;
        this.head = softmax ? new SoftmaxReadout(width, outputs) : new LinearReadout(width, outputs, huberDelta);
        this.headParams = head.parameterCount();
        this.feat = new double[width];
        this.dLdf = new double[width];
        this.featH = new double[hidden + 1];
        this.featH[hidden] = 1.0;
        this.tail = new double[LRU_KERNELS.lanes()];
    }

    @Override public int outputs() { return head.outputs(); }
    @Override public int hidden() { return n; }
    public int width() { return width; }

    @Override
    public int parameterCount() {
        return headParams + width * (n + 1);
    }

    /** Head block N(0, std^2) like the linear heads; hidden layer N(0, 1 / (n + 1)) (fan-in scaling). */
    @Override
    public void initWeights(double[] V, Rng rng, double std) {
        for (int i = 0; i < headParams; i++) {
            V[i] = std * rng.nextGaussian();
        }
        double s = 1.0 / Math.sqrt(n + 1);
        for (int i = headParams; i < V.length; i++) {
            V[i] = s * rng.nextGaussian();
        }
    }

    @Override
    public void forward(double[] V, double[] h, double[] out) {
        features(V, h);
        head.forward(V, feat, out);
    }

    private void features(double[] V, double[] h) {
        System.arraycopy(h, 0, featH, 0, n);
        featV = V;
        int cols = n + 1;
        if (!LRU_KERNELS.mlpFeatures(V, headParams, width, cols, featH, tail, feat)) {
            kern.multiDot(h, 0, n, V, headParams, cols, width, feat, 0);
            LRU_KERNELS.biasTanh(feat, width, V, headParams + n, cols);
        }
    }

    /** The features' activation ({@link LruKernels#tanh}: deterministic, on SIMD lanes with the same bits). */
    static double tanh(double v) {
        return LruKernels.tanh(v);
    }

    @Override
    public double lossAndGradients(double[] V, double[] h, double[] out, double[] target, double[] dLdh,
                                   double[] gradV) {
        if (V != featV || !java.util.Arrays.equals(h, 0, n, featH, 0, n)) {
            features(V, h);
        }
        double loss = head.lossAndGradients(V, feat, out, target, dLdf, gradV);
        for (int f = 0; f < width; f++) {
            double y = feat[f];
            dLdf[f] *= 1.0 - y * y; // now dL/d(pre-activation)
        }
        LRU_KERNELS.denseBackward(V, headParams, width, n, dLdf, h, gradV, headParams, dLdh);
        featV = null; // the caller may now update V in place: the next call recomputes unless a forward ran
        return loss;
    }
}
