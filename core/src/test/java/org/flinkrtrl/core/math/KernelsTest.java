package org.flinkrtrl.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * The plain and (when the test JVM has jdk.incubator.vector) the Vector API kernels against a naive reference, on
 * sizes that exercise every blocking tail; and the run-time choice: the SIMD kernels exactly when the module is
 * present. The build runs this class twice (core/pom.xml): with and without --add-modules jdk.incubator.vector; the
 * Vector API tests are reported as skipped (with the reason) in the run without the module.
 */
class KernelsTest {
    private static final boolean MODULE =
        ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** The Vector API kernels; skips the calling test (visibly, with the reason) when this JVM has none. */
    static Kernels vectorOrSkip() {
        Kernels v = Kernels.vector();
        assumeTrue(v != null, "no Vector API kernels in this JVM (start it with --add-modules jdk.incubator.vector)");
        return v;
    }

    @Test
    void choosesTheVectorKernelsExactlyWhenTheModuleIsPresent() {
        boolean forcedPlain = "plain".equalsIgnoreCase(System.getProperty("flinkrtrl.kernels", ""));
        if (MODULE) {
            assertNotNull(Kernels.vector(), "module present: the Vector API kernels must load");
            assertTrue(Kernels.vector().name().startsWith("vector-"));
            assertEquals(forcedPlain ? "plain" : Kernels.vector().name(), Kernels.get().name());
        } else {
            assertNull(Kernels.vector(), "no module: no Vector API kernels");
            assertEquals("plain", Kernels.get().name());
        }
    }

    /** The log line (Kernels.describe) names the kernels in use, and tells a plain-path user how to get SIMD. */
    @Test
    void describeNamesTheKernelsAndTheFlagWhenPlain() {
        String d = Kernels.describe();
        assertTrue(d.startsWith(Kernels.get().name() + " ("), d);
        boolean forcedPlain = "plain".equalsIgnoreCase(System.getProperty("flinkrtrl.kernels", ""));
        if (MODULE && !forcedPlain) {
            assertEquals(Kernels.get().name() + " (jdk.incubator.vector present)", d);
        } else if (!MODULE) {
            assertTrue(d.contains("--add-modules jdk.incubator.vector"), d);
        }
        assertTrue(Kernels.describe(Kernels.plain(), false, false).startsWith("plain (start the JVM with --add-modules"));
        assertTrue(Kernels.describe(Kernels.plain(), true, true).contains("-Dflinkrtrl.kernels=plain"));
        assertTrue(Kernels.describe(Kernels.plain(), false, true).contains("self-check"));
    }

    @Test
    void plainKernelsMatchNaive() {
        check(Kernels.plain());
    }

    @Test
    void vectorKernelsMatchNaive() {
        check(vectorOrSkip());
    }

    /**
     * The plain product sums every entry over p in ascending order from 0.0 in separate (non-fused) multiply and
     * add, exactly like the naive loop: the same bits, whatever the register blocking.
     */
    @Test
    void plainGemmGivesTheNaiveBits() {
        Rng rng = new Rng(5);
        for (int rows : new int[] {1, 3, 4, 5, 8, 9, 32, 33}) {
            for (int cols : new int[] {1, 2, 3, 4, 5, 7, 32, 34}) {
                int inner = 19;
                double[] a = gaussian(rng, rows * inner);
                double[] b = gaussian(rng, inner * cols);
                double[] c = new double[rows * cols];
                Kernels.plain().gemm(rows, inner, cols, a, 0, inner, b, 0, cols, c, 0, cols);
                for (int i = 0; i < rows; i++) {
                    for (int x = 0; x < cols; x++) {
                        double e = 0.0;
                        for (int p = 0; p < inner; p++) {
                            e += a[i * inner + p] * b[p * cols + x];
                        }
                        assertEquals(Double.doubleToLongBits(e), Double.doubleToLongBits(c[i * cols + x]),
                            rows + "x" + cols + " at " + i + "," + x);
                    }
                }
            }
        }
    }

