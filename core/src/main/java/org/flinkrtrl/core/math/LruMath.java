package org.flinkrtrl.core.math;

/**
 * Deterministic exp, sin and cos for the online LRU's parameter transform (nu, theta, gamma_log to lambda and
 * gamma): range reduction and a polynomial written with {@link Math#fma} and plain arithmetic only, so that these
 * scalar functions and their lane-wise twins in the SIMD LRU kernels ({@code VectorLruKernels.transform}, the same
 * operations in the same order on each lane) give identical bits, interpreted or compiled (Java floating point is
 * strict). {@code Math.exp/sin/cos} may differ by an ulp between implementations and the Vector API's EXP/SIN/COS
 * differ between the interpreter and compiled code, which would break bit-exact restore.
 *
 * <p>Accuracy (LruMathTest, dense grids against {@code Math} and {@code StrictMath}): at most 2 ulp from the
 * correctly rounded value on the fast ranges, {@code exp} on [{@link #EXP_MIN}, {@link #EXP_MAX}] and {@code sin},
 * {@code cos} on [-{@link #TRIG_MAX}, {@link #TRIG_MAX}]; outside them (and for NaN) they return
 * {@code StrictMath}'s value (fdlibm, itself deterministic). The LRU's arguments: exp of nu, theta, gamma_log and of
 * -(exp(nu) + 2^-40), whose initial values lie in [-36, 1.2] and move slowly in training; sin and cos of
 * exp(theta), initially in (0, max_phase] (at most 2 pi). A zero result is +0.0 (sin(-0.0) included).
 */
public final class LruMath {
    /** Smallest argument of the fast exp path (2^k stays a normal number). */
    public static final double EXP_MIN = -708.0;
    /** Largest argument of the fast exp path (below overflow). */
    public static final double EXP_MAX = 709.0;
    /** Largest |x| of the fast sin/cos path (the three-part reduction keeps its error within an ulp there). */
    public static final double TRIG_MAX = 0x1p20;

    /** Adding and subtracting it rounds a double of magnitude below 2^51 to an integer (round half even). */
    static final double SHIFTER = 0x1.8p52;
    static final long LOW52 = (1L << 52) - 1;
    /** 2^51 - 1023: the low 52 bits of (k + SHIFTER) are 2^51 + k; minus this gives the biased exponent k + 1023. */
    static final long EXP_BIAS_OFFSET = (1L << 51) - 1023;

    static final double LOG2E = 1.4426950408889634;
    /** ln 2 = LN2_HI + LN2_LO, LN2_HI with 32 significant bits, so k LN2_HI is exact for |k| < 2^21. */
    static final double LN2_HI = 0x1.62e42feep-1;
    static final double LN2_LO = 0x1.a39ef35793c76p-33;

    static final double TWO_OVER_PI = 0x1.45f306dc9c883p-1;
    /** pi/2 = PIO2_1 + PIO2_2 + PIO2_3 to about 160 bits (fdlibm's 33-bit split). */
    static final double PIO2_1 = 0x1.921fb544p0;
    static final double PIO2_2 = 0x1.0b4611a6p-34;
    static final double PIO2_3 = 0x1.3198a2e037073p-69;

    // Taylor coefficients 1/n! (compile-time constants, correctly rounded).
    static final double E2 = 1.0 / 2;
    static final double E3 = 1.0 / 6;
    static final double E4 = 1.0 / 24;
    static final double E5 = 1.0 / 120;
    static final double E6 = 1.0 / 720;
    static final double E7 = 1.0 / 5040;
    static final double E8 = 1.0 / 40320;
    static final double E9 = 1.0 / 362880;
    static final double E10 = 1.0 / 3628800;
    static final double E11 = 1.0 / 39916800;
    static final double E12 = 1.0 / 479001600;
    static final double E13 = 1.0 / 6227020800.0;
    static final double E14 = 1.0 / 87178291200.0;
    static final double E15 = 1.0 / 1307674368000.0;
    static final double E16 = 1.0 / 20922789888000.0;
    static final double E17 = 1.0 / 355687428096000.0;
    static final double E18 = 1.0 / 6402373705728000.0;
    static final double E19 = 1.0 / 121645100408832000.0;

    private LruMath() {}

