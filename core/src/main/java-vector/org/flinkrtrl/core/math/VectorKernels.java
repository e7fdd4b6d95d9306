package org.flinkrtrl.core.math;

import static jdk.incubator.vector.VectorOperators.ABS;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.AND;
import static jdk.incubator.vector.VectorOperators.DIV;
import static jdk.incubator.vector.VectorOperators.FMA;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.MUL;
import static jdk.incubator.vector.VectorOperators.NEG;
import static jdk.incubator.vector.VectorOperators.OR;
import static jdk.incubator.vector.VectorOperators.SQRT;
import static jdk.incubator.vector.VectorOperators.SUB;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the Java Vector API (jdk.incubator.vector), {@code SPECIES_PREFERRED} doubles (4 with AVX2, 8
 * with AVX-512). Compiled only in the operator's {@code compile-vector} execution with
 * {@code --add-modules jdk.incubator.vector} and loaded reflectively by {@link Kernels#get()}: never reference this
 * class directly.
 *
 * <p>The product is register-blocked with FMAs (6 rows x 4 vectors of C with 512-bit vectors, else 6 or 4 rows x 2
 * vectors), every entry one FMA chain over the inner index; the dot product keeps 4 vector accumulators. Results equal
 * {@link PlainKernels}' up to reassociation.
 *
 * <p>Every vector operation is {@code lanewise(op, ...)} on the receiver, with vector operands (constants broadcast
 * before the loops), never the convenience methods ({@code add}, {@code fma}, {@code mul}, {@code abs}, a scalar
 * operand, {@code reinterpretAsLongs}): those are final methods of the JDK's {@code DoubleVector} that make their
 * virtual call from inside it, at a call site every vector species in the JVM shares. On JDK 17, C2 inlines such a
 * call through the site's type profile; once vectors of another species have passed through it, it inlines both
 * species and merges them, and the vectors of the whole step are boxed on the heap for the JVM's lifetime (245,824
 * bytes and 3.3x the time per OK step at n = 16, {@code ProfilePollutionTest}). {@code lanewise} is abstract in
 * {@code DoubleVector}, so the virtual call is at this class's own site, with this class's own profile. The same
 * bits: {@code lanewise(ADD, v)} is what {@code add(v)} calls. The JDK's {@code intoArray} also asks its receiver
 * for its length and species through a shared site, which decides when C2 has not typed the stored vector exactly:
 * a lanewise result is, a load (or an accumulator started from one) is not. Such vectors are therefore retyped by
 * {@code ONE.lanewise(MUL, load)} on a constant of the exact class, bound statically (x * 1 is x, bit for bit): the
 * accumulators of {@code gramAccumulate}, the Householder vector's rows in {@code reflect}'s helpers, tanh's
 * reinterpreted result. With those, the OK step allocates 0-576 bytes per step after one or two other species
 * (which JVMs and call contexts keep a residue depends on the order of compilations, e.g. tanh's last multiply of
 * a reinterpreted vector), against 245,824 before; after three, n = 32 still boxed in two JVMs of three (the loads'
 * own shared site in {@code DoubleVector.fromArray} turns megamorphic). JDK 25 compiles the convenience methods
 * without any of this.
 */