    /**
     * The vector product computes every entry as one FMA chain over p in ascending order from 0.0, whatever the
     * block shape (6 x 4 vectors, 4 x 4 vectors, 6 x 2, 4 x 2, 4 x 4 x long, single rows, vector and scalar
     * tails): the same bits as Math.fma in that order.
     */
    @Test
    void vectorGemmIsOneFmaChainPerEntry() {
        Kernels k = vectorOrSkip();
        Rng rng = new Rng(9);
        for (int rows : new int[] {1, 4, 5, 6, 7, 10, 12, 16, 32, 33}) {
            for (int inner : new int[] {1, 4, 19, 32}) {
                for (int cols : new int[] {1, 7, 8, 16, 17, 32, 40, 64, 1024}) {
                    int lda = inner + 1;
                    int ldb = cols + 2;
                    int ldc = cols + 3;
                    double[] a = gaussian(rng, 1 + rows * lda);
                    double[] b = gaussian(rng, 2 + inner * ldb);
                    double[] c = new double[3 + rows * ldc];
                    k.gemm(rows, inner, cols, a, 1, lda, b, 2, ldb, c, 3, ldc);
                    for (int i = 0; i < rows; i++) {
                        for (int x = 0; x < cols; x++) {
                            double e = 0.0;
                            for (int p = 0; p < inner; p++) {
                                e = Math.fma(a[1 + i * lda + p], b[2 + p * ldb + x], e);
                            }
                            assertEquals(Double.doubleToLongBits(e), Double.doubleToLongBits(c[3 + i * ldc + x]),
                                rows + "x" + inner + "x" + cols + " at " + i + "," + x);
                        }
                    }
                }
            }
        }
    }

    /**
     * triangularCombinationGram (CholeskyQR2's unstored second pass): on the vector kernels for count 4 the Gram
     * matrix of the combinations, each entry of which triangularCombinationAt reproduces bit for bit; every other
     * count, and the plain kernels, decline and leave the output alone.
     */
    @Test
    void triangularCombinationGramIsTheGramOfTheCombinations() {
        Rng rng = new Rng(13);
        double[] out = new double[40];
        assertTrue(!Kernels.plain().triangularCombinationGram(4, new double[50], 0, 10, 10, new double[20], 4, out, 0, 5));
        Kernels k = vectorOrSkip();
        for (int count : new int[] {1, 2, 3, 5}) {
            assertTrue(!k.triangularCombinationGram(count, new double[100], 0, 10, 10, new double[36], count, out, 0,
                6), "count " + count + " declined");
        }
        for (int len : new int[] {0, 1, 7, 8, 9, 31, 40, 67, 1024}) {
            int stride = len + 3;
            int ldc = 6;
            double[] x = gaussian(rng, 2 + 5 * stride);
            double[] c = gaussian(rng, 5 * ldc);
            double[] got = gaussian(rng, 1 + 4 * 7);
            double[] expect = got.clone();
            double[][] q = new double[4][len];
            for (int l = 0; l < 4; l++) {
                for (int t = 0; t < len; t++) {
                    double acc = 0.0;
                    for (int i = 0; i <= l; i++) {
                        acc = Math.fma(x[2 + i * stride + t], c[i * ldc + l], acc);
                    }
                    q[l][t] = Math.fma(x[2 + 4 * stride + t], c[4 * ldc + l], acc);
                    assertEquals(Double.doubleToLongBits(q[l][t]), Double.doubleToLongBits(
                        Kernels.triangularCombinationAt(4, l, x, 2, stride, t, c, ldc)), "entry " + l + "," + t);
                }
            }
            for (int i = 0; i < 4; i++) {
                for (int j = i; j < 4; j++) {
                    double s = 0.0;
                    for (int t = 0; t < len; t++) {
                        s += q[i][t] * q[j][t];
                    }
                    expect[1 + i * 7 + j] = s;
                }
            }
            assertTrue(k.triangularCombinationGram(4, x, 2, len, stride, c, ldc, got, 1, 7));
            for (int i = 0; i < got.length; i++) {
                assertEquals(expect[i], got[i], 1e-12 * Math.max(1.0, Math.abs(expect[i])), "len " + len + " at " + i);
            }
        }
    }

