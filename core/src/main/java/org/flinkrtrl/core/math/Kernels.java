package org.flinkrtrl.core.math;

/**
 * The hot dense kernels of the estimators (matrix product, dot, axpy) behind one interface, so a SIMD
 * implementation on the Java Vector API can be used when the JVM has the {@code jdk.incubator.vector} module and a
 * plain-Java one otherwise.
 *
 * <p>{@link #get()} picks the implementation once per JVM: the Vector API one when the class
 * {@code org.flinkrtrl.core.math.VectorKernels} (compiled separately, only with {@code --add-modules
 * jdk.incubator.vector}, see core/pom.xml) can be loaded and passes a self-check, else {@link PlainKernels}.
 * Nothing that references {@code jdk.incubator.vector} is ever loaded without the module. The system property
 * {@code flinkrtrl.kernels=plain} forces the plain kernels. Both give the same results up to floating-point
 * reassociation (sums are accumulated in a different order).
 *
 * <p>To enable the SIMD path start the JVM with {@code --add-modules jdk.incubator.vector} (Flink:
 * {@code env.java.opts.taskmanager: --add-modules jdk.incubator.vector}).
 *
 * <p>All matrices are row-major slices of {@code double[]} given by an offset and a leading dimension (row stride).
 * Implementations are stateless and thread-safe; nothing allocates.
 */
public abstract class Kernels {
    /** Name of the SIMD implementation, loaded reflectively. */
    static final String VECTOR_CLASS = "org.flinkrtrl.core.math.VectorKernels";

    /** The system property that forces the plain kernels ({@code plain}); read once, when the kernels load. */
    public static final String PROPERTY = "flinkrtrl.kernels";
    /** Why a job set {@link #PROPERTY} itself (e.g. {@code --kernels auto}), for {@link #describe()}. */
    public static final String REASON_PROPERTY = "flinkrtrl.kernels.reason";

    private static final Kernels INSTANCE = load();

    /** The kernels of this JVM (SIMD when available). */
    public static Kernels get() {
        return INSTANCE;
    }

    /** Row width below which the plain kernels are used even when the SIMD ones are available. */
    public static final int MIN_VECTOR_WIDTH = 16;

    /**
     * The kernels for products whose rows are {@code width} doubles wide: {@link #get()} from
     * {@link #MIN_VECTOR_WIDTH} on, else the plain ones. Narrow rows gain little from SIMD (mostly tails), and on
     * JDK 17 C2 may leave the Vector API calls of rarely-taken tails un-inlined, where every vector op allocates
     * (seen as ~17 KB/step for a gated n=6 cell); the plain kernels never allocate.
     */
    public static Kernels forWidth(int width) {
        return width >= MIN_VECTOR_WIDTH ? INSTANCE : PlainKernels.INSTANCE;
    }

    /** The plain-Java kernels, always available. */
    public static Kernels plain() {
        return PlainKernels.INSTANCE;
    }

    /** The Vector API kernels, or null when the module {@code jdk.incubator.vector} is not present. */
    public static Kernels vector() {
        return INSTANCE instanceof PlainKernels ? tryVector() : INSTANCE;
    }

    private static Kernels load() {
        if ("plain".equalsIgnoreCase(System.getProperty(PROPERTY, ""))) {
            return PlainKernels.INSTANCE;
        }
        Kernels v = tryVector();
        return v != null ? v : PlainKernels.INSTANCE;
    }

    private static Kernels tryVector() {
        if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            return null;
        }
        try {
            Kernels k = (Kernels) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
            // Force linking of everything the kernels touch and check them against the plain ones.
            return selfCheck(k) ? k : null;
        } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static boolean selfCheck(Kernels k) {
        int rows = 5;
        int inner = 7;
        int cols = 11;
        double[] a = new double[rows * inner];
        double[] b = new double[inner * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.sin(i + 1.0);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = Math.cos(i + 1.0);
        }
        double[] c1 = new double[rows * cols];
        double[] c2 = new double[rows * cols];
        k.gemm(rows, inner, cols, a, 0, inner, b, 0, cols, c1, 0, cols);
        PlainKernels.INSTANCE.gemm(rows, inner, cols, a, 0, inner, b, 0, cols, c2, 0, cols);
        for (int i = 0; i < c1.length; i++) {
            if (!(Math.abs(c1[i] - c2[i]) <= 1e-12)) {
                return false;
            }
        }
        double d1 = k.dot(a, 1, b, 2, 30);
        double d2 = PlainKernels.INSTANCE.dot(a, 1, b, 2, 30);
        k.axpy(0.5, a, 0, c1, 0, 30);
        return Math.abs(d1 - d2) <= 1e-12;
    }

