package org.flinkrtrl.connectors;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;

/**
 * The shortest decimal text of a double that reads back to the same double, written as ASCII into a caller's byte
 * buffer (the output formats' bytes, no char copy):
 * the text of {@code Double.toString} as specified since Java 19 (and of Jackson's fast double writer, which the
 * output formats used before), without a String per number.
 *
 * <p>Digits: Giulietti's Schubfach method ("The Schubfach way to render doubles", 2020): of the decimals inside the
 * double's rounding interval, the one with the fewest digits, and of those the closest to the double (the even one on
 * a tie); the scaled products are 126-bit, computed with {@link Math#multiplyHigh} and a table of powers of ten built
 * once with {@link BigInteger}. Layout: for 10^-3 <= |v| < 10^7 plain ({@code 100.0}, {@code 0.001}, at least one
 * digit after the point), otherwise {@code d.dddEn} ({@code 1.0E7}, {@code 1.234E-5}); {@code 0.0}, {@code -0.0}.
 * Finite values only.
 */
public final class DoubleText {
    /** Characters (bytes) of the longest text, e.g. {@code -2.2250738585072014E-308}. */
    public static final int MAX_CHARS = 24;

    private static final int P = 53;
    private static final int Q_MIN = -1074;
    private static final long C_MIN = 1L << (P - 1);
    /** Subnormal significands below this are scaled by 10 so the shortest-digit search has room. */
    private static final long C_TINY = 3;
    private static final int K_MIN = -324;
    private static final int K_MAX = 292;
    private static final long MASK_63 = (1L << 63) - 1;
    /** floor(10^-k 2^(125 - floor(log2 10^-k))) + 1 for k in [K_MIN, K_MAX], split in its high and low 63 bits. */
    private static final long[] G1 = new long[K_MAX - K_MIN + 1];
    private static final long[] G0 = new long[K_MAX - K_MIN + 1];
    private static final long[] POW10 = new long[18];
    /** Eight bytes of a byte[] as one long, the most significant byte first. */
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** "00", "01", ... "99". */
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        BigInteger mask = BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE);
        for (int k = K_MIN; k <= K_MAX; k++) {
            int e = flog2pow10(-k);
            // 10^-k 2^(125 - e) as an exact fraction, floored, plus one
            BigInteger num = BigInteger.ONE;
            BigInteger den = BigInteger.ONE;
            if (k <= 0) {
                num = num.multiply(BigInteger.TEN.pow(-k));
            } else {
                den = den.multiply(BigInteger.TEN.pow(k));
            }
            int shift = 125 - e;
            if (shift >= 0) {
                num = num.shiftLeft(shift);
            } else {
                den = den.shiftLeft(-shift);
            }
            BigInteger g = num.divide(den).add(BigInteger.ONE);
            if (g.bitLength() != 126) {
                throw new IllegalStateException("power-of-ten table out of range at k=" + k);
            }
            G1[k - K_MIN] = g.shiftRight(63).longValueExact();
            G0[k - K_MIN] = g.and(mask).longValueExact();
        }
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
        long p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private DoubleText() {}

    /** floor(e log10 2), exact for |e| <= 5,456,721. */
    static int flog10pow2(int e) {
        return (int) (e * 661_971_961_083L >> 41);
    }

    /** floor(e log10 (3/4 2)), i.e. floor(log10(3/4 2^e)), exact for the exponents of doubles. */
    static int flog10threeQuartersPow2(int e) {
        return (int) (e * 661_971_961_083L - 274_743_187_321L >> 41);
    }

    /** floor(e log2 10), exact for |e| <= 1,838,394. */
    static int flog2pow10(int e) {
        return (int) (e * 913_124_641_741L >> 38);
    }

    /**
     * Writes the text of finite {@code v} at {@code buf[off..]} (at most {@link #MAX_CHARS} chars); returns the end
     * offset.
     */
    public static int write(double v, byte[] buf, int off) {
        long bits = Double.doubleToRawLongBits(v);
        if (bits < 0) {
            buf[off++] = '-';
        }
        long t = bits & ((1L << (P - 1)) - 1);
        int bq = (int) (bits >>> (P - 1)) & 0x7ff;
        if (bq == 0x7ff) {
            throw new IllegalArgumentException("not a finite double: " + v);
        }
        if (bq == 0 && t == 0) {
            buf[off] = '0';
            buf[off + 1] = '.';
            buf[off + 2] = '0';
            return off + 3;
        }
        if (bq != 0) {
            int mq = 1075 - bq; // v = c 2^-mq
            long c = C_MIN | t;
            if (0 < mq && mq < P) {
                long f = c >> mq;
                if (f << mq == c) { // an integer below 2^53: its digits are exact
                    return layout(f, 0, buf, off);
                }
            }
            return digits(-mq, c, 0, buf, off);
        }
        return t < C_TINY ? digits(Q_MIN, 10 * t, -1, buf, off) : digits(Q_MIN, t, 0, buf, off);
    }

    /** The shortest decimal of c 2^q (scaled by 10^-dk when dk is -1), then its layout. */
    private static int digits(int q, long c, int dk, byte[] buf, int off) {
        long out = c & 1; // round half to even: the interval's bounds belong to it when c is even
        long cb = c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        if (c != C_MIN || q == Q_MIN) {
            cbl = cb - 2;
            k = flog10pow2(q);
        } else { // at a power of two the lower neighbour is half as far
            cbl = cb - 1;
            k = flog10threeQuartersPow2(q);
        }
        int h = q + flog2pow10(-k) + 2;
        long g1 = G1[k - K_MIN];
        long g0 = G0[k - K_MIN];
        long vb = rop(g1, g0, cb << h);
        long vbl = rop(g1, g0, cbl << h);
        long vbr = rop(g1, g0, cbr << h);
        long s = vb >> 2;
        if (s >= 100) {
            // one digit fewer: the multiples of ten around s
            long sp10 = 10 * Math.multiplyHigh(s, 115_292_150_460_684_698L << 4);
            long tp10 = sp10 + 10;
            boolean upin = vbl + out <= sp10 << 2;
            boolean wpin = (tp10 << 2) + out <= vbr;
            if (upin != wpin) {
                return layout(upin ? sp10 : tp10, k, buf, off);
            }
        }
        long tt = s + 1;
        boolean uin = vbl + out <= s << 2;
        boolean win = (tt << 2) + out <= vbr;
        if (uin != win) {
            return layout(uin ? s : tt, k + dk, buf, off);
        }
        long cmp = vb - (s + tt << 1); // against the midpoint of s and s + 1
        return layout(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : tt, k + dk, buf, off);
    }

    /** g cp / 2^127 rounded to odd (g = g1 2^63 + g0). */
    private static long rop(long g1, long g0, long cp) {
        long x1 = Math.multiplyHigh(g0, cp);
        long y0 = g1 * cp;
        long y1 = Math.multiplyHigh(g1, cp);
        long z = (y0 >>> 1) + x1;
        long vbp = y1 + (z >>> 63);
        return vbp | (z & MASK_63) + MASK_63 >>> 63;
    }

    /** Lays out f 10^e (f > 0) in Double.toString's format. */
    private static int layout(long f, int e, byte[] buf, int off) {
        while (f % 10 == 0) {
            f /= 10;
            e++;
        }
        // digits of f (< 10^17): floor(log10 2^bitLength) or one more
        int n = (64 - Long.numberOfLeadingZeros(f)) * 1233 >>> 12;
        if (f >= POW10[n]) {
            n++;
        }
        // v = 0.d1..dn 10^x
        int x = e + n;
        if (0 < x && x <= 7) {
            if (n <= x) { // an integer: its digits, zeros, ".0"
                off = putDigits(f, n, buf, off);
                for (int i = n; i < x; i++) {
                    buf[off++] = '0';
                }
                buf[off] = '.';
                buf[off + 1] = '0';
                return off + 2;
            }
            long hi = f / POW10[n - x];
            long lo = f - hi * POW10[n - x];
            off = putDigits(hi, x, buf, off);
            buf[off++] = '.';
            return putDigits(lo, n - x, buf, off);
        }
        if (-3 < x && x <= 0) {
            buf[off++] = '0';
            buf[off++] = '.';
            for (int i = x; i < 0; i++) {
                buf[off++] = '0';
            }
            return putDigits(f, n, buf, off);
        }
        long lead = f / POW10[n - 1];
        buf[off++] = (byte) ('0' + lead);
        buf[off++] = '.';
        if (n == 1) {
            buf[off++] = '0';
        } else {
            off = putDigits(f - lead * POW10[n - 1], n - 1, buf, off);
        }
        buf[off++] = 'E';
        int exp = x - 1;
        if (exp < 0) {
            buf[off++] = '-';
            exp = -exp;
        }
        if (exp >= 100) {
            buf[off++] = (byte) ('0' + exp / 100);
            exp %= 100;
            buf[off++] = (byte) ('0' + exp / 10);
        } else if (exp >= 10) {
            buf[off++] = (byte) ('0' + exp / 10);
        }
        buf[off++] = (byte) ('0' + exp % 10);
        return off;
    }

    /**
     * The {@code count} lowest decimal digits of {@code d}, leading zeros included ({@code count} at least d's
     * digits): eight at a time ({@link #put8}) while eight or more are left, then two at a time from a table.
     */
    private static int putDigits(long d, int count, byte[] buf, int off) {
        int i = off + count;
        while (i - off >= 8) {
            long q = d / 100_000_000L;
            put8((int) (d - q * 100_000_000L), buf, i - 8);
            d = q;
            i -= 8;
        }
        int v = (int) d;
        while (i - off >= 2) {
            int q2 = v / 100;
            int p = (v - q2 * 100) << 1;
            buf[--i] = DIGIT_PAIRS[p + 1];
            buf[--i] = DIGIT_PAIRS[p];
            v = q2;
        }
        if (i > off) {
            buf[--i] = (byte) ('0' + v);
        }
        return off + count;
    }

    /**
     * The eight decimal digits of {@code x} (0 <= x < 10^8, leading zeros included) at {@code buf[off..off+8)}, all
     * lanes of one long at once: x splits into two 4-digit lanes of 32 bits, each into two 2-digit lanes of 16 bits
     * (a multiply and shift per split: the quotients by 100 and by 10 are exact for these ranges, {@code
     * DoubleTextTest}), each into tens and units bytes, then one 8-byte store.
     */
    static void put8(int x, byte[] buf, int off) {
        int hi = x / 10_000;
        long m = (long) hi << 32 | (x - hi * 10_000);                   // [4 digits | 4 digits]
        long q = (m * 10_486 >>> 20) & 0x0000_007F_0000_007FL;          // / 100 per 32-bit lane (< 10^4)
        long m2 = q << 16 | (m - q * 100);                               // [2 | 2 | 2 | 2] in 16-bit lanes
        long t = (m2 * 103 >>> 10) & 0x000F_000F_000F_000FL;             // / 10 per 16-bit lane (< 100)
        LONG_BE.set(buf, off, (t << 8 | (m2 - t * 10)) + 0x3030_3030_3030_3030L);
    }
}
