package org.flinkrtrl.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
