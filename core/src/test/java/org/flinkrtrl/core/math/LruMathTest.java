package org.flinkrtrl.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * LruMath's exp, sin and cos against {@code StrictMath} (fdlibm, within 1 ulp of the exact value): within 1 ulp of
 * it on dense grids over the fast ranges, so within 2 ulp of the exact value; StrictMath's value outside them.
 */
class LruMathTest {
    /** |a - ref| in units of ulp(ref); 0 when equal. */
    private static double ulps(double a, double ref) {
        return a == ref ? 0.0 : Math.abs(a - ref) / Math.ulp(ref);
    }

    private static void assertWithinOneUlp(double got, double ref, String what) {
        assertTrue(ulps(got, ref) <= 1.0, what + ": " + got + " vs StrictMath " + ref);
    }

    @Test
    void expIsWithinOneUlpOfStrictMathOnItsFastRange() {
        // Dense over the LRU's working range, coarser over the whole fast range, plus the edges.
        for (double x = -40.0; x <= 10.0; x += 0.0000371) {
            assertWithinOneUlp(LruMath.exp(x), StrictMath.exp(x), "exp(" + x + ")");
        }
        for (double x = LruMath.EXP_MIN; x <= LruMath.EXP_MAX; x += 0.00731) {
            assertWithinOneUlp(LruMath.exp(x), StrictMath.exp(x), "exp(" + x + ")");
        }
        for (double x : new double[] {LruMath.EXP_MIN, LruMath.EXP_MAX, 0.0, -0.0, 0x1p-1074, -0x1p-1074, 1e-300,
            0.5 * Math.log(2), -0.5 * Math.log(2), Math.log(2), -0x1p-40}) {
            assertWithinOneUlp(LruMath.exp(x), StrictMath.exp(x), "exp(" + x + ")");
        }
        assertEquals(1.0, LruMath.exp(0.0));
        assertEquals(1.0, LruMath.exp(-0.0));
    }

    @Test
    void sinAndCosAreWithinOneUlpOfStrictMathOnTheirFastRange() {
        for (double x = -8.0; x <= 8.0; x += 0.0000173) {
            assertWithinOneUlp(LruMath.sin(x), StrictMath.sin(x), "sin(" + x + ")");
            assertWithinOneUlp(LruMath.cos(x), StrictMath.cos(x), "cos(" + x + ")");
        }
        for (double x = -LruMath.TRIG_MAX; x <= LruMath.TRIG_MAX; x += 0.731) {
            assertWithinOneUlp(LruMath.sin(x), StrictMath.sin(x), "sin(" + x + ")");
            assertWithinOneUlp(LruMath.cos(x), StrictMath.cos(x), "cos(" + x + ")");
        }
        // The doubles nearest k pi/2 and their neighbours, where the reduction cancels most.
        for (long k = 1; k * (Math.PI / 2) <= LruMath.TRIG_MAX; k += k < 5000 ? 1 : 37) {
            double x = k * (Math.PI / 2);
            for (double y : new double[] {Math.nextDown(x), x, Math.nextUp(x), -x}) {
                if (Math.abs(y) <= LruMath.TRIG_MAX) {
                    assertWithinOneUlp(LruMath.sin(y), StrictMath.sin(y), "sin(" + y + ")");
                    assertWithinOneUlp(LruMath.cos(y), StrictMath.cos(y), "cos(" + y + ")");
                }
            }
        }
        for (double x : new double[] {0.0, -0.0, 0x1p-1074, 1e-200, 1e-8, Math.PI / 4, Math.PI, 2 * Math.PI,
            LruMath.TRIG_MAX, -LruMath.TRIG_MAX}) {
            assertWithinOneUlp(LruMath.sin(x), StrictMath.sin(x), "sin(" + x + ")");
            assertWithinOneUlp(LruMath.cos(x), StrictMath.cos(x), "cos(" + x + ")");
        }
        assertEquals(0.0, LruMath.sin(-0.0)); // the sign of a zero result is not kept (+0.0)
        assertEquals(1.0, LruMath.cos(0.0));
    }

    @Test
    void outsideTheFastRangesTheValuesAreStrictMaths() {
        for (double x : new double[] {-745.2, -708.0001, 709.0001, 709.78, 710, 1e10, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.NaN}) {
            assertEquals(Double.doubleToRawLongBits(StrictMath.exp(x)), Double.doubleToRawLongBits(LruMath.exp(x)),
                "exp(" + x + ")");
        }
        for (double x : new double[] {Math.nextUp(LruMath.TRIG_MAX), -2e6, 1e300, Double.POSITIVE_INFINITY,
            Double.NaN}) {
            assertEquals(Double.doubleToRawLongBits(StrictMath.sin(x)), Double.doubleToRawLongBits(LruMath.sin(x)),
                "sin(" + x + ")");
            assertEquals(Double.doubleToRawLongBits(StrictMath.cos(x)), Double.doubleToRawLongBits(LruMath.cos(x)),
                "cos(" + x + ")");
        }
    }
}