    /** e^x: StrictMath.exp outside [EXP_MIN, EXP_MAX] (and for NaN), else the fast path. */
    public static double exp(double x) {
        if (!(x >= EXP_MIN && x <= EXP_MAX)) {
            return StrictMath.exp(x);
        }
        double shifted = x * LOG2E + SHIFTER;
        double k = shifted - SHIFTER;
        double r = Math.fma(-k, LN2_HI, x);
        r = Math.fma(-k, LN2_LO, r);
        // e^r on |r| <= 0.347 + tiny: 1 + r + r^2 (1/2 + r (1/6 + ...)), Horner with fma up to r^13/13!.
        double p = taylorFrom3(r);
        p = Math.fma(r, p, E2);
        p = Math.fma(r * r, p, r);
        p = p + 1.0;
        long bits = Double.doubleToRawLongBits(shifted);
        double scale = Double.longBitsToDouble(((bits & LOW52) - EXP_BIAS_OFFSET) << 52);
        return p * scale;
    }

    /**
     * 1/3! + r/4! + ... + r^10/13!, Horner with fma from the highest term: the tail shared by {@link #exp} and
     * {@link #tanh} (the SIMD kernels' lane forms run the same operations in the same order).
     */
    private static double taylorFrom3(double r) {
        double p = Math.fma(r, E13, E12);
        p = Math.fma(r, p, E11);
        p = Math.fma(r, p, E10);
        p = Math.fma(r, p, E9);
        p = Math.fma(r, p, E8);
        p = Math.fma(r, p, E7);
        p = Math.fma(r, p, E6);
        p = Math.fma(r, p, E5);
        p = Math.fma(r, p, E4);
        return Math.fma(r, p, E3);
    }

    /** Above this |x| the formula of {@link #tanh} rounds to +-1 exactly (from 19.06 on), so |x| is clamped there. */
    public static final double TANH_MAX = 20.0;

    /**
     * tanh(x) to about half an ulp: {@code sign(x) (e^(2a) - 1) / (e^(2a) + 1)}, a = min(|x|, {@link #TANH_MAX}),
     * with {@code e^(2a) = 2^k (1 + s)}, {@code s = e^r - 1} (r = 2a - k ln 2), s, the numerator, the denominator and
     * the quotient each carried as a sum of two doubles (exact products and sums by fma and Fast2Sum), so nothing
     * cancels near 0 and the only error that counts is the last rounding. Within 1 ulp of
     * {@code StrictMath.tanh} everywhere (LruMathTest: dense grids, both signs, the edges; measured at most 1 ulp,
     * agreeing bit for bit on most arguments), -0.0 for -0.0, +-1 from |x| = 19.06 on, NaN for NaN. The same
     * operations on the lanes of the SIMD kernels ({@code VectorKernels.tanh}) give the same bits; no data-dependent
     * branch.
     */
    public static double tanh(double x) {
        double a = Math.min(Math.abs(x), TANH_MAX);
        double y = a + a;
        double shifted = y * LOG2E + SHIFTER;
        double k = shifted - SHIFTER;
        // r + rl = 2a - k ln 2 (k LN2_HI exact and so y - k LN2_HI; rl the rounding error of subtracting k LN2_LO).
        double r1 = Math.fma(-k, LN2_HI, y);
        double kLo = k * LN2_LO;
        double r = r1 - kLo;
        double rl = (r1 - r) - kLo;
        // s = e^(r + rl) - 1 = r + (r^2/2 + r^3 (1/3! + r/4! + ... + r^10/13!)) + (1 + r) rl, |r| <= 0.347, as
        // sh + sl: r^2 = r2 + r2l exactly, r2/2 exact, the two additions by Fast2Sum (|half| >= |tail|, |r| >= |w|)
        // with their errors.
        double r2 = r * r;
        double r2l = Math.fma(r, r, -r2);
        double half = 0.5 * r2;
        double p = taylorFrom3(r);
        double tail = Math.fma(r2 * r, p, 0.5 * r2l);
        double w = half + tail;
        double sh = r + w;
        double sl = ((r - sh) + w) + (((half - w) + tail) + Math.fma(r, rl, rl));
        long bits = Double.doubleToRawLongBits(shifted);
        double scale = Double.longBitsToDouble(((bits & LOW52) - EXP_BIAS_OFFSET) << 52);
        // tanh a = (e^(2a) - 1) / (e^(2a) + 1) = ((2^k - 1) + 2^k s) / ((2^k + 1) + 2^k s): numerator and denominator
        // as nh + nl, dh + dl (2^k +- 1 with its rounding error, nonzero from k = 53 on; Fast2Sum: 2^k |s| < 0.42 2^k
        // <= |2^k +- 1| unless 2^k - 1 = 0).
        double u = scale * sh;
        double sl2 = scale * sl;
        double cn = scale - 1.0;
        double nh = cn + u;
        double nl = ((cn - nh) + u) + (sl2 + ((scale - cn) - 1.0));
        double cd = scale + 1.0;
        double dh = cd + u;
        double dl = ((cd - dh) + u) + (sl2 + (1.0 - (cd - scale)));
        // The quotient as qh + ql, the division's remainder exact by fma.
        double qh = nh / dh;
        double ql = ((Math.fma(-qh, dh, nh) + nl) - qh * dl) / dh;
        return Math.copySign(qh + ql, x);
    }

