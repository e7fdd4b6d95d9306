package org.flinkrtrl.core.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/** The transform cache of {@link LruCell#prepare}: used only for the W it was prepared from, with the same bits. */
class LruCellTest {
    @Test
    void preparedTransformGivesTheBitsOfTheFreshOneAndOnlyForItsW() {
        int n = 8;
        LruCell prepared = new LruCell(n, 4);
        LruCell fresh = new LruCell(n, 4);
        LruStep a = prepared.newStep();
        LruStep b = fresh.newStep();
        double[] w = new double[prepared.parameterCount()];
        prepared.initWeights(w, new Rng(3), 0.0);
        double[] h = new double[prepared.hiddenSize()];
        double[] x = {0.3, -1.2, 0.7, 2.0};
        Rng rng = new Rng(4);
        for (int t = 0; t < 50; t++) {
            for (int p = 0; p < w.length; p++) {
                w[p] += 1e-3 * rng.nextGaussian();
            }
            boolean viaPrepare = t % 3 != 2;
            if (viaPrepare) {
                prepared.prepare(w);
            }
            if (t % 5 == 4) {
                w[t % (3 * n)] += 1e-9; // changed after prepare (e.g. a warm start writing W in place)
                viaPrepare = false;
            }
            prepared.forward(w, h, x, a);
            fresh.forward(w, h, x, b);
            assertEquals(viaPrepare, prepared.usedPrepared, "step " + t + " cache use");
            for (double[][] pair : new double[][][] {{a.lamRe, b.lamRe}, {a.lamIm, b.lamIm}, {a.expNu, b.expNu},
                {a.expTheta, b.expTheta}, {a.gamma, b.gamma}, {a.hNext, b.hNext}}) {
                for (int i = 0; i < pair[1].length; i++) {
                    assertEquals(Double.doubleToRawLongBits(pair[1][i]), Double.doubleToRawLongBits(pair[0][i]),
                        "step " + t + " entry " + i);
                }
            }
            System.arraycopy(a.hNext, 0, h, 0, h.length);
        }
    }
}