    /**
     * One line for logs saying which kernels this JVM uses and, when they are the plain ones, why and how to get the
     * SIMD ones, e.g. {@code "vector-256 (jdk.incubator.vector present)"} or {@code "plain (start the JVM with
     * --add-modules jdk.incubator.vector for the SIMD kernels, about 2.5x faster at n=32, r=4)"}. Starts with
     * {@code get().name()}. When a job chose the plain kernels itself ({@code --kernels}), its reason is in the
     * system property {@link #REASON_PROPERTY}.
     */
    public static String describe() {
        return describe(INSTANCE, "plain".equalsIgnoreCase(System.getProperty(PROPERTY, "")),
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
    }

    static String describe(Kernels k, boolean forcedPlain, boolean modulePresent) {
        if (!(k instanceof PlainKernels)) {
            return k.name() + " (jdk.incubator.vector present)";
        }
        if (forcedPlain) {
            String reason = System.getProperty(REASON_PROPERTY, "");
            return k.name() + (reason.isEmpty() ? " (forced by -Dflinkrtrl.kernels=plain)" : " (" + reason + ")");
        }
        if (!modulePresent) {
            return k.name() + " (start the JVM with --add-modules jdk.incubator.vector for the SIMD kernels, about 2.5x"
                + " faster at n=32, r=4)";
        }
        return k.name() + " (jdk.incubator.vector present, but the SIMD kernels failed to load or to pass the self-check)";
    }

    /** Short name for logs and reports ("vector-256", "plain"). */
    public abstract String name();

    /**
     * C = A B with A rows x inner, B inner x cols, C rows x cols (overwritten). C may not alias A or B.
     */
    public abstract void gemm(int rows, int inner, int cols,
                              double[] a, int aOff, int lda,
                              double[] b, int bOff, int ldb,
                              double[] c, int cOff, int ldc);

    /**
     * Several products with one shared left matrix: {@code C_t = A B_t} for t in [0, terms), A rows x inner,
     * B_t inner x cols at {@code b[bOff + t bStride]} (leading dimension ldb), C_t rows x cols at
     * {@code c[cOff + t cStride]} (leading dimension ldc, overwritten). No C_t may alias A or any B_t. This is the
     * propagation {@code H A_i} of the r-term estimators; the SIMD version keeps each block of rows of A in cache
     * across the terms. Results equal {@code terms} calls of {@link #gemm} up to reassociation.
     */
    public void gemmTerms(int terms, int rows, int inner, int cols,
                          double[] a, int aOff, int lda,
                          double[] b, int bOff, int ldb, int bStride,
                          double[] c, int cOff, int ldc, int cStride) {
        for (int t = 0; t < terms; t++) {
            gemm(rows, inner, cols, a, aOff, lda, b, bOff + t * bStride, ldb, c, cOff + t * cStride, ldc);
        }
    }

    /**
     * {@link #gemmTerms} for four terms with contiguous outputs ({@code ldc = cols}), and the upper triangle of the
     * Gram matrix of the four outputs as vectors of length {@code rows cols}, in one pass:
     * {@code g[gOff + i ldg + j] = vec(C_i) . vec(C_j)} for {@code i <= j < 4}, with the bits of {@link #gram} on them.
     * OK's propagation and the first Gram pass of CholeskyQR2 over M's dense columns. Returns false, computing
     * nothing, when these kernels have no such pass for the shape; the caller then runs the two separately.
     */
    public boolean gemmTermsGram(int rows, int inner, int cols, double[] a, int aOff, int lda, double[] b, int bOff,
                                 int ldb, int bStride, double[] c, int cOff, int cStride, double[] g, int gOff,
                                 int ldg) {
        return false;
    }

    /** y[yOff + i] = alpha x[xOff + i], i in [0, len): one rounded product per entry, the same bits on every kernel set. */
    public void scale(double alpha, double[] x, int xOff, double[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] = alpha * x[xOff + i];
        }
    }

    /**
     * y[yOff + i] += alpha x[xOff + i], i in [0, len), the product rounded before the sum (unlike {@link #axpy}'s FMA
     * on the vector side): the same bits on every kernel set.
     */
    public void addScaled(double alpha, double[] x, int xOff, double[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /**
     * {@code y[yOff + i] = tanh(x[xOff + i])}, i in [0, len) (x and y may be the same slice): {@link Math#tanh} on the
     * plain kernels, so their results stay the JDK's; {@link LruMath#tanh} on the SIMD kernels (lane-wise, the same
     * bits as the scalar function, interpreted or compiled), within 0.54 ulp of the exact value where
     * {@code Math.tanh} (fdlibm on JDK 17, through JNI) is within 1.9 ulp, so the two differ by at most 2 ulp.
     */
    public void tanh(double[] x, int xOff, double[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] = Math.tanh(x[xOff + i]);
        }
    }

    /** Returns sum_i x[xOff + i] y[yOff + i], i in [0, len). */
    public abstract double dot(double[] x, int xOff, double[] y, int yOff, int len);

    /** y[yOff + i] += alpha x[xOff + i], i in [0, len). */
    public abstract void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int len);

