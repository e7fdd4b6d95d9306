package org.flinkrtrl.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The LRU kernels of this JVM against the plain ones and against the formulas written out here: the element-wise
 * kernels bit for bit, the dense backward pass to reassociation, on unit counts that exercise the SIMD body and the
 * scalar tail.
 */
class LruKernelsTest {
    private static final int[] UNITS = {1, 3, 8, 11, 16, 21};
    private static final int[] INPUTS = {1, 2, 4, 5};

    @Test
    void sameFamilyAsTheDenseKernels() {
        assertEquals(Kernels.get().name(), LruKernels.get().name());
        assertEquals("plain", LruKernels.plain().name());
    }

    private static double[] random(Rng rng, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    private static void assertBits(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), what + " [" + i + "]");
        }
    }

    /**
     * 300 steps of the LRU cell's forward pass (N = 8 and N = 11, 4 inputs, ring-initialised weights moved a little
     * every step): a digest of every state. This test runs in the default (SIMD) test JVM and in the plain-kernels
     * one (core/pom.xml), so each pinned digest is the claim that both families give the cell the same bits.
     * (A whole learner's bits still differ between the families: its dot products, the MLP's features and the
     * clipping norm, are summed in another order on SIMD.)
     */
    @Test
    void lruCellGivesTheSameBitsOnBothKernelFamilies() {
        assertEquals(CELL_DIGEST_8, cellDigest(8), LruKernels.get().name() + " N=8");
        assertEquals(CELL_DIGEST_11, cellDigest(11), LruKernels.get().name() + " N=11");
    }

    private static final long CELL_DIGEST_8 = -541444731627263745L;
    private static final long CELL_DIGEST_11 = 2778519126210114763L;

    private static long cellDigest(int n) {
        org.flinkrtrl.core.cell.LruCell cell = new org.flinkrtrl.core.cell.LruCell(n, 4);
        org.flinkrtrl.core.cell.CellStep step = cell.newStep();
        double[] w = new double[cell.parameterCount()];
        cell.initWeights(w, new Rng(5), 0.0);
        double[] h = new double[cell.hiddenSize()];
        double[] x = new double[4];
        long digest = 17;
        for (int t = 0; t < 300; t++) {
            for (int j = 0; j < 4; j++) {
                x[j] = Math.sin(0.05 * t * (j + 1)) + 0.1 * j;
            }
            for (int p = 0; p < 3 * n; p++) {
                w[p] += 1e-3 * Math.sin(0.3 * t + p);
            }
            cell.forward(w, h, x, step);
            System.arraycopy(((org.flinkrtrl.core.cell.LruStep) step).hNext, 0, h, 0, h.length);
            for (double v : h) {
                digest = 31 * digest + Double.doubleToRawLongBits(v);
            }
        }
        return digest;
    }

    @Test
    void transformGivesTheBitsOfLruMathOnBothFamilies() {
        Rng rng = new Rng(17);
        for (LruKernels k : new LruKernels[] {LruKernels.get(), LruKernels.plain()}) {
            for (int n : new int[] {1, 3, 7, 8, 9, 16, 21, 33}) {
                for (int rep = 0; rep < 50; rep++) {
                    double[] W = new double[3 * n];
                    for (int i = 0; i < 3 * n; i++) {
                        W[i] = 2.0 * rng.nextGaussian() - 1.0;
                    }
                    if (rep % 5 == 4) { // lanes outside the fast ranges: exp overflow / underflow, large phase, NaN
                        int i = rng.nextInt(n);
                        double[] odd = {800.0, -800.0, 7.0, 15.0, Double.NaN, Double.NEGATIVE_INFINITY};
                        W[rng.nextInt(3) * n + i] = odd[rng.nextInt(odd.length)];
                    }
                    double[][] out = new double[5][n];
                    k.transform(n, W, 0x1p-40, out[0], out[1], out[2], out[3], out[4]);
                    double[][] want = new double[5][n];
                    for (int i = 0; i < n; i++) {
                        want[0][i] = LruMath.exp(W[i]);
                        want[1][i] = LruMath.exp(W[n + i]);
                        want[2][i] = LruMath.exp(W[2 * n + i]);
                        double mod = LruMath.exp(-(want[0][i] + 0x1p-40));
                        want[3][i] = mod * LruMath.cos(want[1][i]);
                        want[4][i] = mod * LruMath.sin(want[1][i]);
                    }
                    for (int a = 0; a < 5; a++) {
                        assertBits(want[a], out[a], k.name() + " transform n=" + n + " output " + a);
                    }
                }
            }
        }
    }

    @Test
    void elementWiseKernelsFollowTheFormulasBitForBit() {
        LruKernels k = LruKernels.get();
        Rng rng = new Rng(3);
        for (int n : UNITS) {
            for (int nx : INPUTS) {
                double[] lr = random(rng, n);
                double[] li = random(rng, n);
                double[] g = random(rng, n);
                double[] en = random(rng, n);
                double[] et = random(rng, n);
                double[] h = random(rng, 2 * n + 2 * nx + 1);
                double[] bxr = random(rng, n);
                double[] bxi = random(rng, n);
                double[] e = random(rng, 4 * n + 2); // four traces at offsets 1, n + 1, ...
                double[] eb = random(rng, 2 * n * nx);
                double[] dLdh = random(rng, 2 * n + nx);
                double[] eRef = e.clone();
                double[] ebRef = eb.clone();
                k.traces(n, lr, li, g, h, bxr, bxi, e, 1, e, n + 1, e, 2 * n + 1, e, 3 * n + 1);
                k.traceB(n, nx, lr, li, g, h, 2 * n + nx, eb, 0, eb, n * nx);
                for (int i = 0; i < n; i++) {
                    double er = eRef[1 + i];
                    double ei = eRef[n + 1 + i];
                    eRef[1 + i] = lr[i] * er - li[i] * ei + h[i];
                    eRef[n + 1 + i] = lr[i] * ei + li[i] * er + h[n + i];
                    double gr = eRef[2 * n + 1 + i];
                    double gi = eRef[3 * n + 1 + i];
                    eRef[2 * n + 1 + i] = lr[i] * gr - li[i] * gi + bxr[i];
                    eRef[3 * n + 1 + i] = lr[i] * gi + li[i] * gr + bxi[i];
                    for (int j = 0; j < nx; j++) {
                        double br = ebRef[j * n + i];
                        double bi = ebRef[n * nx + j * n + i];
                        ebRef[j * n + i] = lr[i] * br - li[i] * bi + g[i] * h[2 * n + nx + j];
                        ebRef[n * nx + j * n + i] = lr[i] * bi + li[i] * br;
                    }
                }
                String at = "n=" + n + " nx=" + nx;
                assertBits(eRef, e, "traces " + at);
                assertBits(ebRef, eb, "E_B " + at);

                int p = 3 * n + 2 * n * nx;
                double[] grad = new double[p];
                double[] gradRef = new double[p];
                k.diagGradient(n, lr, li, g, en, et, e, 1, e, n + 1, e, 2 * n + 1, e, 3 * n + 1, dLdh, grad);
                k.bGradient(n, nx, eb, 0, eb, n * nx, dLdh, grad, 3 * n, 3 * n + n * nx);
                for (int i = 0; i < n; i++) {
                    double gr = dLdh[i];
                    double gi = dLdh[n + i];
                    double pr = lr[i] * e[1 + i] - li[i] * e[n + 1 + i];
                    double pi = lr[i] * e[n + 1 + i] + li[i] * e[1 + i];
                    gradRef[i] = -en[i] * (pr * gr + pi * gi);
                    gradRef[n + i] = et[i] * (pr * gi - pi * gr);
                    gradRef[2 * n + i] = g[i] * (e[2 * n + 1 + i] * gr + e[3 * n + 1 + i] * gi);
                    for (int j = 0; j < nx; j++) {
                        double br = eb[j * n + i];
                        double bi = eb[n * nx + j * n + i];
                        gradRef[3 * n + i * nx + j] = br * gr + bi * gi;
                        gradRef[3 * n + n * nx + i * nx + j] = br * gi - bi * gr;
                    }
                }
                assertBits(gradRef, grad, "gradient " + at);
            }
        }
    }

    @Test
    void denseBackwardIsTheOuterProductAndTheTransposedProduct() {
        Rng rng = new Rng(5);
        for (LruKernels k : new LruKernels[] {LruKernels.get(), LruKernels.plain()}) {
            for (int n : new int[] {1, 7, 8, 17, 20, 37}) {
                for (int rows : new int[] {1, 3, 8}) {
                    int off = 5;
                    int cols = n + 1;
                    double[] v = random(rng, off + rows * cols);
                    double[] d = random(rng, rows);
                    double[] h = random(rng, n);
                    double[] grad = random(rng, off + rows * cols); // every entry of the block is overwritten
                    double[] before = grad.clone();
                    double[] dLdh = random(rng, n + 2);
                    double[] tail = {dLdh[n], dLdh[n + 1]};
                    k.denseBackward(v, off, rows, n, d, h, grad, off, dLdh);
                    for (int f = 0; f < rows; f++) {
                        for (int j = 0; j < n; j++) {
                            assertEquals(d[f] * h[j], grad[off + f * cols + j], 0.0);
                        }
                        assertEquals(d[f], grad[off + f * cols + n], 0.0);
                    }
                    for (int i = 0; i < off; i++) {
                        assertEquals(before[i], grad[i], 0.0);
                    }
                    for (int j = 0; j < n; j++) {
                        double s = 0.0;
                        double abs = 0.0;
                        for (int f = 0; f < rows; f++) {
                            s += d[f] * v[off + f * cols + j];
                            abs += Math.abs(d[f] * v[off + f * cols + j]);
                        }
                        assertEquals(s, dLdh[j], 1e-15 * abs, k.name() + " n=" + n + " rows=" + rows + " j=" + j);
                    }
                    if (k != LruKernels.plain()) {
                        // the SIMD kernels: one FMA per row in row order on every lane (lane windows included)
                        for (int j = 0; j < n; j++) {
                            double acc = 0.0;
                            for (int f = 0; f < rows; f++) {
                                acc = Math.fma(v[off + f * cols + j], d[f], acc);
                            }
                            assertEquals(Double.doubleToRawLongBits(acc), Double.doubleToRawLongBits(dLdh[j]),
                                k.name() + " n=" + n + " rows=" + rows + " j=" + j);
                        }
                    }
                    assertEquals(tail[0], dLdh[n], 0.0); // only [0, n) is written
                    assertEquals(tail[1], dLdh[n + 1], 0.0);
                }
            }
        }
    }

    /**
     * The readout's activation: the lanes give the scalar {@link LruKernels#tanh}'s bits (a block with a NaN on the
     * scalar path), which is within 2 ulp(1) of {@code Math.tanh} (absolute: {@code 1 - e} cancels near 0) and exactly +-1 from |v| = 20 on (where the clamp of
     * its exp argument acts, the unclamped formula rounds to 1 as well).
     */
    @Test
    void readoutTanhIsDeterministicAndAccurate() {
        Rng rng = new Rng(9);
        for (LruKernels k : new LruKernels[] {LruKernels.get(), LruKernels.plain()}) {
            for (int n : new int[] {1, 7, 8, 9, 16, 21}) {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = rng.nextGaussian() * (i % 3 == 0 ? 15.0 : 1.0);
                }
                if (n > 8) {
                    v[8] = Double.NaN;
                }
                v[0] = n == 7 ? -0.0 : v[0];
                double[] bias = random(rng, 2 * n);
                double[] got = v.clone();
                k.biasTanh(got, n, bias, 1, 2);
                for (int i = 0; i < n; i++) {
                    double want = LruKernels.tanh(v[i] + bias[1 + 2 * i]);
                    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got[i]),
                        k.name() + " n=" + n + " i=" + i);
                }
            }
        }
        for (int i = -200_000; i <= 200_000; i++) {
            double v = i * 1.37e-4;
            double t = LruKernels.tanh(v);
            assertEquals(Math.tanh(v), t, 2 * Math.ulp(1.0), "v=" + v); // 1 - e cancels near 0: absolute error
        }
        for (double v = 20.0; v < 1e300; v *= 1.7) {
            assertEquals(1.0, LruKernels.tanh(v), 0.0);
            assertEquals(-1.0, LruKernels.tanh(-v), 0.0);
            double e = StrictMath.exp(-2.0 * v);
            assertEquals(1.0, (1.0 - e) / (1.0 + e), 0.0, "the clamp changes nothing at " + v);
        }
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(LruKernels.tanh(-0.0)));
        assertEquals(Double.NaN, LruKernels.tanh(Double.NaN));
    }

    /** The MLP features on lane windows: tanh of the row's dot product with [h; 1], to rounding. */
    @Test
    void mlpFeaturesAreTanhOfTheAffineMap() {
        Rng rng = new Rng(13);
        LruKernels k = LruKernels.get();
        for (int cols : new int[] {3, 8, 9, 16, 21, 37}) {
            for (int rows : new int[] {1, 5, 8}) {
                int off = 3;
                double[] v = random(rng, off + rows * cols);
                double[] hx = random(rng, cols);
                hx[cols - 1] = 1.0;
                double[] feat = new double[rows];
                if (!k.mlpFeatures(v, off, rows, cols, hx, new double[k.lanes()], feat)) {
                    assertEquals(true, k == LruKernels.plain() || cols < k.lanes(), "declined at cols=" + cols);
                    continue;
                }
                for (int f = 0; f < rows; f++) {
                    double s = 0.0;
                    double abs = 0.0;
                    for (int j = 0; j < cols; j++) {
                        s += v[off + f * cols + j] * hx[j];
                        abs += Math.abs(v[off + f * cols + j] * hx[j]);
                    }
                    assertEquals(Math.tanh(s), feat[f], 1e-15 * abs + 4 * Math.ulp(1.0), "cols=" + cols + " f=" + f);
                }
            }
        }
    }
}