final class VectorKernels extends Kernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** Longs in vectors of the same shape, for the bit operations on doubles' lanes. */
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    /**
     * A constant of the kernels' exact vector class: {@code ONE.lanewise(MUL, load)} (the same bits as the load) is
     * bound statically, so its result is typed exactly where a plain load is not (class comment).
     */
    private static final DoubleVector ONE = DoubleVector.broadcast(S, 1.0);
    private static final int L = S.length();
    /** 512-bit vectors, so AVX-512 and its 32 vector registers (gemm6x4 needs 29; AVX2 has 16). */
    private static final boolean REGS32 = S.vectorBitSize() >= 512;

    public VectorKernels() {}

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public void gemm(int rows, int inner, int cols, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                     double[] c, int cOff, int ldc) {
        if (rows == 4 && inner == 4 && cols >= 4 * L) {
            gemm4x4(cols, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        int i = 0;
        if (REGS32 && cols >= 4 * L) {
            // Blocks 4 vectors wide over the widest multiple of 4 vectors; the columns left over as a product of
            // their own (fewer than 4 vectors wide: the blockings below).
            int main = cols - cols % (4 * L);
            for (int q = sixRowBlocks(rows); q > 0; q--, i += 6) {
                gemm6x4(i, inner, main, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            }
            for (; i + 4 <= rows; i += 4) {
                gemm4x4v(i, inner, main, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            }
            for (; i < rows; i++) {
                gemm1(i, inner, main, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            }
            if (main < cols) {
                gemm(rows, inner, cols - main, a, aOff, lda, b, bOff + main, ldb, c, cOff + main, ldc);
            }
            return;
        }
        if (cols >= 2 * L && cols % (2 * L) == 0) {
            for (int q = sixRowBlocks(rows); q > 0; q--, i += 6) {
                gemm6(i, inner, cols, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            }
        }
        for (; i + 4 <= rows; i += 4) {
            gemm4(i, inner, cols, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
        for (; i < rows; i++) {
            gemm1(i, inner, cols, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
    }

    /**
     * One row against the terms (the gradient's {@code delta^T A_i}): four terms at a time, 4 vectors of columns
     * each, so 16 independent FMA chains share every broadcast of the row (one term alone has 4). The same FMA
     * chain over p as {@link #gemm}.
     */
    @Override
    public void gemmTerms(int terms, int rows, int inner, int cols, double[] a, int aOff, int lda, double[] b,
                          int bOff, int ldb, int bStride, double[] c, int cOff, int ldc, int cStride) {
        if (rows != 1 || !REGS32 || cols % (4 * L) != 0) {
            super.gemmTerms(terms, rows, inner, cols, a, aOff, lda, b, bOff, ldb, bStride, c, cOff, ldc, cStride);
            return;
        }
        int t = 0;
        for (; t + 4 <= terms; t += 4) {
            rowTimesFourTerms(inner, cols, a, aOff, b, bOff + t * bStride, ldb, bStride, c, cOff + t * cStride,
                cStride);
        }
        for (; t < terms; t++) {
            gemm(1, inner, cols, a, aOff, lda, b, bOff + t * bStride, ldb, c, cOff + t * cStride, ldc);
        }
    }

    /**
     * Row blocks of the four products (6 x 4-vector blocks, then 4-row and single rows), each followed by its
     * contribution to the Gram matrix while it is in L1: the outputs' vectors are visited in ascending order, as in
     * {@link #gram}, so the Gram matrix has its bits.
     */
    @Override
    public boolean gemmTermsGram(int rows, int inner, int cols, double[] a, int aOff, int lda, double[] b, int bOff,
                                 int ldb, int bStride, double[] c, int cOff, int cStride, double[] g, int gOff,
                                 int ldg) {
        if (!REGS32 || cols % (4 * L) != 0 || cols == 0) {
            return false;
        }
        int len = rows * cols;
        if (len % L != 0) {
            return false;
        }
        double[] acc = GRAM_ACC.get();
        java.util.Arrays.fill(acc, 0.0);
        int i = 0;
        for (int q = sixRowBlocks(rows); q > 0; q--, i += 6) {
            for (int t = 0; t < 4; t++) {
                gemm6x4(i, inner, cols, a, aOff, lda, b, bOff + t * bStride, ldb, c, cOff + t * cStride, cols);
            }
            gramAccumulate(c, cOff + i * cols, 6 * cols, cStride, acc);
        }
        for (; i + 4 <= rows; i += 4) {
            for (int t = 0; t < 4; t++) {
                gemm4x4v(i, inner, cols, a, aOff, lda, b, bOff + t * bStride, ldb, c, cOff + t * cStride, cols);
            }
            gramAccumulate(c, cOff + i * cols, 4 * cols, cStride, acc);
        }
        for (; i < rows; i++) {
            for (int t = 0; t < 4; t++) {
                gemm1(i, inner, cols, a, aOff, lda, b, bOff + t * bStride, ldb, c, cOff + t * cStride, cols);
            }
            gramAccumulate(c, cOff + i * cols, cols, cStride, acc);
        }
        int o = gOff;
        g[o] = lanes(acc, 0);
        g[o + 1] = lanes(acc, 1);
        g[o + 2] = lanes(acc, 2);
        g[o + 3] = lanes(acc, 3);
        o += ldg;
        g[o + 1] = lanes(acc, 4);
        g[o + 2] = lanes(acc, 5);
        g[o + 3] = lanes(acc, 6);
        o += ldg;
        g[o + 2] = lanes(acc, 7);
        g[o + 3] = lanes(acc, 8);
        o += ldg;
        g[o + 3] = lanes(acc, 9);
        return true;
    }

    private static double lanes(double[] acc, int e) {
        return DoubleVector.fromArray(S, acc, e * L).reduceLanes(ADD);
    }

    /** The Gram accumulators of {@link #gemmTermsGram}, one set per thread (10 vectors). */
    private static final ThreadLocal<double[]> GRAM_ACC = ThreadLocal.withInitial(() -> new double[10 * L]);

    /** acc (10 vectors: 00 01 02 03 11 12 13 22 23 33) += the lane-wise products of 4 vectors' [off, off + len). */
    private static void gramAccumulate(double[] x, int off, int len, int stride, double[] acc) {
        DoubleVector s00 = ONE.lanewise(MUL, DoubleVector.fromArray(S, acc, 0));
        DoubleVector s01 = ONE.lanewise(MUL, DoubleVector.fromArray(S, acc, L));
        DoubleVector s02 = ONE.lanewise(MUL, DoubleVector.fromArray(S, acc, 2 * L));
        DoubleVector s03 = ONE.lanewise(MUL, DoubleVector.fromArray(S, acc, 3 * L));
        DoubleVector s11 = ONE.lanewise(MUL, DoubleVector.fromArray(S, acc, 4 * L));
        DoubleVector s12 = ONE.lanewise(MUL, DoubleVector.fromArray(S, acc, 5 * L));
        DoubleVector s13 = ONE.lanewise(MUL, DoubleVector.fromArray(S, acc, 6 * L));
        DoubleVector s22 = ONE.lanewise(MUL, DoubleVector.fromArray(S, acc, 7 * L));
        DoubleVector s23 = ONE.lanewise(MUL, DoubleVector.fromArray(S, acc, 8 * L));
        DoubleVector s33 = ONE.lanewise(MUL, DoubleVector.fromArray(S, acc, 9 * L));
        int x0 = off;
        int x1 = x0 + stride;
        int x2 = x1 + stride;
        int x3 = x2 + stride;
        for (int i = 0; i < len; i += L) {
            DoubleVector v0 = DoubleVector.fromArray(S, x, x0 + i);
            DoubleVector v1 = DoubleVector.fromArray(S, x, x1 + i);
            DoubleVector v2 = DoubleVector.fromArray(S, x, x2 + i);
            DoubleVector v3 = DoubleVector.fromArray(S, x, x3 + i);
            s00 = v0.lanewise(FMA, v0, s00);
            s01 = v0.lanewise(FMA, v1, s01);
            s02 = v0.lanewise(FMA, v2, s02);
            s03 = v0.lanewise(FMA, v3, s03);
            s11 = v1.lanewise(FMA, v1, s11);
            s12 = v1.lanewise(FMA, v2, s12);
            s13 = v1.lanewise(FMA, v3, s13);
            s22 = v2.lanewise(FMA, v2, s22);
            s23 = v2.lanewise(FMA, v3, s23);
            s33 = v3.lanewise(FMA, v3, s33);
        }
        s00.intoArray(acc, 0);
        s01.intoArray(acc, L);
        s02.intoArray(acc, 2 * L);
        s03.intoArray(acc, 3 * L);
        s11.intoArray(acc, 4 * L);
        s12.intoArray(acc, 5 * L);
        s13.intoArray(acc, 6 * L);
        s22.intoArray(acc, 7 * L);
        s23.intoArray(acc, 8 * L);
        s33.intoArray(acc, 9 * L);
    }

    private static void rowTimesFourTerms(int inner, int cols, double[] a, int aOff, double[] b, int bOff, int ldb,
                                          int bStride, double[] c, int cOff, int cStride) {
        int b1 = bOff + bStride;
        int b2 = b1 + bStride;
        int b3 = b2 + bStride;
        for (int x = 0; x < cols; x += 4 * L) {
            DoubleVector s00 = DoubleVector.zero(S);
            DoubleVector s01 = s00;
            DoubleVector s02 = s00;
            DoubleVector s03 = s00;
            DoubleVector s10 = s00;
            DoubleVector s11 = s00;
            DoubleVector s12 = s00;
            DoubleVector s13 = s00;
            DoubleVector s20 = s00;
            DoubleVector s21 = s00;
            DoubleVector s22 = s00;
            DoubleVector s23 = s00;
            DoubleVector s30 = s00;
            DoubleVector s31 = s00;
            DoubleVector s32 = s00;
            DoubleVector s33 = s00;
            for (int p = 0, bp = x; p < inner; p++, bp += ldb) {
                DoubleVector v = DoubleVector.broadcast(S, a[aOff + p]);
                s00 = DoubleVector.fromArray(S, b, bOff + bp).lanewise(FMA, v, s00);
                s01 = DoubleVector.fromArray(S, b, bOff + bp + L).lanewise(FMA, v, s01);
                s02 = DoubleVector.fromArray(S, b, bOff + bp + 2 * L).lanewise(FMA, v, s02);
                s03 = DoubleVector.fromArray(S, b, bOff + bp + 3 * L).lanewise(FMA, v, s03);
                s10 = DoubleVector.fromArray(S, b, b1 + bp).lanewise(FMA, v, s10);
                s11 = DoubleVector.fromArray(S, b, b1 + bp + L).lanewise(FMA, v, s11);
                s12 = DoubleVector.fromArray(S, b, b1 + bp + 2 * L).lanewise(FMA, v, s12);
                s13 = DoubleVector.fromArray(S, b, b1 + bp + 3 * L).lanewise(FMA, v, s13);
                s20 = DoubleVector.fromArray(S, b, b2 + bp).lanewise(FMA, v, s20);
                s21 = DoubleVector.fromArray(S, b, b2 + bp + L).lanewise(FMA, v, s21);
                s22 = DoubleVector.fromArray(S, b, b2 + bp + 2 * L).lanewise(FMA, v, s22);
                s23 = DoubleVector.fromArray(S, b, b2 + bp + 3 * L).lanewise(FMA, v, s23);
                s30 = DoubleVector.fromArray(S, b, b3 + bp).lanewise(FMA, v, s30);
                s31 = DoubleVector.fromArray(S, b, b3 + bp + L).lanewise(FMA, v, s31);
                s32 = DoubleVector.fromArray(S, b, b3 + bp + 2 * L).lanewise(FMA, v, s32);
                s33 = DoubleVector.fromArray(S, b, b3 + bp + 3 * L).lanewise(FMA, v, s33);
            }
            int cx = cOff + x;
            s00.intoArray(c, cx);
            s01.intoArray(c, cx + L);
            s02.intoArray(c, cx + 2 * L);
            s03.intoArray(c, cx + 3 * L);
            cx += cStride;
            s10.intoArray(c, cx);
            s11.intoArray(c, cx + L);
            s12.intoArray(c, cx + 2 * L);
            s13.intoArray(c, cx + 3 * L);
            cx += cStride;
            s20.intoArray(c, cx);
            s21.intoArray(c, cx + L);
            s22.intoArray(c, cx + 2 * L);
            s23.intoArray(c, cx + 3 * L);
            cx += cStride;
            s30.intoArray(c, cx);
            s31.intoArray(c, cx + L);
            s32.intoArray(c, cx + 2 * L);
            s33.intoArray(c, cx + 3 * L);
        }
    }

    /**
     * C (4 x cols) = A (4 x 4) B (4 x cols) for long rows: four combinations of four long vectors (OK's CholeskyQR2
     * passes and rebuild, r = 4). A's 16 entries stay broadcast in registers, so each vector of columns costs 4 loads,
     * 16 FMAs and 4 stores; the same FMA chain over p from zero as the other block shapes (the same bits).
     */
    private static void gemm4x4(int cols, double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c,
                                int cOff, int ldc) {
        DoubleVector a00 = DoubleVector.broadcast(S, a[aOff]);
        DoubleVector a01 = DoubleVector.broadcast(S, a[aOff + 1]);
        DoubleVector a02 = DoubleVector.broadcast(S, a[aOff + 2]);
        DoubleVector a03 = DoubleVector.broadcast(S, a[aOff + 3]);
        int r1 = aOff + lda;
        DoubleVector a10 = DoubleVector.broadcast(S, a[r1]);
        DoubleVector a11 = DoubleVector.broadcast(S, a[r1 + 1]);
        DoubleVector a12 = DoubleVector.broadcast(S, a[r1 + 2]);
        DoubleVector a13 = DoubleVector.broadcast(S, a[r1 + 3]);
        int r2 = r1 + lda;
        DoubleVector a20 = DoubleVector.broadcast(S, a[r2]);
        DoubleVector a21 = DoubleVector.broadcast(S, a[r2 + 1]);
        DoubleVector a22 = DoubleVector.broadcast(S, a[r2 + 2]);
        DoubleVector a23 = DoubleVector.broadcast(S, a[r2 + 3]);
        int r3 = r2 + lda;
        DoubleVector a30 = DoubleVector.broadcast(S, a[r3]);
        DoubleVector a31 = DoubleVector.broadcast(S, a[r3 + 1]);
        DoubleVector a32 = DoubleVector.broadcast(S, a[r3 + 2]);
        DoubleVector a33 = DoubleVector.broadcast(S, a[r3 + 3]);
        DoubleVector zero = DoubleVector.zero(S);
        int b0 = bOff;
        int b1 = b0 + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        int c0 = cOff;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int x = 0;
        for (; x + L <= cols; x += L) {
            DoubleVector v0 = DoubleVector.fromArray(S, b, b0 + x);
            DoubleVector v1 = DoubleVector.fromArray(S, b, b1 + x);
            DoubleVector v2 = DoubleVector.fromArray(S, b, b2 + x);
            DoubleVector v3 = DoubleVector.fromArray(S, b, b3 + x);
            v3.lanewise(FMA, a03, v2.lanewise(FMA, a02, v1.lanewise(FMA, a01, v0.lanewise(FMA, a00, zero))))
                .intoArray(c, c0 + x);
            v3.lanewise(FMA, a13, v2.lanewise(FMA, a12, v1.lanewise(FMA, a11, v0.lanewise(FMA, a10, zero))))
                .intoArray(c, c1 + x);
            v3.lanewise(FMA, a23, v2.lanewise(FMA, a22, v1.lanewise(FMA, a21, v0.lanewise(FMA, a20, zero))))
                .intoArray(c, c2 + x);
            v3.lanewise(FMA, a33, v2.lanewise(FMA, a32, v1.lanewise(FMA, a31, v0.lanewise(FMA, a30, zero))))
                .intoArray(c, c3 + x);
        }
        for (; x < cols; x++) {
            double u0 = b[b0 + x];
            double u1 = b[b1 + x];
            double u2 = b[b2 + x];
            double u3 = b[b3 + x];
            c[c0 + x] = Math.fma(a[aOff + 3], u3, Math.fma(a[aOff + 2], u2, Math.fma(a[aOff + 1], u1,
                Math.fma(a[aOff], u0, 0.0))));
            c[c1 + x] = Math.fma(a[r1 + 3], u3, Math.fma(a[r1 + 2], u2, Math.fma(a[r1 + 1], u1,
                Math.fma(a[r1], u0, 0.0))));
            c[c2 + x] = Math.fma(a[r2 + 3], u3, Math.fma(a[r2 + 2], u2, Math.fma(a[r2 + 1], u1,
                Math.fma(a[r2], u0, 0.0))));
            c[c3 + x] = Math.fma(a[r3 + 3], u3, Math.fma(a[r3 + 2], u2, Math.fma(a[r3 + 1], u1,
                Math.fma(a[r3], u0, 0.0))));
        }
    }

    /**
     * Number of 6-row blocks for {@code rows} rows: the most that leave a multiple of 4 rows for gemm4 (32 = 4 x 6 +
     * 2 x 4 instead of 5 x 6 + 2 single rows, whose gemm1 has 4 accumulators and 5 loads per 4 FMAs), else as many
     * as fit.
     */
    static int sixRowBlocks(int rows) {
        for (int q = rows / 6; q >= 0; q--) {
            if ((rows - 6 * q) % 4 == 0) {
                return q;
            }
        }
        return rows / 6;
    }

    private static void gemm4(int i, int inner, int cols, double[] a, int aOff, int lda, double[] b, int bOff,
                              int ldb, double[] c, int cOff, int ldc) {
        int a0 = aOff + i * lda;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int c0 = cOff + i * ldc;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int x = 0;
        for (; x + 2 * L <= cols; x += 2 * L) {
            DoubleVector s00 = DoubleVector.zero(S);
            DoubleVector s01 = DoubleVector.zero(S);
            DoubleVector s10 = DoubleVector.zero(S);
            DoubleVector s11 = DoubleVector.zero(S);
            DoubleVector s20 = DoubleVector.zero(S);
            DoubleVector s21 = DoubleVector.zero(S);
            DoubleVector s30 = DoubleVector.zero(S);
            DoubleVector s31 = DoubleVector.zero(S);
            int bp = bOff + x;
            for (int p = 0; p < inner; p++, bp += ldb) {
                DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
                DoubleVector b1 = DoubleVector.fromArray(S, b, bp + L);
                DoubleVector v = DoubleVector.broadcast(S, a[a0 + p]);
                s00 = b0.lanewise(FMA, v, s00);
                s01 = b1.lanewise(FMA, v, s01);
                v = DoubleVector.broadcast(S, a[a1 + p]);
                s10 = b0.lanewise(FMA, v, s10);
                s11 = b1.lanewise(FMA, v, s11);
                v = DoubleVector.broadcast(S, a[a2 + p]);
                s20 = b0.lanewise(FMA, v, s20);
                s21 = b1.lanewise(FMA, v, s21);
                v = DoubleVector.broadcast(S, a[a3 + p]);
                s30 = b0.lanewise(FMA, v, s30);
                s31 = b1.lanewise(FMA, v, s31);
            }
            s00.intoArray(c, c0 + x);
            s01.intoArray(c, c0 + x + L);
            s10.intoArray(c, c1 + x);
            s11.intoArray(c, c1 + x + L);
            s20.intoArray(c, c2 + x);
            s21.intoArray(c, c2 + x + L);
            s30.intoArray(c, c3 + x);
            s31.intoArray(c, c3 + x + L);
        }
        if (x < cols) {
            gemm4Tail(x, inner, cols, a, a0, a1, a2, a3, b, bOff, ldb, c, c0, c1, c2, c3);
        }
    }

    /**
     * 6 rows x 2 vectors of C (12 accumulators, 2 B loads, 1 broadcast: 15 of the 16 AVX2 registers), for cols a
     * multiple of 2 vectors. Twelve independent FMA chains hide the FMA latency better than gemm4's eight.
     */
    private static void gemm6(int i, int inner, int cols, double[] a, int aOff, int lda, double[] b, int bOff,
                              int ldb, double[] c, int cOff, int ldc) {
        int a0 = aOff + i * lda;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        int c0 = cOff + i * ldc;
        for (int x = 0; x + 2 * L <= cols; x += 2 * L) {
            DoubleVector s00 = DoubleVector.zero(S);
            DoubleVector s01 = DoubleVector.zero(S);
            DoubleVector s10 = DoubleVector.zero(S);
            DoubleVector s11 = DoubleVector.zero(S);
            DoubleVector s20 = DoubleVector.zero(S);
            DoubleVector s21 = DoubleVector.zero(S);
            DoubleVector s30 = DoubleVector.zero(S);
            DoubleVector s31 = DoubleVector.zero(S);
            DoubleVector s40 = DoubleVector.zero(S);
            DoubleVector s41 = DoubleVector.zero(S);
            DoubleVector s50 = DoubleVector.zero(S);
            DoubleVector s51 = DoubleVector.zero(S);
            int bp = bOff + x;
            for (int p = 0; p < inner; p++, bp += ldb) {
                DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
                DoubleVector b1 = DoubleVector.fromArray(S, b, bp + L);
                DoubleVector v = DoubleVector.broadcast(S, a[a0 + p]);
                s00 = b0.lanewise(FMA, v, s00);
                s01 = b1.lanewise(FMA, v, s01);
                v = DoubleVector.broadcast(S, a[a1 + p]);
                s10 = b0.lanewise(FMA, v, s10);
                s11 = b1.lanewise(FMA, v, s11);
                v = DoubleVector.broadcast(S, a[a2 + p]);
                s20 = b0.lanewise(FMA, v, s20);
                s21 = b1.lanewise(FMA, v, s21);
                v = DoubleVector.broadcast(S, a[a3 + p]);
                s30 = b0.lanewise(FMA, v, s30);
                s31 = b1.lanewise(FMA, v, s31);
                v = DoubleVector.broadcast(S, a[a4 + p]);
                s40 = b0.lanewise(FMA, v, s40);
                s41 = b1.lanewise(FMA, v, s41);
                v = DoubleVector.broadcast(S, a[a5 + p]);
                s50 = b0.lanewise(FMA, v, s50);
                s51 = b1.lanewise(FMA, v, s51);
            }
            int cx = c0 + x;
            s00.intoArray(c, cx);
            s01.intoArray(c, cx + L);
            cx += ldc;
            s10.intoArray(c, cx);
            s11.intoArray(c, cx + L);
            cx += ldc;
            s20.intoArray(c, cx);
            s21.intoArray(c, cx + L);
            cx += ldc;
            s30.intoArray(c, cx);
            s31.intoArray(c, cx + L);
            cx += ldc;
            s40.intoArray(c, cx);
            s41.intoArray(c, cx + L);
            cx += ldc;
            s50.intoArray(c, cx);
            s51.intoArray(c, cx + L);
        }
    }

    /**
     * 6 rows x 4 vectors of C (24 accumulators, 4 B loads and 1 broadcast: 29 of the 32 AVX-512 registers), for cols
     * a multiple of 4 vectors: 10 loads per 24 FMAs instead of gemm6's 8 per 12, and a whole row of a 32-wide C per
     * block at 512 bits (OK's propagation at n = 32). The same FMA chain over p as the other block shapes.
     */
    private static void gemm6x4(int i, int inner, int cols, double[] a, int aOff, int lda, double[] b, int bOff,
                                int ldb, double[] c, int cOff, int ldc) {
        int a0 = aOff + i * lda;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        int c0 = cOff + i * ldc;
        for (int x = 0; x < cols; x += 4 * L) {
            DoubleVector s00 = DoubleVector.zero(S);
            DoubleVector s01 = s00;
            DoubleVector s02 = s00;
            DoubleVector s03 = s00;
            DoubleVector s10 = s00;
            DoubleVector s11 = s00;
            DoubleVector s12 = s00;
            DoubleVector s13 = s00;
            DoubleVector s20 = s00;
            DoubleVector s21 = s00;
            DoubleVector s22 = s00;
            DoubleVector s23 = s00;
            DoubleVector s30 = s00;
            DoubleVector s31 = s00;
            DoubleVector s32 = s00;
            DoubleVector s33 = s00;
            DoubleVector s40 = s00;
            DoubleVector s41 = s00;
            DoubleVector s42 = s00;
            DoubleVector s43 = s00;
            DoubleVector s50 = s00;
            DoubleVector s51 = s00;
            DoubleVector s52 = s00;
            DoubleVector s53 = s00;
            int bp = bOff + x;
            for (int p = 0; p < inner; p++, bp += ldb) {
                DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
                DoubleVector b1 = DoubleVector.fromArray(S, b, bp + L);
                DoubleVector b2 = DoubleVector.fromArray(S, b, bp + 2 * L);
                DoubleVector b3 = DoubleVector.fromArray(S, b, bp + 3 * L);
                DoubleVector v = DoubleVector.broadcast(S, a[a0 + p]);
                s00 = b0.lanewise(FMA, v, s00);
                s01 = b1.lanewise(FMA, v, s01);
                s02 = b2.lanewise(FMA, v, s02);
                s03 = b3.lanewise(FMA, v, s03);
                v = DoubleVector.broadcast(S, a[a1 + p]);
                s10 = b0.lanewise(FMA, v, s10);
                s11 = b1.lanewise(FMA, v, s11);
                s12 = b2.lanewise(FMA, v, s12);
                s13 = b3.lanewise(FMA, v, s13);
                v = DoubleVector.broadcast(S, a[a2 + p]);
                s20 = b0.lanewise(FMA, v, s20);
                s21 = b1.lanewise(FMA, v, s21);
                s22 = b2.lanewise(FMA, v, s22);
                s23 = b3.lanewise(FMA, v, s23);
                v = DoubleVector.broadcast(S, a[a3 + p]);
                s30 = b0.lanewise(FMA, v, s30);
                s31 = b1.lanewise(FMA, v, s31);
                s32 = b2.lanewise(FMA, v, s32);
                s33 = b3.lanewise(FMA, v, s33);
                v = DoubleVector.broadcast(S, a[a4 + p]);
                s40 = b0.lanewise(FMA, v, s40);
                s41 = b1.lanewise(FMA, v, s41);
                s42 = b2.lanewise(FMA, v, s42);
                s43 = b3.lanewise(FMA, v, s43);
                v = DoubleVector.broadcast(S, a[a5 + p]);
                s50 = b0.lanewise(FMA, v, s50);
                s51 = b1.lanewise(FMA, v, s51);
                s52 = b2.lanewise(FMA, v, s52);
                s53 = b3.lanewise(FMA, v, s53);
            }
            int cx = c0 + x;
            s00.intoArray(c, cx);
            s01.intoArray(c, cx + L);
            s02.intoArray(c, cx + 2 * L);
            s03.intoArray(c, cx + 3 * L);
            cx += ldc;
            s10.intoArray(c, cx);
            s11.intoArray(c, cx + L);
            s12.intoArray(c, cx + 2 * L);
            s13.intoArray(c, cx + 3 * L);
            cx += ldc;
            s20.intoArray(c, cx);
            s21.intoArray(c, cx + L);
            s22.intoArray(c, cx + 2 * L);
            s23.intoArray(c, cx + 3 * L);
            cx += ldc;
            s30.intoArray(c, cx);
            s31.intoArray(c, cx + L);
            s32.intoArray(c, cx + 2 * L);
            s33.intoArray(c, cx + 3 * L);
            cx += ldc;
            s40.intoArray(c, cx);
            s41.intoArray(c, cx + L);
            s42.intoArray(c, cx + 2 * L);
            s43.intoArray(c, cx + 3 * L);
            cx += ldc;
            s50.intoArray(c, cx);
            s51.intoArray(c, cx + L);
            s52.intoArray(c, cx + 2 * L);
            s53.intoArray(c, cx + 3 * L);
        }
    }

    /** 4 rows x 4 vectors of C (16 accumulators), the rows {@link #gemm6x4} leaves over. */
    private static void gemm4x4v(int i, int inner, int cols, double[] a, int aOff, int lda, double[] b, int bOff,
                                 int ldb, double[] c, int cOff, int ldc) {
        int a0 = aOff + i * lda;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int c0 = cOff + i * ldc;
        for (int x = 0; x < cols; x += 4 * L) {
            DoubleVector s00 = DoubleVector.zero(S);
            DoubleVector s01 = s00;
            DoubleVector s02 = s00;
            DoubleVector s03 = s00;
            DoubleVector s10 = s00;
            DoubleVector s11 = s00;
            DoubleVector s12 = s00;
            DoubleVector s13 = s00;
            DoubleVector s20 = s00;
            DoubleVector s21 = s00;
            DoubleVector s22 = s00;
            DoubleVector s23 = s00;
            DoubleVector s30 = s00;
            DoubleVector s31 = s00;
            DoubleVector s32 = s00;
            DoubleVector s33 = s00;
            int bp = bOff + x;
            for (int p = 0; p < inner; p++, bp += ldb) {
                DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
                DoubleVector b1 = DoubleVector.fromArray(S, b, bp + L);
                DoubleVector b2 = DoubleVector.fromArray(S, b, bp + 2 * L);
                DoubleVector b3 = DoubleVector.fromArray(S, b, bp + 3 * L);
                DoubleVector v = DoubleVector.broadcast(S, a[a0 + p]);
                s00 = b0.lanewise(FMA, v, s00);
                s01 = b1.lanewise(FMA, v, s01);
                s02 = b2.lanewise(FMA, v, s02);
                s03 = b3.lanewise(FMA, v, s03);
                v = DoubleVector.broadcast(S, a[a1 + p]);
                s10 = b0.lanewise(FMA, v, s10);
                s11 = b1.lanewise(FMA, v, s11);
                s12 = b2.lanewise(FMA, v, s12);
                s13 = b3.lanewise(FMA, v, s13);
                v = DoubleVector.broadcast(S, a[a2 + p]);
                s20 = b0.lanewise(FMA, v, s20);
                s21 = b1.lanewise(FMA, v, s21);
                s22 = b2.lanewise(FMA, v, s22);
                s23 = b3.lanewise(FMA, v, s23);
                v = DoubleVector.broadcast(S, a[a3 + p]);
                s30 = b0.lanewise(FMA, v, s30);
                s31 = b1.lanewise(FMA, v, s31);
                s32 = b2.lanewise(FMA, v, s32);
                s33 = b3.lanewise(FMA, v, s33);
            }
            int cx = c0 + x;
            s00.intoArray(c, cx);
            s01.intoArray(c, cx + L);
            s02.intoArray(c, cx + 2 * L);
            s03.intoArray(c, cx + 3 * L);
            cx += ldc;
            s10.intoArray(c, cx);
            s11.intoArray(c, cx + L);
            s12.intoArray(c, cx + 2 * L);
            s13.intoArray(c, cx + 3 * L);
            cx += ldc;
            s20.intoArray(c, cx);
            s21.intoArray(c, cx + L);
            s22.intoArray(c, cx + 2 * L);
            s23.intoArray(c, cx + 3 * L);
            cx += ldc;
            s30.intoArray(c, cx);
            s31.intoArray(c, cx + L);
            s32.intoArray(c, cx + 2 * L);
            s33.intoArray(c, cx + 3 * L);
        }
    }

    /** Columns [x0, cols) of a 4-row block: one vector, then scalars (split off so gemm4's loop stays small). */
    private static void gemm4Tail(int xStart, int inner, int cols, double[] a, int a0, int a1, int a2, int a3,
                                  double[] b, int bOff, int ldb, double[] c, int c0, int c1, int c2, int c3) {
        int x = xStart;
        for (; x + L <= cols; x += L) {
            DoubleVector s0 = DoubleVector.zero(S);
            DoubleVector s1 = DoubleVector.zero(S);
            DoubleVector s2 = DoubleVector.zero(S);
            DoubleVector s3 = DoubleVector.zero(S);
            int bp = bOff + x;
            for (int p = 0; p < inner; p++, bp += ldb) {
                DoubleVector b0 = DoubleVector.fromArray(S, b, bp);
                s0 = b0.lanewise(FMA, DoubleVector.broadcast(S, a[a0 + p]), s0);
                s1 = b0.lanewise(FMA, DoubleVector.broadcast(S, a[a1 + p]), s1);
                s2 = b0.lanewise(FMA, DoubleVector.broadcast(S, a[a2 + p]), s2);
                s3 = b0.lanewise(FMA, DoubleVector.broadcast(S, a[a3 + p]), s3);
            }
            s0.intoArray(c, c0 + x);
            s1.intoArray(c, c1 + x);
            s2.intoArray(c, c2 + x);
            s3.intoArray(c, c3 + x);
        }
        for (; x < cols; x++) {
            double t0 = 0.0;
            double t1 = 0.0;
            double t2 = 0.0;
            double t3 = 0.0;
            int bp = bOff + x;
            for (int p = 0; p < inner; p++, bp += ldb) {
                double bv = b[bp];
                t0 = Math.fma(a[a0 + p], bv, t0);
                t1 = Math.fma(a[a1 + p], bv, t1);
                t2 = Math.fma(a[a2 + p], bv, t2);
                t3 = Math.fma(a[a3 + p], bv, t3);
            }
            c[c0 + x] = t0;
            c[c1 + x] = t1;
            c[c2 + x] = t2;
            c[c3 + x] = t3;
        }
    }

    private static void gemm1(int i, int inner, int cols, double[] a, int aOff, int lda, double[] b, int bOff,
                              int ldb, double[] c, int cOff, int ldc) {
        int a0 = aOff + i * lda;
        int c0 = cOff + i * ldc;
        int x = 0;
        for (; x + 4 * L <= cols; x += 4 * L) { // 4 independent accumulators (one FMA chain would be latency-bound)
            DoubleVector s0 = DoubleVector.zero(S);
            DoubleVector s1 = DoubleVector.zero(S);
            DoubleVector s2 = DoubleVector.zero(S);
            DoubleVector s3 = DoubleVector.zero(S);
            int bp = bOff + x;
            for (int p = 0; p < inner; p++, bp += ldb) {
                DoubleVector av = DoubleVector.broadcast(S, a[a0 + p]);
                s0 = DoubleVector.fromArray(S, b, bp).lanewise(FMA, av, s0);
                s1 = DoubleVector.fromArray(S, b, bp + L).lanewise(FMA, av, s1);
                s2 = DoubleVector.fromArray(S, b, bp + 2 * L).lanewise(FMA, av, s2);
                s3 = DoubleVector.fromArray(S, b, bp + 3 * L).lanewise(FMA, av, s3);
            }
            s0.intoArray(c, c0 + x);
            s1.intoArray(c, c0 + x + L);
            s2.intoArray(c, c0 + x + 2 * L);
            s3.intoArray(c, c0 + x + 3 * L);
        }
        for (; x + L <= cols; x += L) {
            DoubleVector s0 = DoubleVector.zero(S);
            int bp = bOff + x;
            for (int p = 0; p < inner; p++, bp += ldb) {
                s0 = DoubleVector.fromArray(S, b, bp).lanewise(FMA, DoubleVector.broadcast(S, a[a0 + p]), s0);
            }
            s0.intoArray(c, c0 + x);
        }
        for (; x < cols; x++) {
            double t0 = 0.0;
            int bp = bOff + x;
            for (int p = 0; p < inner; p++, bp += ldb) {
                t0 = Math.fma(a[a0 + p], b[bp], t0);
            }
            c[c0 + x] = t0;
        }
    }

    @Override
    public double dot(double[] x, int xOff, double[] y, int yOff, int len) {
        int i = 0;
        double s = 0.0;
        if (len >= 2 * L) {
            // 4 accumulators hide the FMA latency (a dot is load-bound at 2 loads per FMA).
            DoubleVector acc0 = DoubleVector.zero(S);
            DoubleVector acc1 = DoubleVector.zero(S);
            DoubleVector acc2 = DoubleVector.zero(S);
            DoubleVector acc3 = DoubleVector.zero(S);
            for (; i + 4 * L <= len; i += 4 * L) {
                acc0 = DoubleVector.fromArray(S, x, xOff + i)
                    .lanewise(FMA, DoubleVector.fromArray(S, y, yOff + i), acc0);
                acc1 = DoubleVector.fromArray(S, x, xOff + i + L)
                    .lanewise(FMA, DoubleVector.fromArray(S, y, yOff + i + L), acc1);
                acc2 = DoubleVector.fromArray(S, x, xOff + i + 2 * L)
                    .lanewise(FMA, DoubleVector.fromArray(S, y, yOff + i + 2 * L), acc2);
                acc3 = DoubleVector.fromArray(S, x, xOff + i + 3 * L)
                    .lanewise(FMA, DoubleVector.fromArray(S, y, yOff + i + 3 * L), acc3);
            }
            for (; i + L <= len; i += L) {
                acc0 = DoubleVector.fromArray(S, x, xOff + i)
                    .lanewise(FMA, DoubleVector.fromArray(S, y, yOff + i), acc0);
            }
            s = acc0.lanewise(ADD, acc1).lanewise(ADD, acc2.lanewise(ADD, acc3)).reduceLanes(ADD);
        }
        for (; i < len; i++) {
            s = Math.fma(x[xOff + i], y[yOff + i], s);
        }
        return s;
    }

    @Override
    public void scale(double alpha, double[] x, int xOff, double[] y, int yOff, int len) {
        DoubleVector va = DoubleVector.broadcast(S, alpha);
        int i = 0;
        for (; i + L <= len; i += L) {
            DoubleVector.fromArray(S, x, xOff + i).lanewise(MUL, va).intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] = alpha * x[xOff + i];
        }
    }

    @Override
    public void addScaled(double alpha, double[] x, int xOff, double[] y, int yOff, int len) {
        DoubleVector va = DoubleVector.broadcast(S, alpha);
        int i = 0;
        for (; i + L <= len; i += L) {
            DoubleVector.fromArray(S, y, yOff + i)
                .lanewise(ADD, DoubleVector.fromArray(S, x, xOff + i).lanewise(MUL, va))
                .intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int len) {
        int i = 0;
        DoubleVector va = DoubleVector.broadcast(S, alpha);
        for (; i + L <= len; i += L) {
            DoubleVector.fromArray(S, x, xOff + i).lanewise(FMA, va, DoubleVector.fromArray(S, y, yOff + i))
                .intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void multiDot(double[] x, int xOff, int len, double[] v, int vOff, int vStride, int count, double[] out,
                         int outOff) {
        int c = 0;
        for (; c + 4 <= count; c += 4) {
            int v0 = vOff + c * vStride;
            int v1 = v0 + vStride;
            int v2 = v1 + vStride;
            int v3 = v2 + vStride;
            DoubleVector a0 = DoubleVector.zero(S);
            DoubleVector a1 = DoubleVector.zero(S);
            DoubleVector a2 = DoubleVector.zero(S);
            DoubleVector a3 = DoubleVector.zero(S);
            int i = 0;
            for (; i + L <= len; i += L) {
                DoubleVector xv = DoubleVector.fromArray(S, x, xOff + i);
                a0 = xv.lanewise(FMA, DoubleVector.fromArray(S, v, v0 + i), a0);
                a1 = xv.lanewise(FMA, DoubleVector.fromArray(S, v, v1 + i), a1);
                a2 = xv.lanewise(FMA, DoubleVector.fromArray(S, v, v2 + i), a2);
                a3 = xv.lanewise(FMA, DoubleVector.fromArray(S, v, v3 + i), a3);
            }
            double s0 = a0.reduceLanes(ADD);
            double s1 = a1.reduceLanes(ADD);
            double s2 = a2.reduceLanes(ADD);
            double s3 = a3.reduceLanes(ADD);
            for (; i < len; i++) {
                double xi = x[xOff + i];
                s0 = Math.fma(xi, v[v0 + i], s0);
                s1 = Math.fma(xi, v[v1 + i], s1);
                s2 = Math.fma(xi, v[v2 + i], s2);
                s3 = Math.fma(xi, v[v3 + i], s3);
            }
            out[outOff + c] = s0;
            out[outOff + c + 1] = s1;
            out[outOff + c + 2] = s2;
            out[outOff + c + 3] = s3;
        }
        if (c + 2 <= count) {
            int v0 = vOff + c * vStride;
            int v1 = v0 + vStride;
            DoubleVector a0 = DoubleVector.zero(S);
            DoubleVector a1 = DoubleVector.zero(S);
            DoubleVector b0 = DoubleVector.zero(S);
            DoubleVector b1 = DoubleVector.zero(S);
            int i = 0;
            for (; i + 2 * L <= len; i += 2 * L) {
                DoubleVector xv = DoubleVector.fromArray(S, x, xOff + i);
                a0 = xv.lanewise(FMA, DoubleVector.fromArray(S, v, v0 + i), a0);
                a1 = xv.lanewise(FMA, DoubleVector.fromArray(S, v, v1 + i), a1);
                DoubleVector xw = DoubleVector.fromArray(S, x, xOff + i + L);
                b0 = xw.lanewise(FMA, DoubleVector.fromArray(S, v, v0 + i + L), b0);
                b1 = xw.lanewise(FMA, DoubleVector.fromArray(S, v, v1 + i + L), b1);
            }
            double s0 = a0.lanewise(ADD, b0).reduceLanes(ADD);
            double s1 = a1.lanewise(ADD, b1).reduceLanes(ADD);
            for (; i < len; i++) {
                double xi = x[xOff + i];
                s0 = Math.fma(xi, v[v0 + i], s0);
                s1 = Math.fma(xi, v[v1 + i], s1);
            }
            out[outOff + c] = s0;
            out[outOff + c + 1] = s1;
            c += 2;
        }
        if (c < count) {
            out[outOff + c] = dot(x, xOff, v, vOff + c * vStride, len);
        }
    }

    @Override
    public void gram(double[] x, int xOff, int len, int stride, int count, double[] out, int outOff, int ldo) {
        if (count != 4) {
            super.gram(x, xOff, len, stride, count, out, outOff, ldo);
            return;
        }
        int x0 = xOff;
        int x1 = x0 + stride;
        int x2 = x1 + stride;
        int x3 = x2 + stride;
        DoubleVector s00 = DoubleVector.zero(S);
        DoubleVector s01 = DoubleVector.zero(S);
        DoubleVector s02 = DoubleVector.zero(S);
        DoubleVector s03 = DoubleVector.zero(S);
        DoubleVector s11 = DoubleVector.zero(S);
        DoubleVector s12 = DoubleVector.zero(S);
        DoubleVector s13 = DoubleVector.zero(S);
        DoubleVector s22 = DoubleVector.zero(S);
        DoubleVector s23 = DoubleVector.zero(S);
        DoubleVector s33 = DoubleVector.zero(S);
        int i = 0;
        for (; i + L <= len; i += L) { // 4 loads, 10 independent FMA chains
            DoubleVector v0 = DoubleVector.fromArray(S, x, x0 + i);
            DoubleVector v1 = DoubleVector.fromArray(S, x, x1 + i);
            DoubleVector v2 = DoubleVector.fromArray(S, x, x2 + i);
            DoubleVector v3 = DoubleVector.fromArray(S, x, x3 + i);
            s00 = v0.lanewise(FMA, v0, s00);
            s01 = v0.lanewise(FMA, v1, s01);
            s02 = v0.lanewise(FMA, v2, s02);
            s03 = v0.lanewise(FMA, v3, s03);
            s11 = v1.lanewise(FMA, v1, s11);
            s12 = v1.lanewise(FMA, v2, s12);
            s13 = v1.lanewise(FMA, v3, s13);
            s22 = v2.lanewise(FMA, v2, s22);
            s23 = v2.lanewise(FMA, v3, s23);
            s33 = v3.lanewise(FMA, v3, s33);
        }
        double t00 = s00.reduceLanes(ADD);
        double t01 = s01.reduceLanes(ADD);
        double t02 = s02.reduceLanes(ADD);
        double t03 = s03.reduceLanes(ADD);
        double t11 = s11.reduceLanes(ADD);
        double t12 = s12.reduceLanes(ADD);
        double t13 = s13.reduceLanes(ADD);
        double t22 = s22.reduceLanes(ADD);
        double t23 = s23.reduceLanes(ADD);
        double t33 = s33.reduceLanes(ADD);
        for (; i < len; i++) {
            double a0 = x[x0 + i];
            double a1 = x[x1 + i];
            double a2 = x[x2 + i];
            double a3 = x[x3 + i];
            t00 = Math.fma(a0, a0, t00);
            t01 = Math.fma(a0, a1, t01);
            t02 = Math.fma(a0, a2, t02);
            t03 = Math.fma(a0, a3, t03);
            t11 = Math.fma(a1, a1, t11);
            t12 = Math.fma(a1, a2, t12);
            t13 = Math.fma(a1, a3, t13);
            t22 = Math.fma(a2, a2, t22);
            t23 = Math.fma(a2, a3, t23);
            t33 = Math.fma(a3, a3, t33);
        }
        int o = outOff;
        out[o] = t00;
        out[o + 1] = t01;
        out[o + 2] = t02;
        out[o + 3] = t03;
        o += ldo;
        out[o + 1] = t11;
        out[o + 2] = t12;
        out[o + 3] = t13;
        o += ldo;
        out[o + 2] = t22;
        out[o + 3] = t23;
        o += ldo;
        out[o + 3] = t33;
    }

    /**
     * Count 4: per vector of rows 5 loads, 14 FMAs for the four combinations and 10 for their Gram matrix, nothing
     * stored; 14 coefficients and 10 accumulators stay in registers.
     */
    @Override
    public boolean triangularCombinationGram(int count, double[] x, int xOff, int len, int stride, double[] c,
                                             int ldc, double[] out, int outOff, int ldo) {
        if (count != 4) {
            return false;
        }
        int r1 = ldc;
        int r2 = 2 * ldc;
        int r3 = 3 * ldc;
        int r4 = 4 * ldc;
        DoubleVector c00 = DoubleVector.broadcast(S, c[0]);
        DoubleVector c01 = DoubleVector.broadcast(S, c[1]);
        DoubleVector c02 = DoubleVector.broadcast(S, c[2]);
        DoubleVector c03 = DoubleVector.broadcast(S, c[3]);
        DoubleVector c11 = DoubleVector.broadcast(S, c[r1 + 1]);
        DoubleVector c12 = DoubleVector.broadcast(S, c[r1 + 2]);
        DoubleVector c13 = DoubleVector.broadcast(S, c[r1 + 3]);
        DoubleVector c22 = DoubleVector.broadcast(S, c[r2 + 2]);
        DoubleVector c23 = DoubleVector.broadcast(S, c[r2 + 3]);
        DoubleVector c33 = DoubleVector.broadcast(S, c[r3 + 3]);
        DoubleVector d0 = DoubleVector.broadcast(S, c[r4]);
        DoubleVector d1 = DoubleVector.broadcast(S, c[r4 + 1]);
        DoubleVector d2 = DoubleVector.broadcast(S, c[r4 + 2]);
        DoubleVector d3 = DoubleVector.broadcast(S, c[r4 + 3]);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector s00 = zero;
        DoubleVector s01 = zero;
        DoubleVector s02 = zero;
        DoubleVector s03 = zero;
        DoubleVector s11 = zero;
        DoubleVector s12 = zero;
        DoubleVector s13 = zero;
        DoubleVector s22 = zero;
        DoubleVector s23 = zero;
        DoubleVector s33 = zero;
        int x0 = xOff;
        int x1 = x0 + stride;
        int x2 = x1 + stride;
        int x3 = x2 + stride;
        int x4 = x3 + stride;
        int i = 0;
        for (; i + L <= len; i += L) {
            DoubleVector v0 = DoubleVector.fromArray(S, x, x0 + i);
            DoubleVector v1 = DoubleVector.fromArray(S, x, x1 + i);
            DoubleVector v2 = DoubleVector.fromArray(S, x, x2 + i);
            DoubleVector v3 = DoubleVector.fromArray(S, x, x3 + i);
            DoubleVector v4 = DoubleVector.fromArray(S, x, x4 + i);
            DoubleVector q0 = v4.lanewise(FMA, d0, v0.lanewise(FMA, c00, zero));
            DoubleVector q1 = v4.lanewise(FMA, d1, v1.lanewise(FMA, c11, v0.lanewise(FMA, c01, zero)));
            DoubleVector q2 = v4.lanewise(FMA, d2,
                v2.lanewise(FMA, c22, v1.lanewise(FMA, c12, v0.lanewise(FMA, c02, zero))));
            DoubleVector q3 = v4.lanewise(FMA, d3,
                v3.lanewise(FMA, c33, v2.lanewise(FMA, c23, v1.lanewise(FMA, c13, v0.lanewise(FMA, c03, zero)))));
            s00 = q0.lanewise(FMA, q0, s00);
            s01 = q0.lanewise(FMA, q1, s01);
            s02 = q0.lanewise(FMA, q2, s02);
            s03 = q0.lanewise(FMA, q3, s03);
            s11 = q1.lanewise(FMA, q1, s11);
            s12 = q1.lanewise(FMA, q2, s12);
            s13 = q1.lanewise(FMA, q3, s13);
            s22 = q2.lanewise(FMA, q2, s22);
            s23 = q2.lanewise(FMA, q3, s23);
            s33 = q3.lanewise(FMA, q3, s33);
        }
        double t00 = s00.reduceLanes(ADD);
        double t01 = s01.reduceLanes(ADD);
        double t02 = s02.reduceLanes(ADD);
        double t03 = s03.reduceLanes(ADD);
        double t11 = s11.reduceLanes(ADD);
        double t12 = s12.reduceLanes(ADD);
        double t13 = s13.reduceLanes(ADD);
        double t22 = s22.reduceLanes(ADD);
        double t23 = s23.reduceLanes(ADD);
        double t33 = s33.reduceLanes(ADD);
        for (; i < len; i++) {
            double a0 = triangularCombinationAt(4, 0, x, xOff, stride, i, c, ldc);
            double a1 = triangularCombinationAt(4, 1, x, xOff, stride, i, c, ldc);
            double a2 = triangularCombinationAt(4, 2, x, xOff, stride, i, c, ldc);
            double a3 = triangularCombinationAt(4, 3, x, xOff, stride, i, c, ldc);
            t00 = Math.fma(a0, a0, t00);
            t01 = Math.fma(a0, a1, t01);
            t02 = Math.fma(a0, a2, t02);
            t03 = Math.fma(a0, a3, t03);
            t11 = Math.fma(a1, a1, t11);
            t12 = Math.fma(a1, a2, t12);
            t13 = Math.fma(a1, a3, t13);
            t22 = Math.fma(a2, a2, t22);
            t23 = Math.fma(a2, a3, t23);
            t33 = Math.fma(a3, a3, t33);
        }
        int o = outOff;
        out[o] = t00;
        out[o + 1] = t01;
        out[o + 2] = t02;
        out[o + 3] = t03;
        o += ldo;
        out[o + 1] = t11;
        out[o + 2] = t12;
        out[o + 3] = t13;
        o += ldo;
        out[o + 2] = t22;
        out[o + 3] = t23;
        o += ldo;
        out[o + 3] = t33;
        return true;
    }

    /**
     * {@link LruMath#tanh} on lanes: the same operations in the same order (lane-wise fma is exact like
     * {@link Math#fma}, the clamp a compare and blend that keeps NaN like {@link Math#min}), so the same bits; the
     * tail lanes by the scalar function. Written out in one method: a vector crossing a call that C2 does not inline
     * would be boxed on the heap.
     */
    @Override
    public void tanh(double[] x, int xOff, double[] y, int yOff, int len) {
        // every constant a vector, every operation lanewise on the receiver (see the class comment)
        DoubleVector tanhMax = DoubleVector.broadcast(S, LruMath.TANH_MAX);
        DoubleVector log2e = DoubleVector.broadcast(S, LruMath.LOG2E);
        DoubleVector shifter = DoubleVector.broadcast(S, LruMath.SHIFTER);
        DoubleVector ln2Hi = DoubleVector.broadcast(S, LruMath.LN2_HI);
        DoubleVector ln2Lo = DoubleVector.broadcast(S, LruMath.LN2_LO);
        DoubleVector halfC = DoubleVector.broadcast(S, 0.5);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector e13 = DoubleVector.broadcast(S, LruMath.E13);
        DoubleVector e12 = DoubleVector.broadcast(S, LruMath.E12);
        DoubleVector e11 = DoubleVector.broadcast(S, LruMath.E11);
        DoubleVector e10 = DoubleVector.broadcast(S, LruMath.E10);
        DoubleVector e9 = DoubleVector.broadcast(S, LruMath.E9);
        DoubleVector e8 = DoubleVector.broadcast(S, LruMath.E8);
        DoubleVector e7 = DoubleVector.broadcast(S, LruMath.E7);
        DoubleVector e6 = DoubleVector.broadcast(S, LruMath.E6);
        DoubleVector e5 = DoubleVector.broadcast(S, LruMath.E5);
        DoubleVector e4 = DoubleVector.broadcast(S, LruMath.E4);
        DoubleVector e3 = DoubleVector.broadcast(S, LruMath.E3);
        LongVector low52 = LongVector.broadcast(LS, LruMath.LOW52);
        LongVector biasOffset = LongVector.broadcast(LS, LruMath.EXP_BIAS_OFFSET);
        LongVector signBit = LongVector.broadcast(LS, Long.MIN_VALUE);
        LongVector shift52 = LongVector.broadcast(LS, 52);
        int i = 0;
        for (; i + L <= len; i += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xOff + i);
            DoubleVector a = v.lanewise(ABS);
            a = a.blend(tanhMax, a.compare(GT, tanhMax));
            DoubleVector yy = a.lanewise(ADD, a);
            DoubleVector shifted = yy.lanewise(MUL, log2e).lanewise(ADD, shifter);
            DoubleVector k = shifted.lanewise(SUB, shifter);
            DoubleVector nk = k.lanewise(NEG);
            DoubleVector r1 = nk.lanewise(FMA, ln2Hi, yy);
            DoubleVector kLo = k.lanewise(MUL, ln2Lo);
            DoubleVector r = r1.lanewise(SUB, kLo);
            DoubleVector rl = r1.lanewise(SUB, r).lanewise(SUB, kLo);
            DoubleVector r2 = r.lanewise(MUL, r);
            DoubleVector r2l = r.lanewise(FMA, r, r2.lanewise(NEG));
            DoubleVector half = r2.lanewise(MUL, halfC);
            DoubleVector p = r.lanewise(FMA, e13, e12);
            p = r.lanewise(FMA, p, e11);
            p = r.lanewise(FMA, p, e10);
            p = r.lanewise(FMA, p, e9);
            p = r.lanewise(FMA, p, e8);
            p = r.lanewise(FMA, p, e7);
            p = r.lanewise(FMA, p, e6);
            p = r.lanewise(FMA, p, e5);
            p = r.lanewise(FMA, p, e4);
            p = r.lanewise(FMA, p, e3);
            DoubleVector tail = r2.lanewise(MUL, r)
                .lanewise(FMA, p, r2l.lanewise(MUL, halfC));
            DoubleVector w = half.lanewise(ADD, tail);
            DoubleVector sh = r.lanewise(ADD, w);
            DoubleVector sl = r.lanewise(SUB, sh).lanewise(ADD, w).lanewise(ADD,
                half.lanewise(SUB, w).lanewise(ADD, tail)
                    .lanewise(ADD, r.lanewise(FMA, rl, rl)));
            LongVector shiftedBits = (LongVector) shifted.reinterpretShape(LS, 0);
            DoubleVector scale = (DoubleVector) shiftedBits.lanewise(AND, low52)
                .lanewise(SUB, biasOffset).lanewise(LSHL, shift52).reinterpretShape(S, 0);
            DoubleVector u = scale.lanewise(MUL, sh);
            DoubleVector sl2 = scale.lanewise(MUL, sl);
            DoubleVector cn = scale.lanewise(SUB, one);
            DoubleVector nh = cn.lanewise(ADD, u);
            DoubleVector nl = cn.lanewise(SUB, nh).lanewise(ADD, u).lanewise(ADD,
                sl2.lanewise(ADD, scale.lanewise(SUB, cn).lanewise(SUB, one)));
            DoubleVector cd = scale.lanewise(ADD, one);
            DoubleVector dh = cd.lanewise(ADD, u);
            DoubleVector dl = cd.lanewise(SUB, dh).lanewise(ADD, u).lanewise(ADD,
                sl2.lanewise(ADD, one.lanewise(SUB, cd.lanewise(SUB, scale))));
            DoubleVector qh = nh.lanewise(DIV, dh);
            DoubleVector ql = qh.lanewise(NEG).lanewise(FMA, dh, nh).lanewise(ADD, nl)
                .lanewise(SUB, qh.lanewise(MUL, dl)).lanewise(DIV, dh);
            LongVector sign = ((LongVector) v.reinterpretShape(LS, 0)).lanewise(AND, signBit);
            LongVector bits = ((LongVector) qh.lanewise(ADD, ql).reinterpretShape(LS, 0))
                .lanewise(OR, sign);
            ONE.lanewise(MUL, (DoubleVector) bits.reinterpretShape(S, 0)).intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] = LruMath.tanh(x[xOff + i]);
        }
    }

    @Override
    public void adam(double[] params, double[] grad, double[] mom1, double[] mom2, int len, double beta1,
                     double beta2, double lrT, double eps) {
        double c1 = 1.0 - beta1;
        double c2 = 1.0 - beta2;
        DoubleVector vb1 = DoubleVector.broadcast(S, beta1);
        DoubleVector vb2 = DoubleVector.broadcast(S, beta2);
        DoubleVector vc1 = DoubleVector.broadcast(S, c1);
        DoubleVector vc2 = DoubleVector.broadcast(S, c2);
        DoubleVector vlr = DoubleVector.broadcast(S, lrT);
        DoubleVector veps = DoubleVector.broadcast(S, eps);
        int i = 0;
        for (; i + L <= len; i += L) { // same operations in the same order as the scalar loop: identical bits
            DoubleVector g = DoubleVector.fromArray(S, grad, i);
            DoubleVector m1 = vb1.lanewise(MUL, DoubleVector.fromArray(S, mom1, i)).lanewise(ADD, vc1.lanewise(MUL, g));
            DoubleVector m2 = vb2.lanewise(MUL, DoubleVector.fromArray(S, mom2, i))
                .lanewise(ADD, vc2.lanewise(MUL, g).lanewise(MUL, g));
            m1.intoArray(mom1, i);
            m2.intoArray(mom2, i);
            DoubleVector upd = vlr.lanewise(MUL, m1).lanewise(DIV, m2.lanewise(SQRT).lanewise(ADD, veps));
            DoubleVector.fromArray(S, params, i).lanewise(SUB, upd).intoArray(params, i);
        }
        for (; i < len; i++) {
            double g = grad[i];
            double m1 = beta1 * mom1[i] + c1 * g;
            double m2 = beta2 * mom2[i] + c2 * g * g;
            mom1[i] = m1;
            mom2[i] = m2;
            params[i] -= lrT * m1 / (Math.sqrt(m2) + eps);
        }
    }

    @Override
    public void reflect(double gamma, double[] v, int vOff, int len, double[] x, int xOff, int stride, int ncols) {
        int c = 0;
        for (; c + 4 <= ncols; c += 4) {
            int x0 = xOff + c * stride + 1;
            int x1 = x0 + stride;
            int x2 = x1 + stride;
            int x3 = x2 + stride;
            DoubleVector a0 = DoubleVector.zero(S);
            DoubleVector a1 = DoubleVector.zero(S);
            DoubleVector a2 = DoubleVector.zero(S);
            DoubleVector a3 = DoubleVector.zero(S);
            DoubleVector b0 = DoubleVector.zero(S);
            DoubleVector b1 = DoubleVector.zero(S);
            DoubleVector b2 = DoubleVector.zero(S);
            DoubleVector b3 = DoubleVector.zero(S);
            int i = 0;
            for (; i + 2 * L <= len; i += 2 * L) { // two accumulators per column: FMA latency, not loads, bound one
                DoubleVector vv = DoubleVector.fromArray(S, v, vOff + i);
                a0 = vv.lanewise(FMA, DoubleVector.fromArray(S, x, x0 + i), a0);
                a1 = vv.lanewise(FMA, DoubleVector.fromArray(S, x, x1 + i), a1);
                a2 = vv.lanewise(FMA, DoubleVector.fromArray(S, x, x2 + i), a2);
                a3 = vv.lanewise(FMA, DoubleVector.fromArray(S, x, x3 + i), a3);
                DoubleVector vw = DoubleVector.fromArray(S, v, vOff + i + L);
                b0 = vw.lanewise(FMA, DoubleVector.fromArray(S, x, x0 + i + L), b0);
                b1 = vw.lanewise(FMA, DoubleVector.fromArray(S, x, x1 + i + L), b1);
                b2 = vw.lanewise(FMA, DoubleVector.fromArray(S, x, x2 + i + L), b2);
                b3 = vw.lanewise(FMA, DoubleVector.fromArray(S, x, x3 + i + L), b3);
            }
            for (; i + L <= len; i += L) {
                DoubleVector vv = DoubleVector.fromArray(S, v, vOff + i);
                a0 = vv.lanewise(FMA, DoubleVector.fromArray(S, x, x0 + i), a0);
                a1 = vv.lanewise(FMA, DoubleVector.fromArray(S, x, x1 + i), a1);
                a2 = vv.lanewise(FMA, DoubleVector.fromArray(S, x, x2 + i), a2);
                a3 = vv.lanewise(FMA, DoubleVector.fromArray(S, x, x3 + i), a3);
            }
            double s0 = a0.lanewise(ADD, b0).reduceLanes(ADD);
            double s1 = a1.lanewise(ADD, b1).reduceLanes(ADD);
            double s2 = a2.lanewise(ADD, b2).reduceLanes(ADD);
            double s3 = a3.lanewise(ADD, b3).reduceLanes(ADD);
            for (int t = i; t < len; t++) {
                double vt = v[vOff + t];
                s0 = Math.fma(vt, x[x0 + t], s0);
                s1 = Math.fma(vt, x[x1 + t], s1);
                s2 = Math.fma(vt, x[x2 + t], s2);
                s3 = Math.fma(vt, x[x3 + t], s3);
            }
            double w0 = gamma * (x[x0 - 1] + s0);
            double w1 = gamma * (x[x1 - 1] + s1);
            double w2 = gamma * (x[x2 - 1] + s2);
            double w3 = gamma * (x[x3 - 1] + s3);
            x[x0 - 1] -= w0;
            x[x1 - 1] -= w1;
            x[x2 - 1] -= w2;
            x[x3 - 1] -= w3;
            update4(-w0, -w1, -w2, -w3, v, vOff, len, x, x0, x1, x2, x3);
        }
        if (c + 2 <= ncols) {
            reflect2(gamma, v, vOff, len, x, xOff + c * stride + 1, xOff + (c + 1) * stride + 1);
            c += 2;
        }
        if (c < ncols) {
            reflect1v(gamma, v, vOff, len, x, xOff + c * stride + 1);
        }
    }

    /** {@link #reflect} for two columns whose tails start at x0 and x1 (v read once for both dots). */
    private static void reflect2(double gamma, double[] v, int vOff, int len, double[] x, int x0, int x1) {
        DoubleVector a0 = DoubleVector.zero(S);
        DoubleVector a1 = DoubleVector.zero(S);
        DoubleVector b0 = DoubleVector.zero(S);
        DoubleVector b1 = DoubleVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= len; i += 2 * L) {
            DoubleVector vv = ONE.lanewise(MUL, DoubleVector.fromArray(S, v, vOff + i));
            a0 = vv.lanewise(FMA, DoubleVector.fromArray(S, x, x0 + i), a0);
            a1 = vv.lanewise(FMA, DoubleVector.fromArray(S, x, x1 + i), a1);
            DoubleVector vw = ONE.lanewise(MUL, DoubleVector.fromArray(S, v, vOff + i + L));
            b0 = vw.lanewise(FMA, DoubleVector.fromArray(S, x, x0 + i + L), b0);
            b1 = vw.lanewise(FMA, DoubleVector.fromArray(S, x, x1 + i + L), b1);
        }
        for (; i + L <= len; i += L) {
            DoubleVector vv = ONE.lanewise(MUL, DoubleVector.fromArray(S, v, vOff + i));
            a0 = vv.lanewise(FMA, DoubleVector.fromArray(S, x, x0 + i), a0);
            a1 = vv.lanewise(FMA, DoubleVector.fromArray(S, x, x1 + i), a1);
        }
        double s0 = a0.lanewise(ADD, b0).reduceLanes(ADD);
        double s1 = a1.lanewise(ADD, b1).reduceLanes(ADD);
        for (int t = i; t < len; t++) {
            double vt = v[vOff + t];
            s0 = Math.fma(vt, x[x0 + t], s0);
            s1 = Math.fma(vt, x[x1 + t], s1);
        }
        double w0 = gamma * (x[x0 - 1] + s0);
        double w1 = gamma * (x[x1 - 1] + s1);
        x[x0 - 1] -= w0;
        x[x1 - 1] -= w1;
        DoubleVector m0 = DoubleVector.broadcast(S, -w0);
        DoubleVector m1 = DoubleVector.broadcast(S, -w1);
        i = 0;
        for (; i + L <= len; i += L) {
            DoubleVector vv = ONE.lanewise(MUL, DoubleVector.fromArray(S, v, vOff + i));
            vv.lanewise(FMA, m0, DoubleVector.fromArray(S, x, x0 + i)).intoArray(x, x0 + i);
            vv.lanewise(FMA, m1, DoubleVector.fromArray(S, x, x1 + i)).intoArray(x, x1 + i);
        }
        for (; i < len; i++) {
            double vi = v[vOff + i];
            x[x0 + i] = Math.fma(-w0, vi, x[x0 + i]);
            x[x1 + i] = Math.fma(-w1, vi, x[x1 + i]);
        }
    }

    /** {@link #reflect} for one column whose tail starts at x0 (two accumulators for the dot). */
    private static void reflect1v(double gamma, double[] v, int vOff, int len, double[] x, int x0) {
        DoubleVector a0 = DoubleVector.zero(S);
        DoubleVector a1 = DoubleVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= len; i += 2 * L) {
            a0 = DoubleVector.fromArray(S, v, vOff + i).lanewise(FMA, DoubleVector.fromArray(S, x, x0 + i), a0);
            a1 = DoubleVector.fromArray(S, v, vOff + i + L).lanewise(FMA, DoubleVector.fromArray(S, x, x0 + i + L), a1);
        }
        double s0 = a0.lanewise(ADD, a1).reduceLanes(ADD);
        for (int t = i; t < len; t++) {
            s0 = Math.fma(v[vOff + t], x[x0 + t], s0);
        }
        double w0 = gamma * (x[x0 - 1] + s0);
        x[x0 - 1] -= w0;
        DoubleVector m0 = DoubleVector.broadcast(S, -w0);
        i = 0;
        for (; i + L <= len; i += L) {
            ONE.lanewise(MUL, DoubleVector.fromArray(S, v, vOff + i))
                .lanewise(FMA, m0, DoubleVector.fromArray(S, x, x0 + i))
                .intoArray(x, x0 + i);
        }
        for (; i < len; i++) {
            x[x0 + i] = Math.fma(-w0, v[vOff + i], x[x0 + i]);
        }
    }

    /** x_c[i] += m_c v[i] for the 4 columns of one {@link #reflect} group (kept small so C2 inlines the vector ops). */
    private static void update4(double m0s, double m1s, double m2s, double m3s, double[] v, int vOff, int len,
                                double[] x, int x0, int x1, int x2, int x3) {
        DoubleVector m0 = DoubleVector.broadcast(S, m0s);
        DoubleVector m1 = DoubleVector.broadcast(S, m1s);
        DoubleVector m2 = DoubleVector.broadcast(S, m2s);
        DoubleVector m3 = DoubleVector.broadcast(S, m3s);
        int i = 0;
        for (; i + L <= len; i += L) {
            DoubleVector vv = ONE.lanewise(MUL, DoubleVector.fromArray(S, v, vOff + i));
            vv.lanewise(FMA, m0, DoubleVector.fromArray(S, x, x0 + i)).intoArray(x, x0 + i);
            vv.lanewise(FMA, m1, DoubleVector.fromArray(S, x, x1 + i)).intoArray(x, x1 + i);
            vv.lanewise(FMA, m2, DoubleVector.fromArray(S, x, x2 + i)).intoArray(x, x2 + i);
            vv.lanewise(FMA, m3, DoubleVector.fromArray(S, x, x3 + i)).intoArray(x, x3 + i);
        }
        for (; i < len; i++) {
            double vi = v[vOff + i];
            x[x0 + i] = Math.fma(m0s, vi, x[x0 + i]);
            x[x1 + i] = Math.fma(m1s, vi, x[x1 + i]);
            x[x2 + i] = Math.fma(m2s, vi, x[x2 + i]);
            x[x3 + i] = Math.fma(m3s, vi, x[x3 + i]);
        }
    }
}
