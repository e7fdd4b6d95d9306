package org.flinkrtrl.core.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.junit.jupiter.api.Test;

/**
 * The drift test's operating figures with the default settings ({@link MonitorSettings#DEFAULTS}: delta 0.5,
 * threshold 50, cap 5, window 1000, warm-up 100), on squared Gaussian errors (chi-square(1), the squared error of a
 * calibrated forecast) and on squared Student-t(3) errors (heavy-tailed, as real forecast errors are).
 */
class PageHinkleyTest {
    private static final MonitorConfig CFG = MonitorSettings.DEFAULTS;

    /** Squared standard normal. */
    private static double chi2(SplittableRandom r) {
        double z = gaussian(r);
        return z * z;
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Squared Student-t with 3 degrees of freedom. */
    private static double t3squared(SplittableRandom r) {
        double z = gaussian(r);
        double c = chi2(r) + chi2(r) + chi2(r);
        double t = z / Math.sqrt(c / 3);
        return t * t;
    }

    @Test
    void atMostThreeFalseAlarmsInAMillionStationaryGaussianErrors() {
        PageHinkley ph = CFG.newDetector();
        SplittableRandom r = new SplittableRandom(1);
        int alarms = 0;
        for (int i = 0; i < 1_000_000; i++) {
            alarms += ph.update(chi2(r)) ? 1 : 0;
        }
        System.out.println("Page-Hinkley false alarms on 1e6 chi-square(1) errors: " + alarms);
        assertTrue(alarms <= 3, "false alarms " + alarms + " per 1e6 events"); // 1 with this seed
    }

    @Test
    void atMostThreeFalseAlarmsInAMillionHeavyTailedStationaryErrors() {
        // squared t(3) has infinite variance: the cap is what keeps single outliers from adding up
        PageHinkley ph = CFG.newDetector();
        SplittableRandom r = new SplittableRandom(2);
        int alarms = 0;
        int n = 1_000_000;
        for (int i = 0; i < n; i++) {
            alarms += ph.update(t3squared(r)) ? 1 : 0;
        }
        System.out.println("Page-Hinkley false alarms on 1e6 squared t(3) errors: " + alarms);
        assertTrue(alarms <= 3, "false alarms " + alarms + " per 1e6 events"); // 0 with this seed
    }

    /** Detection delays after a rise of the errors' mean by {@code factor} at event 5000, over 200 seeds. */
    private static int[] delays(double factor) {
        int[] d = new int[200];
        for (int s = 0; s < d.length; s++) {
            PageHinkley ph = CFG.newDetector();
            SplittableRandom r = new SplittableRandom(100 + s);
            for (int i = 0; i < 5000; i++) {
                assertFalse(ph.update(chi2(r)), "alarm before the change, seed " + s + " event " + i);
            }
            int delay = 0;
            while (!ph.update(factor * chi2(r))) {
                delay++;
                if (delay > 100_000) {
                    break;
                }
            }
            d[s] = delay + 1;
        }
        Arrays.sort(d);
        return d;
    }

    @Test
    void aTenfoldRiseIsFlaggedWithin30EventsIn95PercentOfRuns() {
        int[] d = delays(10);
        System.out.println("tenfold rise: delay median " + d[100] + ", 95th percentile " + d[190] + ", max " + d[199]);
        assertTrue(d[100] <= 20, "median delay " + d[100]); // 15
        assertTrue(d[190] <= 30, "95th percentile delay " + d[190]);
        assertTrue(d[199] <= 60, "largest delay " + d[199]); // 33
    }

    @Test
    void aThreefoldRiseIsFlaggedWithin150EventsIn95PercentOfRuns() {
        int[] d = delays(3);
        System.out.println("threefold rise: delay median " + d[100] + ", 95th percentile " + d[190] + ", max " + d[199]);
        assertTrue(d[100] <= 50, "median delay " + d[100]); // 39
        assertTrue(d[190] <= 150, "95th percentile delay " + d[190]);
    }

    @Test
    void restartsAfterADetectionAndRoundTripsBitForBit() throws Exception {
        PageHinkley ph = CFG.newDetector();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            ph.update(chi2(r));
        }
        boolean fired = false;
        for (int i = 0; i < 100 && !fired; i++) {
            fired = ph.update(50.0);
        }
        assertTrue(fired);
        assertEquals(0, ph.count());
        assertEquals(0.0, ph.statistic());
        for (int i = 0; i < 300; i++) {
            ph.update(chi2(r));
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ph.write(new DataOutputStream(b));
        PageHinkley copy = PageHinkley.readFrom(new DataInputStream(new ByteArrayInputStream(b.toByteArray())));
        ByteArrayOutputStream b2 = new ByteArrayOutputStream();
        copy.write(new DataOutputStream(b2));
        assertTrue(Arrays.equals(b.toByteArray(), b2.toByteArray()));
        for (int i = 0; i < 1000; i++) {
            double x = i % 97 == 0 ? 40.0 : chi2(r);
            assertEquals(ph.update(x), copy.update(x));
            assertEquals(Double.doubleToLongBits(ph.statistic()), Double.doubleToLongBits(copy.statistic()));
        }
    }

    @Test
    void ignoresNonFiniteAndNegativeErrors() {
        PageHinkley ph = CFG.newDetector();
        assertFalse(ph.update(Double.NaN));
        assertFalse(ph.update(-1));
        assertFalse(ph.update(Double.POSITIVE_INFINITY));
        assertEquals(0, ph.count());
    }
}
