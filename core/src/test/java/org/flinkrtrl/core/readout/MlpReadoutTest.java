package org.flinkrtrl.core.readout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/** The MLP head's gradients (dL/dV for both layers and dL/dh) against central differences of its loss. */
class MlpReadoutTest {

    private static void check(boolean softmax, double huber, long seed) {
        int n = 7;
        int width = 5;
        int outs = softmax ? 4 : 3;
        MlpReadout r = new MlpReadout(n, width, outs, softmax, huber);
        Rng rng = new Rng(seed);
        double[] v = new double[r.parameterCount()];
        r.initWeights(v, rng, 0.5);
        double[] h = new double[n];
        for (int i = 0; i < n; i++) {
            h[i] = rng.nextGaussian();
        }
        double[] target = softmax ? new double[] {2} : new double[] {0.3, -1.5, 2.0};
        double[] out = new double[outs];
        r.forward(v, h, out);
        double[] dLdh = new double[n];
        double[] gradV = new double[v.length];
        r.lossAndGradients(v, h, out, target, dLdh, gradV);
        double eps = 1e-6;
        double[] fdV = new double[v.length];
        for (int p = 0; p < v.length; p++) {
            double[] vp = v.clone();
            double[] vm = v.clone();
            vp[p] += eps;
            vm[p] -= eps;
            fdV[p] = (loss(r, vp, h, target) - loss(r, vm, h, target)) / (2 * eps);
        }
        double[] fdH = new double[n];
        for (int j = 0; j < n; j++) {
            double[] hp = h.clone();
            double[] hm = h.clone();
            hp[j] += eps;
            hm[j] -= eps;
            fdH[j] = (loss(r, v, hp, target) - loss(r, v, hm, target)) / (2 * eps);
        }
        assertTrue(relErr(gradV, fdV) <= 1e-6, "dL/dV " + relErr(gradV, fdV));
        assertTrue(relErr(dLdh, fdH) <= 1e-6, "dL/dh " + relErr(dLdh, fdH));
    }

    private static double loss(MlpReadout r, double[] v, double[] h, double[] target) {
        double[] out = new double[r.outputs()];
        r.forward(v, h, out);
        return r.lossAndGradients(v, h, out, target, new double[r.hidden()], new double[v.length]);
    }

    private static double relErr(double[] got, double[] want) {
        double d = 0.0;
        double s = 0.0;
        for (int i = 0; i < want.length; i++) {
            d += (got[i] - want[i]) * (got[i] - want[i]);
            s += want[i] * want[i];
        }
        return Math.sqrt(d / s);
    }

    @Test
    void regressionGradientsMatchFiniteDifferences() {
        check(false, 0.0, 1);
        check(false, 0.0, 2);
    }

    @Test
    void huberGradientsMatchFiniteDifferences() {
        check(false, 0.5, 3); // errors of order 1: some components in the linear part
    }

    @Test
    void softmaxGradientsMatchFiniteDifferences() {
        check(true, 0.0, 4);
        check(true, 0.0, 5);
    }

    @Test
    void lossRecomputesTheFeaturesWithTheForwardBits() {
        MlpReadout r = new MlpReadout(4, 3, 2, false, 0.0);
        double[] v = new double[r.parameterCount()];
        r.initWeights(v, new Rng(9), 0.3);
        double[] h1 = {0.1, -0.2, 0.3, 0.4};
        double[] h2 = {1.1, 0.7, -0.3, 0.0};
        double[] out1 = new double[2];
        r.forward(v, h1, out1);
        double[] gv = new double[v.length];
        double[] dh = new double[4];
        r.lossAndGradients(v, h1, out1, new double[] {0.5, 0.5}, dh, gv);
        // a forward on another state in between (another key on this thread) changes nothing
        MlpReadout fresh = new MlpReadout(4, 3, 2, false, 0.0);
        fresh.forward(v, h2, new double[2]);
        double[] gv2 = new double[v.length];
        double[] dh2 = new double[4];
        fresh.lossAndGradients(v, h1, out1, new double[] {0.5, 0.5}, dh2, gv2);
        assertArrayEquals(gv, gv2);
        assertArrayEquals(dh, dh2);
    }

    @Test
    void weightsChangedInPlaceAfterALossAreNotServedFromTheCache() {
        MlpReadout r = new MlpReadout(4, 3, 1, false, 0.0);
        double[] v = new double[r.parameterCount()];
        r.initWeights(v, new Rng(10), 0.3);
        double[] h = {0.3, -0.1, 0.2, 0.9};
        double[] out = new double[1];
        r.forward(v, h, out);
        r.lossAndGradients(v, h, out, new double[] {1.0}, new double[4], new double[v.length]);
        for (int i = 0; i < v.length; i++) {
            v[i] *= 1.5; // an optimiser step in place, then a second loss on the same output (learn twice)
        }
        double[] g = new double[v.length];
        r.lossAndGradients(v, h, out, new double[] {1.0}, new double[4], g);
        double[] gFresh = new double[v.length];
        new MlpReadout(4, 3, 1, false, 0.0).lossAndGradients(v, h, out, new double[] {1.0}, new double[4], gFresh);
        assertArrayEquals(gFresh, g);
    }
}
