package org.flinkrtrl.core.readout;

/**
 * Softmax classification head p = softmax(V [h; 1]) with cross-entropy loss -ln p[target] (in nats). A target of
 * two entries {class, active} restricts the loss to the first {@code active} classes: p is renormalised over them
 * and the other classes' logits get no gradient (classes not in use yet are neither pushed down nor up).
 */
public final class SoftmaxReadout implements Readout {
    private final int n;
    private final int classes;
    private final double[] dLdy;

    public SoftmaxReadout(int hidden, int classes) {
        if (hidden < 1 || classes < 2) {
            throw new IllegalArgumentException("hidden must be >= 1 and classes >= 2");
        }
        this.n = hidden;
        this.classes = classes;
        this.dLdy = new double[classes];
    }

    @Override public int outputs() { return classes; }
    @Override public int hidden() { return n; }

    @Override
    public void forward(double[] V, double[] h, double[] out) {
        Affine.forward(V, h, n, classes, out);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < classes; i++) {
            max = Math.max(max, out[i]);
        }
        double sum = 0.0;
        for (int i = 0; i < classes; i++) {
            out[i] = Math.exp(out[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < classes; i++) {
            out[i] /= sum;
        }
    }

    @Override
    public double lossAndGradients(double[] V, double[] h, double[] out, double[] target, double[] dLdh, double[] gradV) {
        int c = (int) target[0];
        if (c < 0 || c >= classes || c != target[0]) {
            throw new IllegalArgumentException("class index " + target[0] + " outside [0, " + classes + ")");
        }
        int active = classes;
        if (target.length > 1) {
            active = (int) target[1];
            if (active <= c || active > classes || active != target[1]) {
                throw new IllegalArgumentException("classes in use " + target[1] + " outside (" + c + ", " + classes + "]");
            }
        }
        double mass = 0.0;
        for (int i = 0; i < active; i++) {
            mass += out[i];
        }
        for (int i = 0; i < classes; i++) {
            dLdy[i] = i < active ? out[i] / mass : 0.0;
        }
        dLdy[c] -= 1.0;
        Affine.backward(V, h, n, classes, dLdy, dLdh, gradV);
        return -Math.log(Math.max(out[c] / mass, Double.MIN_NORMAL));
    }
}
