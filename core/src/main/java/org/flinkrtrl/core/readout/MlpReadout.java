package org.flinkrtrl.core.readout;

import org.flinkrtrl.core.math.Rng;

/**
 * A one-hidden-layer MLP head: features {@code f = tanh(V1 [h; 1])} (width F), then a linear regression or softmax
 * head on {@code [f; 1]}, with the exact gradient of both layers. The input h is the recurrent state as the cell
 * exposes it (for the LRU: {@code [Re h, Im h, x]}).
 *
 * <p>V layout: {@code [V2 (outputs x (F + 1)) | V1 (F x (n + 1))]}, both row-major; the head's block comes first so
 * the head reads its weights from offset 0. The features are recomputed in {@link #lossAndGradients} from V and h
 * (the same arithmetic as {@link #forward}, so the same bits): the gradient needs nothing kept from the forward
 * pass, and a learner restored between its forecast and its target computes the same gradient.
 */
public final class MlpReadout implements Readout {
    private final int n;
    private final int width;
    private final Readout head;
    private final int headParams;
    private final double[] feat;
    private final double[] dLdf;

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
        int cols = n + 1;
        for (int f = 0; f < width; f++) {
            int row = headParams + f * cols;
            double acc = V[row + n];
            for (int j = 0; j < n; j++) {
                acc += V[row + j] * h[j];
            }
            feat[f] = Math.tanh(acc);
        }
    }

    @Override
    public double lossAndGradients(double[] V, double[] h, double[] out, double[] target, double[] dLdh,
                                   double[] gradV) {
        features(V, h);
        double loss = head.lossAndGradients(V, feat, out, target, dLdf, gradV);
        int cols = n + 1;
        java.util.Arrays.fill(dLdh, 0, n, 0.0);
        for (int f = 0; f < width; f++) {
            double y = feat[f];
            double d = dLdf[f] * (1.0 - y * y);
            int row = headParams + f * cols;
            for (int j = 0; j < n; j++) {
                gradV[row + j] = d * h[j];
                dLdh[j] += V[row + j] * d;
            }
            gradV[row + n] = d;
        }
        return loss;
    }
}
