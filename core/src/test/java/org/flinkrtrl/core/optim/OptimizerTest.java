package org.flinkrtrl.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

/** Adam, SGD and clipping follow their formulas; Adam's state round-trips bit for bit. */
class OptimizerTest {
    @Test
    void adamFollowsTheBiasCorrectedUpdate() {
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        Adam adam = new Adam(2, lr, b1, b2, eps);
        double[] p = {1.0, -2.0};
        double[] g1 = {0.5, -4.0};
        double[] g2 = {0.1, 1.0};
        adam.apply(p, g1);
        adam.apply(p, g2);
        double[] expected = new double[2];
        for (int i = 0; i < 2; i++) {
            double m1 = (1 - b1) * g1[i];
            double v1 = (1 - b2) * g1[i] * g1[i];
            double x = (i == 0 ? 1.0 : -2.0) - lr * Math.sqrt(1 - b2) / (1 - b1) * m1 / (Math.sqrt(v1) + eps);
            double m2 = b1 * m1 + (1 - b1) * g2[i];
            double v2 = b2 * v1 + (1 - b2) * g2[i] * g2[i];
            expected[i] = x - lr * Math.sqrt(1 - b2 * b2) / (1 - b1 * b1) * m2 / (Math.sqrt(v2) + eps);
        }
        assertArrayEquals(expected, p, 1e-15);
        assertEquals(2, adam.steps());
    }

    @Test
    void adamStateRoundTripsBitForBit() throws Exception {
        Adam a = new Adam(3, 0.1, 0.9, 0.99, 1e-8);
        double[] p = {1, 2, 3};
        a.apply(p, new double[] {0.3, -0.2, 0.1});
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        a.writeState(new DataOutputStream(bos));
        Adam b = new Adam(3, 0.1, 0.9, 0.99, 1e-8);
        b.readState(new DataInputStream(new ByteArrayInputStream(bos.toByteArray())));
        double[] q = p.clone();
        a.apply(p, new double[] {1, 1, 1});
        b.apply(q, new double[] {1, 1, 1});
        assertArrayEquals(p, q, 0.0);
    }

    /**
     * The bias correction skipped once it is exactly 1 gives the bits of the formula on every step, across both
     * saturation points (betas chosen so they come early: 1 - 0.5^t is 1.0 from t = 54 on, and
     * 1 - 0.9^t a few hundred steps later).
     */
    @Test
    void biasCorrectionShortcutsGiveTheFormulasBits() {
        double b1 = 0.5;
        double b2 = 0.9;
        assertEquals(54, Adam.Saturation.firstExactOne(b1)); // 1 - 2^-53 is a double, 1 - 2^-54 rounds to 1
        for (double b : new double[] {b1, b2, 0.999}) {
            long first = 1;
            while (1.0 - Math.pow(b, first) != 1.0) {
                first++;
            }
            assertEquals(first, Adam.Saturation.firstExactOne(b), "beta " + b);
        }
        assertTrue(Adam.Saturation.firstExactOne(b2) < 500);
        assertEquals(1L, Adam.Saturation.firstExactOne(0.0));
        assertEquals(Long.MAX_VALUE, Adam.Saturation.firstExactOne(1.0));
        double lr = 0.01;
        double eps = 1e-8;
        Adam lead = new Adam(3, lr, b1, b2, eps);
        Adam follow = new Adam(2, lr, b1, b2, eps);
        double[] p = {0.3, -1.0, 2.0};
        double[] q = {1.5, 0.25};
        double[] pRef = p.clone();
        double[] qRef = q.clone();
        double[][] mom = new double[4][3];
        for (int t = 1; t <= 500; t++) {
            double[] gp = {Math.sin(t), Math.cos(0.3 * t), 0.01 * t};
            double[] gq = {Math.sin(0.7 * t), -1.0 / t};
            lead.apply(p, gp);
            follow.apply(q, gq);
            double lrT = lr * Math.sqrt(1.0 - Math.pow(b2, t)) / (1.0 - Math.pow(b1, t));
            reference(pRef, gp, mom[0], mom[1], b1, b2, lrT, eps);
            reference(qRef, gq, mom[2], mom[3], b1, b2, lrT, eps);
            for (int i = 0; i < p.length; i++) {
                assertEquals(Double.doubleToRawLongBits(pRef[i]), Double.doubleToRawLongBits(p[i]), "t " + t);
            }
            for (int i = 0; i < q.length; i++) {
                assertEquals(Double.doubleToRawLongBits(qRef[i]), Double.doubleToRawLongBits(q[i]), "t " + t);
            }
        }
    }

    private static void reference(double[] p, double[] g, double[] m, double[] v, double b1, double b2, double lrT,
                                  double eps) {
        for (int i = 0; i < p.length; i++) {
            m[i] = b1 * m[i] + (1.0 - b1) * g[i];
            v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
            p[i] -= lrT * m[i] / (Math.sqrt(v[i]) + eps);
        }
    }

    @Test
    void sgdSubtractsLearningRateTimesGradient() {
        double[] p = {1, 1};
        new Sgd(0.5).apply(p, new double[] {2, -1});
        assertArrayEquals(new double[] {0, 1.5}, p, 0.0);
    }

    @Test
    void clippingScalesToTheMaxNormAndReportsTheOriginalNorm() {
        double[] g = {3, 4};
        assertEquals(5.0, Clipping.clipByNorm(g, 1.0));
        assertArrayEquals(new double[] {0.6, 0.8}, g, 1e-15);
        double[] small = {0.3, 0.4};
        assertEquals(0.5, Clipping.clipByNorm(small, 1.0), 1e-15);
        assertArrayEquals(new double[] {0.3, 0.4}, small, 0.0);
        double[] off = {30, 40};
        Clipping.clipByNorm(off, 0);
        assertArrayEquals(new double[] {30, 40}, off, 0.0);
    }
}