    /**
     * Applies the Householder reflector {@code H = I - gamma u u^T}, {@code u = [1; v]} ({@code v} of length
     * {@code len} at {@code vOff}), to {@code ncols} vectors of length {@code len + 1}: vector c starts at
     * {@code x[xOff + c stride]} (its head, paired with the implicit 1) followed by its tail. Columns are handled in
     * groups so that v is read once per group for the dot products and once for the updates.
     */
    public abstract void reflect(double gamma, double[] v, int vOff, int len, double[] x, int xOff, int stride,
                                 int ncols);

    /**
     * out[outOff + c] = sum_i x[xOff + i] v[vOff + c vStride + i], i in [0, len), for c in [0, count): several dot
     * products against one vector (the SIMD version reads x once per group of vectors).
     */
    public void multiDot(double[] x, int xOff, int len, double[] v, int vOff, int vStride, int count, double[] out,
                         int outOff) {
        for (int c = 0; c < count; c++) {
            out[outOff + c] = dot(x, xOff, v, vOff + c * vStride, len);
        }
    }

    /**
     * The upper triangle of the Gram matrix of {@code count} vectors of length {@code len}, vector c at
     * {@code x[xOff + c stride]}: {@code out[outOff + i ldo + j] = x_i . x_j} for {@code i <= j < count}; the rest of
     * out is left alone. The SIMD version reads every vector once for all the dots when count is 4.
     */
    public void gram(double[] x, int xOff, int len, int stride, int count, double[] out, int outOff, int ldo) {
        for (int i = 0; i < count; i++) {
            multiDot(x, xOff + i * stride, len, x, xOff + i * stride, stride, count - i, out, outOff + i * ldo + i);
        }
    }

    /**
     * The upper triangle of the Gram matrix of {@code count} combinations of {@code count + 1} vectors, without
     * storing the combinations: {@code q_l = sum_{i <= l} c[i ldc + l] x_i + c[count ldc + l] x_count} for
     * {@code l < count}, vector i at {@code x[xOff + i stride]} (length len); every entry of q_l is one FMA chain
     * from 0.0 over {@code i = 0..l} and then {@code x_count} (so {@link #triangularCombinationAt} gives its bits);
     * {@code out[outOff + i ldo + j] = q_i . q_j} for {@code i <= j < count}. This is the second pass of
     * CholeskyQR2 (x_0 .. x_{count-1} M's dense columns, x_count its lead column, c the inverse of the first
     * Cholesky factor). Returns false, writing nothing, when these kernels have no such pass for count; the caller
     * then stores the combinations and uses {@link #gemm} and {@link #gram}.
     */
    public boolean triangularCombinationGram(int count, double[] x, int xOff, int len, int stride, double[] c,
                                             int ldc, double[] out, int outOff, int ldo) {
        return false;
    }

    /**
     * Entry {@code row} of the combination {@code q_l} of {@link #triangularCombinationGram}, with the same FMA
     * chain (the same bits).
     */
    public static double triangularCombinationAt(int count, int l, double[] x, int xOff, int stride, int row,
                                                 double[] c, int ldc) {
        double acc = 0.0;
        for (int i = 0; i <= l; i++) {
            acc = Math.fma(x[xOff + i * stride + row], c[i * ldc + l], acc);
        }
        return Math.fma(x[xOff + count * stride + row], c[count * ldc + l], acc);
    }

    /**
     * The Adam update of {@code len} parameters (see {@code optim.Adam}): {@code m = b1 m + (1 - b1) g},
     * {@code v = b2 v + ((1 - b2) g) g}, {@code p -= (lrT m) / (sqrt(v) + eps)}, evaluated in exactly this order
     * so that every implementation gives the same bits (element-wise, no reassociation).
     */
    public void adam(double[] params, double[] grad, double[] mom1, double[] mom2, int len, double beta1,
                     double beta2, double lrT, double eps) {
        double c1 = 1.0 - beta1;
        double c2 = 1.0 - beta2;
        for (int i = 0; i < len; i++) {
            double g = grad[i];
            double m1 = beta1 * mom1[i] + c1 * g;
            double m2 = beta2 * mom2[i] + c2 * g * g;
            mom1[i] = m1;
            mom2[i] = m2;
            params[i] -= lrT * m1 / (Math.sqrt(m2) + eps);
        }
    }

    /** Plain-Java reference of {@link #reflect} for one column (also the tail of the grouped loops). */
    static void reflect1(Kernels k, double gamma, double[] v, int vOff, int len, double[] x, int x0) {
        double w = gamma * (x[x0] + k.dot(v, vOff, x, x0 + 1, len));
        x[x0] -= w;
        k.axpy(-w, v, vOff, x, x0 + 1, len);
    }
}