    /**
     * gemmTermsGram (OK's propagation with CholeskyQR2's first Gram pass): the bits of gemmTerms and of gram on its
     * outputs, on the vector kernels for products at least 4 vectors wide; the plain kernels decline.
     */
    @Test
    void gemmTermsGramHasTheBitsOfGemmTermsAndGram() {
        Rng rng = new Rng(17);
        assertTrue(!Kernels.plain().gemmTermsGram(4, 4, 32, new double[16], 0, 4, new double[600], 0, 32, 128,
            new double[600], 0, 128, new double[25], 6, 5));
        Kernels k = vectorOrSkip();
        for (int[] sh : new int[][] {{32, 32, 32}, {64, 64, 64}, {16, 16, 32}, {7, 5, 32}, {33, 9, 64}, {3, 3, 32}}) {
            int rows = sh[0];
            int inner = sh[1];
            int cols = sh[2];
            int lda = inner + 1;
            int ldb = cols + 3;
            int bStride = inner * ldb + 5;
            int cStride = rows * cols + 7;
            double[] a = gaussian(rng, 2 + rows * lda);
            double[] b = gaussian(rng, 3 + 4 * bStride);
            double[] c1 = new double[4 + 4 * cStride];
            double[] c2 = new double[4 + 4 * cStride];
            double[] g1 = gaussian(rng, 30);
            double[] g2 = g1.clone();
            if (!k.gemmTermsGram(rows, inner, cols, a, 2, lda, b, 3, ldb, bStride, c2, 4, cStride, g2, 6, 5)) {
                continue; // not this machine's vector width
            }
            k.gemmTerms(4, rows, inner, cols, a, 2, lda, b, 3, ldb, bStride, c1, 4, cols, cStride);
            k.gram(c1, 4, rows * cols, cStride, 4, g1, 6, 5);
            String where = rows + "x" + inner + "x" + cols;
            for (int i = 0; i < c1.length; i++) {
                assertEquals(Double.doubleToLongBits(c1[i]), Double.doubleToLongBits(c2[i]), where + " C at " + i);
            }
            for (int i = 0; i < g1.length; i++) {
                assertEquals(Double.doubleToLongBits(g1[i]), Double.doubleToLongBits(g2[i]), where + " Gram at " + i);
            }
        }
    }

    @Test
    void plainGemmTermsMatchesNaive() {
        checkTerms(Kernels.plain());
    }

    @Test
    void vectorGemmTermsMatchesNaive() {
        checkTerms(vectorOrSkip());
    }

    /**
     * gemmTerms on the propagation shapes (n x n by n x k, k = n and the gated 3n, 4n, terms 1..9) and on odd
     * shapes that hit every row and column tail of the blocking (6-, 4- and 1-row blocks, 2-vector, 1-vector and
     * scalar columns), with offsets, padded leading dimensions and term strides; nothing outside the C_t may change.
     */
    private static void checkTerms(Kernels k) {
        Rng rng = new Rng(3);
        int[][] shapes = {
            {16, 16, 16}, {32, 32, 32}, {64, 64, 64}, {16, 16, 48}, {32, 32, 128}, {8, 8, 32}, {6, 6, 6},
            {10, 7, 8}, {14, 5, 16}, {22, 9, 24}, {13, 11, 13}, {33, 4, 33}, {2, 3, 9}, {1, 5, 40}, {40, 40, 3}};
        for (int[] sh : shapes) {
            int rows = sh[0];
            int inner = sh[1];
            int cols = sh[2];
            for (int terms : new int[] {1, 2, 3, 4, 5, 8, 9}) {
                int lda = inner + 1;
                int ldb = cols + (cols % 3);
                int ldc = cols + 2;
                int bStride = inner * ldb + 7;
                int cStride = rows * ldc + 5;
                double[] a = gaussian(rng, 2 + rows * lda);
                double[] b = gaussian(rng, 3 + terms * bStride);
                double[] c = gaussian(rng, 4 + terms * cStride + 3);
                double[] expect = c.clone();
                for (int t = 0; t < terms; t++) {
                    for (int i = 0; i < rows; i++) {
                        for (int x = 0; x < cols; x++) {
                            double s = 0.0;
                            for (int p = 0; p < inner; p++) {
                                s += a[2 + i * lda + p] * b[3 + t * bStride + p * ldb + x];
                            }
                            expect[4 + t * cStride + i * ldc + x] = s;
                        }
                    }
                }
                k.gemmTerms(terms, rows, inner, cols, a, 2, lda, b, 3, ldb, bStride, c, 4, ldc, cStride);
                for (int i = 0; i < c.length; i++) {
                    assertEquals(expect[i], c[i], 1e-12,
                        k.name() + " gemmTerms " + terms + " x " + rows + "x" + inner + "x" + cols + " at " + i);
                }
            }
        }
    }

