package org.flinkrtrl.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link DoubleText} writes exactly the text of Jackson's fast double writer (the output formats' number text) and
 * that text reads back to the same double, on edge values and on millions of random ones.
 */
class DoubleTextTest {
    private final byte[] buf = new byte[DoubleText.MAX_CHARS + 8];

    private void check(double v) {
        // an offset inside the buffer: the writer must not touch what lies before it
        buf[2] = '#';
        int end = DoubleText.write(v, buf, 3);
        String text = new String(buf, 3, end - 3, StandardCharsets.US_ASCII);
        String expected = NumberOutput.toString(v, true);
        if (!expected.equals(text)) {
            assertEquals(expected, text, "text of " + Double.doubleToRawLongBits(v) + "L");
        }
        if (Double.doubleToRawLongBits(Double.parseDouble(text)) != Double.doubleToRawLongBits(v)) {
            assertEquals(v, Double.parseDouble(text), "round trip of " + text);
        }
        assertEquals((byte) '#', buf[2]);
    }

    @Test
    void eightDigitsAtOnceForEveryValue() {
        // all 10^8 inputs of the lane arithmetic (the quotients by 100 and by 10 by multiply and shift), between
        // guard bytes
        byte[] b = new byte[12];
        for (int x = 0; x < 100_000_000; x++) {
            b[1] = '#';
            b[10] = '#';
            DoubleText.put8(x, b, 2);
            int y = x;
            for (int k = 9; k >= 2; k--) {
                if (b[k] != '0' + y % 10) {
                    assertEquals(String.format("%08d", x), new String(b, 2, 8, StandardCharsets.US_ASCII));
                }
                y /= 10;
            }
            if (b[1] != '#' || b[10] != '#') {
                assertEquals("##", (char) b[1] + "" + (char) b[10], "guard bytes around " + x);
            }
        }
    }

    @Test
    void edgeValues() {
        List<Double> vs = new ArrayList<>(List.of(0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
            -Double.MAX_VALUE, Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL), Math.nextUp(Double.MIN_NORMAL),
            1.0, -1.0, 0.1, 0.2, 0.3, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, Math.PI, Math.E, 100.0, 1e7, Math.nextDown(1e7),
            Math.nextUp(1e7), 9999999.0, 9999999.999999998, 1e-3, Math.nextDown(1e-3), Math.nextUp(1e-3), 0.00099,
            0.0012, 1e22, 1e23, 2e23, 5e-324, 1e-323, 4.9e-324, 9007199254740992.0, 9007199254740993.0,
            9007199254740991.0, 4503599627370496.5, 123456789012345678.0, 2.2250738585072014E-308,
            2.225073858507201E-308, 1.7976931348623157E308, 8.41E21, 2.0E-3, 5.0E-324, 1.0E-322, 1.0E-5, 12.5,
            21.25, -0.125, 1e-300, 1e300, 65536.0, 0.5, 0.25, 1e16, 1e17, 1e15, 123456.7, 1234567.0, 12345678.0));
        for (int e = -1074; e <= 1023; e++) { // every power of two and its neighbours
            double p = Math.scalb(1.0, e);
            vs.add(p);
            vs.add(Math.nextUp(p));
            vs.add(Math.nextDown(p));
            vs.add(3 * p);
        }
        for (int e = -325; e <= 308; e++) { // powers of ten and their neighbours
            double p = Double.parseDouble("1e" + e);
            vs.add(p);
            vs.add(Math.nextUp(p));
            vs.add(Math.nextDown(p));
        }
        for (long i = 0; i < 100_000; i++) { // small integers and halves, decimals with few digits
            vs.add((double) i);
            vs.add(i + 0.5);
            vs.add(i / 1000.0);
        }
        for (double v : vs) {
            if (!Double.isFinite(v)) {
                continue; // 3 2^1023
            }
            check(v);
            check(-v);
        }
    }

    @Test
    void randomBitPatterns() {
        SplittableRandom r = new SplittableRandom(20261206L);
        int checked = 0;
        while (checked < 2_000_000) {
            double v = Double.longBitsToDouble(r.nextLong());
            if (Double.isFinite(v)) {
                check(v);
                checked++;
            }
        }
    }

    @Test
    void randomValuesOfTheOutputsRange() {
        // what predictions hold: sensor readings, forecasts, scores, errors of a few orders of magnitude
        SplittableRandom r = new SplittableRandom(7L);
        for (int i = 0; i < 2_000_000; i++) {
            double scale = Math.pow(10, r.nextInt(-6, 8));
            check((r.nextDouble() * 2 - 1) * scale);
            check(Math.round(r.nextDouble() * 1e6) / 100.0); // two decimals, as in CSV input
        }
    }

    @Test
    void refusesNonFiniteValues() {
        assertThrows(IllegalArgumentException.class, () -> DoubleText.write(Double.NaN, buf, 0));
        assertThrows(IllegalArgumentException.class, () -> DoubleText.write(Double.POSITIVE_INFINITY, buf, 0));
    }
}
