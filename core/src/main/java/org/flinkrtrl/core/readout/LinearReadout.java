package org.flinkrtrl.core.readout;

/**
 * Linear regression head y = V [h; 1] with squared error 0.5 ||y - t||^2, or the Huber loss with threshold
 * {@code delta} per component (quadratic inside |e| <= delta, linear outside) when {@code huberDelta > 0}.
 */
public final class LinearReadout implements Readout {
    private final int n;
    private final int o;
    private final double huberDelta;
    private final double[] dLdy;

    public LinearReadout(int hidden, int outputs, double huberDelta) {
        if (hidden < 1 || outputs < 1) {
            throw new IllegalArgumentException("hidden and outputs must be >= 1");
        }
        if (!(huberDelta >= 0)) {
            throw new IllegalArgumentException("huberDelta must be >= 0 (0 = squared error), got " + huberDelta);
        }
        this.n = hidden;
        this.o = outputs;
        this.huberDelta = huberDelta;
        this.dLdy = new double[outputs];
    }

    @Override public int outputs() { return o; }
    @Override public int hidden() { return n; }

    @Override
    public void forward(double[] V, double[] h, double[] out) {
        Affine.forward(V, h, n, o, out);
    }

    @Override
    public double lossAndGradients(double[] V, double[] h, double[] out, double[] target, double[] dLdh, double[] gradV) {
        double loss = 0.0;
        for (int i = 0; i < o; i++) {
            double e = out[i] - target[i];
            if (huberDelta > 0 && Math.abs(e) > huberDelta) {
                loss += huberDelta * (Math.abs(e) - 0.5 * huberDelta);
                dLdy[i] = Math.copySign(huberDelta, e);
            } else {
                loss += 0.5 * e * e;
                dLdy[i] = e;
            }
        }
        Affine.backward(V, h, n, o, dLdy, dLdh, gradV);
        return loss;
    }
}