    /** The plain kernels' tanh is the JDK's: the OK cell on the plain kernels keeps Math.tanh's bits. */
    @Test
    void plainTanhGivesMathTanhsBits() {
        double[] x = tanhArguments(41);
        double[] y = new double[x.length + 3];
        Kernels.plain().tanh(x, 0, y, 3, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Double.doubleToRawLongBits(Math.tanh(x[i])), Double.doubleToRawLongBits(y[3 + i]),
                "x=" + x[i]);
        }
    }

    /**
     * The SIMD kernels' tanh has LruMath.tanh's bits on every lane and in the tails (lengths around the vector width,
     * offsets, in place), for arguments over every range of the function: tiny, the reduction's boundaries, beyond
     * the clamp, infinities, -0.0 and NaN (NaN for NaN).
     */
    @Test
    void vectorTanhGivesTheBitsOfTheScalarFunction() {
        Kernels v = vectorOrSkip();
        for (int len : new int[] {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 67}) {
            double[] x = tanhArguments(len);
            double[] y = new double[len + 2];
            v.tanh(x, 0, y, 2, len);
            double[] inPlace = x.clone();
            v.tanh(inPlace, 0, inPlace, 0, len);
            for (int i = 0; i < len; i++) {
                double want = LruMath.tanh(x[i]);
                if (Double.isNaN(x[i])) {
                    assertTrue(Double.isNaN(y[2 + i]) && Double.isNaN(inPlace[i]), "NaN in, NaN out");
                    continue;
                }
                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(y[2 + i]),
                    "len=" + len + " x=" + x[i]);
                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(inPlace[i]),
                    "in place, len=" + len + " x=" + x[i]);
            }
        }
    }

    /** Mixed arguments for the tanh tests: Gaussians at several scales, tiny and special values, both signs. */
    private static double[] tanhArguments(int len) {
        Rng rng = new Rng(31 + len);
        double[] special = {0.0, -0.0, 0x1p-1074, -1e-300, 1e-17, 0.17328679513998632, -0.3465735902799726, 19.06,
            -20.0, 20.5, 1e300, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        double[] x = new double[len];
        for (int i = 0; i < len; i++) {
            double g = rng.nextGaussian();
            switch (i % 5) {
                case 0: x[i] = g; break;
                case 1: x[i] = 0.3 * g; break;
                case 2: x[i] = 12.0 * g; break;
                case 3: x[i] = Math.scalb(g, -10 - (i % 40)); break;
                default: x[i] = special[(i / 5) % special.length]; break;
            }
        }
        return x;
    }

    @Test
    void plainAdamGivesTheBitsOfTheScalarLoop() {
        assertSameAdamBits(null, Kernels.plain());
    }

    @Test
    void vectorAdamGivesTheBitsOfThePlainKernels() {
        assertSameAdamBits(Kernels.plain(), vectorOrSkip());
    }

    /**
     * Random parameters and gradients (some gradients tiny, some zero) of odd lengths, 40 steps with the
     * bias-corrected step size of steps 1-20 and then the saturated one ({@code lr} itself, as optim.Adam uses once
     * {@code 1 - beta^t} rounds to 1): the vector kernels give the plain loop's bits in every array after every step.
     */
    @Test
    void vectorAdamGivesThePlainBitsOnRandomArraysAcrossTheBiasCorrectionCutOver() {
        Kernels v = vectorOrSkip();
        Kernels p = Kernels.plain();
        Rng rng = new Rng(29);
        for (int len : new int[] {1, 5, 7, 9, 15, 17, 31, 33, 63, 88, 186, 274, 1089}) {
            double[][] a = new double[3][len];
            for (int i = 0; i < len; i++) {
                a[0][i] = rng.nextGaussian();
            }
            double[][] b = {a[0].clone(), a[1].clone(), a[2].clone()};
            double[] g = new double[len];
            double lr = 1e-3;
            for (int t = 1; t <= 40; t++) {
                for (int i = 0; i < len; i++) {
                    double u = rng.nextDouble();
                    g[i] = u < 0.1 ? 0.0 : u < 0.2 ? 1e-12 * rng.nextGaussian() : rng.nextGaussian();
                }
                double lrT = t <= 20 ? lr * Math.sqrt(1.0 - Math.pow(0.999, t)) / (1.0 - Math.pow(0.9, t)) : lr;
                p.adam(a[0], g, a[1], a[2], len, 0.9, 0.999, lrT, 1e-8);
                v.adam(b[0], g, b[1], b[2], len, 0.9, 0.999, lrT, 1e-8);
                for (int k = 0; k < 3; k++) {
                    for (int i = 0; i < len; i++) {
                        assertEquals(Double.doubleToRawLongBits(a[k][i]), Double.doubleToRawLongBits(b[k][i]),
                            "len " + len + " step " + t + " array " + k + " index " + i);
                    }
                }
            }
        }
    }

    /** Three Adam steps on {@code expected} (null = the scalar loop) and {@code actual} give the same bits. */
    private static void assertSameAdamBits(Kernels expected, Kernels actual) {
        for (int len : new int[] {1, 3, 4, 7, 16, 33, 1088}) {
            double[][] ref = adamRun(expected, len);
            double[][] got = adamRun(actual, len);
            for (int a = 0; a < 3; a++) {
                for (int i = 0; i < len; i++) {
                    assertEquals(Double.doubleToLongBits(ref[a][i]), Double.doubleToLongBits(got[a][i]),
                        actual.name() + " len " + len + " array " + a + " index " + i);
                }
            }
        }
    }

    /** Three Adam steps on fixed data; k null = the original scalar loop of optim.Adam. */
    private static double[][] adamRun(Kernels k, int len) {
        double[] p = new double[len];
        double[] g = new double[len];
        double[] m1 = new double[len];
        double[] m2 = new double[len];
        for (int i = 0; i < len; i++) {
            p[i] = Math.sin(0.3 * i + 1.0);
        }
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        for (int t = 1; t <= 3; t++) {
            for (int i = 0; i < len; i++) {
                g[i] = Math.cos(0.7 * i * t) * (i % 5 == 0 ? 1e-9 : 1.0);
            }
            double lrT = 1e-3 * Math.sqrt(1.0 - Math.pow(b2, t)) / (1.0 - Math.pow(b1, t));
            if (k != null) {
                k.adam(p, g, m1, m2, len, b1, b2, lrT, eps);
            } else {
                for (int i = 0; i < len; i++) {
                    double gi = g[i];
                    m1[i] = b1 * m1[i] + (1.0 - b1) * gi;
                    m2[i] = b2 * m2[i] + (1.0 - b2) * gi * gi;
                    p[i] -= lrT * m1[i] / (Math.sqrt(m2[i]) + eps);
                }
            }
        }
        return new double[][] {p, m1, m2};
    }

    private static void check(Kernels k) {
        Rng rng = new Rng(1);
        int[] sizes = {1, 2, 3, 4, 5, 7, 8, 9, 10, 13, 14, 16, 17, 22, 31, 32, 33};
        for (int rows : sizes) {
            for (int inner : new int[] {1, 3, 4, 8, 17}) { // 4 x 4 x long: the SIMD side's gemm4x4
                for (int cols : sizes) {
                    int lda = inner + 2;
                    int ldb = cols + 1;
                    int ldc = cols + 3;
                    double[] a = gaussian(rng, 3 + rows * lda);
                    double[] b = gaussian(rng, 5 + inner * ldb);
                    double[] c = gaussian(rng, 2 + rows * ldc);
                    double[] expect = c.clone();
                    for (int i = 0; i < rows; i++) {
                        for (int x = 0; x < cols; x++) {
                            double s = 0.0;
                            for (int p = 0; p < inner; p++) {
                                s += a[3 + i * lda + p] * b[5 + p * ldb + x];
                            }
                            expect[2 + i * ldc + x] = s;
                        }
                    }
                    k.gemm(rows, inner, cols, a, 3, lda, b, 5, ldb, c, 2, ldc);
                    for (int i = 0; i < c.length; i++) {
                        assertEquals(expect[i], c[i], 1e-12, k.name() + " gemm " + rows + "x" + inner + "x" + cols);
                    }
                }
            }
        }
        for (int count = 1; count <= 6; count++) { // count 4: the SIMD side's one-pass Gram
            for (int len : new int[] {0, 1, 7, 8, 9, 31, 40, 67}) {
                int stride = len + 3;
                double[] x = gaussian(rng, 2 + count * stride);
                double[] out = gaussian(rng, 1 + count * 7);
                double[] expect = out.clone();
                for (int i = 0; i < count; i++) {
                    for (int j = i; j < count; j++) {
                        double s = 0.0;
                        for (int t = 0; t < len; t++) {
                            s += x[2 + i * stride + t] * x[2 + j * stride + t];
                        }
                        expect[1 + i * 7 + j] = s;
                    }
                }
                k.gram(x, 2, len, stride, count, out, 1, 7);
                for (int i = 0; i < out.length; i++) {
                    assertEquals(expect[i], out[i], 1e-12, k.name() + " gram " + count + " x " + len + " at " + i);
                }
            }
        }
        for (int len = 0; len < 40; len++) {
            double[] x = gaussian(rng, len + 3);
            double[] y = gaussian(rng, len + 5);
            double s = 0.0;
            for (int i = 0; i < len; i++) {
                s += x[3 + i] * y[1 + i];
            }
            assertEquals(s, k.dot(x, 3, y, 1, len), 1e-12, k.name() + " dot " + len);
            double[] yy = y.clone();
            k.axpy(-0.75, x, 3, yy, 1, len);
            for (int i = 0; i < yy.length; i++) {
                double e = i >= 1 && i < 1 + len ? y[i] - 0.75 * x[i + 2] : y[i];
                assertEquals(e, yy[i], 1e-14, k.name() + " axpy " + len);
            }
        }
    }

    private static double[] gaussian(Rng rng, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }
}