    /** sin(x): StrictMath.sin outside [-TRIG_MAX, TRIG_MAX] (and for NaN), else the fast path. */
    public static double sin(double x) {
        if (!(Math.abs(x) <= TRIG_MAX)) {
            return StrictMath.sin(x);
        }
        double shifted = x * TWO_OVER_PI + SHIFTER;
        double k = shifted - SHIFTER;
        double r = reduce(x, k);
        long q = Double.doubleToRawLongBits(shifted) & 3;
        double v = (q & 1) == 0 ? sinPoly(r) : cosPoly(r);
        return (q & 2) == 0 ? v : -v;
    }

    /** cos(x): StrictMath.cos outside [-TRIG_MAX, TRIG_MAX] (and for NaN), else the fast path. */
    public static double cos(double x) {
        if (!(Math.abs(x) <= TRIG_MAX)) {
            return StrictMath.cos(x);
        }
        double shifted = x * TWO_OVER_PI + SHIFTER;
        double k = shifted - SHIFTER;
        double r = reduce(x, k);
        long q = (Double.doubleToRawLongBits(shifted) + 1) & 3; // cos x = sin(x + pi/2)
        double v = (q & 1) == 0 ? sinPoly(r) : cosPoly(r);
        return (q & 2) == 0 ? v : -v;
    }

    /**
     * x - k pi/2 for the integer k nearest x 2/pi, |x| <= TRIG_MAX. {@code k PIO2_1} and {@code k PIO2_2} are exact
     * (33-bit constants, |k| < 2^20) and so is {@code x - k PIO2_1} (both are multiples of ulp(x) or 2^-53 and the
     * difference is below 1); the rounding error of subtracting {@code k PIO2_2} is recovered exactly (two-sum), so
     * the only errors left are the last additions' and pi/2's truncation after about 119 bits.
     */
    static double reduce(double x, double k) {
        double r1 = Math.fma(-k, PIO2_1, x);
        double p2 = k * PIO2_2;
        double w = r1 - p2;
        double bb = w - r1;
        double err = (r1 - (w - bb)) - (p2 + bb);
        return w + Math.fma(-k, PIO2_3, err);
    }

    /** sin r on |r| <= pi/4: r + r^3 (-1/3! + r^2 (1/5! - ...)), up to r^19/19!. */
    static double sinPoly(double r) {
        double z = r * r;
        double p = Math.fma(z, -E19, E17);
        p = Math.fma(z, p, -E15);
        p = Math.fma(z, p, E13);
        p = Math.fma(z, p, -E11);
        p = Math.fma(z, p, E9);
        p = Math.fma(z, p, -E7);
        p = Math.fma(z, p, E5);
        p = Math.fma(z, p, -E3);
        return Math.fma(z * r, p, r);
    }

    /** cos r on |r| <= pi/4: 1 - r^2/2 + r^4 (1/4! - r^2 (1/6! - ...)), up to r^18/18!. */
    static double cosPoly(double r) {
        double z = r * r;
        double p = Math.fma(z, -E18, E16);
        p = Math.fma(z, p, -E14);
        p = Math.fma(z, p, E12);
        p = Math.fma(z, p, -E10);
        p = Math.fma(z, p, E8);
        p = Math.fma(z, p, -E6);
        p = Math.fma(z, p, E4);
        double hz = 0.5 * z;
        double w = 1.0 - hz;
        // 1 - hz loses the low bits of hz; add them back with the tail: ((1 - w) - hz) is exact.
        return w + (((1.0 - w) - hz) + z * z * p);
    }
}
