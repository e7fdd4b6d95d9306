package org.flinkrtrl.core.readout;

/** y = V [h; 1] and its backward pass, shared by the heads. */
final class Affine {
    private Affine() {}

    static void forward(double[] V, double[] h, int n, int o, double[] out) {
        int cols = n + 1;
        for (int i = 0; i < o; i++) {
            int row = i * cols;
            double acc = V[row + n];
            for (int j = 0; j < n; j++) {
                acc += V[row + j] * h[j];
            }
            out[i] = acc;
        }
    }

    static void backward(double[] V, double[] h, int n, int o, double[] dLdy, double[] dLdh, double[] gradV) {
        int cols = n + 1;
        java.util.Arrays.fill(dLdh, 0, n, 0.0);
        for (int i = 0; i < o; i++) {
            int row = i * cols;
            double g = dLdy[i];
            for (int j = 0; j < n; j++) {
                gradV[row + j] = g * h[j];
                dLdh[j] += V[row + j] * g;
            }
            gradV[row + n] = g;
        }
    }
}
