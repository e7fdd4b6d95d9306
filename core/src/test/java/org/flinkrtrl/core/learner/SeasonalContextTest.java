package org.flinkrtrl.core.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.flinkrtrl.core.math.Rng;
import org.junit.jupiter.api.Test;

/** Seasonal lags are looked up by time: right across gaps and jitter, missing rather than misaligned. */
class SeasonalContextTest {
    static final long C = 1_800_000L; // 30 minutes: a day is 48 events, a week 336

    private static SeasonalContext context() {
        return new SeasonalContext(1, ForecasterOptions.DEFAULTS);
    }

    /** Value of lag i for the next event, or NaN when missing. */
    private static double lag(SeasonalContext s, int i) {
        int slot = s.lagSlot(i);
        return slot < 0 ? Double.NaN : s.value(slot, 0);
    }

    @Test
    void cadenceIsTheMedianOfTheFirstGapsAndSizesTheRing() {
        SeasonalContext s = context();
        long[] gaps = {C, C, 5 * C, C, C / 2, C, C, 3 * C, C};
        long t = 0;
        s.observe(t, new double[] {0});
        for (long g : gaps) {
            t += g;
            s.observe(t, new double[] {0});
        }
        assertEquals(C, s.cadence());
        assertEquals(5, s.lagCount());
        assertEquals(336 + 1 + 1, s.capacity() - 1);
        SeasonalContext fast = context();
        for (int i = 0; i < 10; i++) {
            fast.observe(i * 5000L, new double[] {0});
        }
        assertEquals(5000L, fast.cadence());
        assertEquals(0, fast.lagCount(), "a week of 5-second events (120,960) exceeds the ring bound");
        assertEquals(0, fast.capacity());
        SeasonalContext fiveMinutes = context();
        for (int i = 0; i < 10; i++) {
            fiveMinutes.observe(i * 300_000L, new double[] {0});
        }
        assertEquals(5, fiveMinutes.lagCount(), "a 5-minute week (2,016 events) fits");
        assertEquals(2017, fiveMinutes.lagSteps(4));
    }

    /** Values are the event index; with a regular stream every lag L of the next event (index n) is n - L. */
    @Test
    void lagsAlignOnARegularStreamAndAcrossAGap() {
        SeasonalContext s = context();
        int n = 0;
        for (int i = 0; i < 800; i++) {
            if (i >= 500 && i < 520) {
                continue; // a 10-hour gap: events 500..519 never arrive
            }
            s.observe(i * C, new double[] {i});
            n = i + 1;
            if (i > 400) {
                for (int k = 0; k < s.lagCount(); k++) {
                    int want = n - s.lagSteps(k);
                    double expected = want >= 500 && want < 520 ? Double.NaN : want;
                    assertEquals(expected, lag(s, k), "event " + i + ", lag " + s.lagSteps(k));
                }
            }
        }
    }

    /** Jittered times (+-cadence/4) still find the observation of the right slot; never a neighbour's. */
    @Test
    void lagsAlignUnderJitter() {
        SeasonalContext s = context();
        Rng rng = new Rng(9);
        for (int i = 0; i < 900; i++) {
            long jitter = i < 10 ? 0 : (long) ((rng.nextDouble() - 0.5) * C / 2);
            s.observe(i * C + jitter, new double[] {i});
            if (i > 400) {
                int next = i + 1;
                for (int k = 0; k < s.lagCount(); k++) {
                    double got = lag(s, k);
                    // the lag's target time is (last actual time + C) - L C: within C/4 of slot next - L's nominal
                    // time, whose own jitter is within C/4, so it is found unless the two jitters add past C/2
                    if (!Double.isNaN(got)) {
                        assertEquals(next - s.lagSteps(k), got, 0.0, "event " + i + ", lag " + s.lagSteps(k));
                    }
                }
            }
        }
    }

    /** An irregular stretch (events every 47 minutes) reports lags missing instead of taking a misaligned event. */
    @Test
    void irregularStretchMarksLagsMissing() {
        SeasonalContext s = context();
        for (int i = 0; i < 400; i++) {
            s.observe(i * C, new double[] {i});
        }
        // the next event's day lag is event 400 - 48 = 352 at 352 C
        assertEquals(352.0, lag(s, 0));
        SeasonalContext t = context();
        for (int i = 0; i < 20; i++) {
            t.observe(i * C, new double[] {i});
        }
        long time = 19 * C;
        for (int i = 20; i < 400; i++) {
            time += 47 * 60_000L;
            t.observe(time, new double[] {i});
        }
        for (int k = 0; k < t.lagCount(); k++) {
            int slot = t.lagSlot(k);
            if (slot >= 0) {
                long target = time + C - t.lagSteps(k) * C;
                // whatever is found lies within half a cadence of the lag's time
                double v = t.value(slot, 0);
                long at = 19 * C + (long) (v - 19) * 47 * 60_000L;
                assertEquals(target, at, C / 2.0, "lag " + t.lagSteps(k));
            }
        }
    }

    @Test
    void calendarFeaturesFollowTheTimeZone() {
        SeasonalContext utc = context();
        SeasonalContext ny = new SeasonalContext(1, ForecasterOptions.DEFAULTS.withTimeZone("America/New_York"));
        long t0 = 1_404_172_800_000L; // 2014-07-01T00:00Z, a Tuesday
        for (int i = 0; i < 10; i++) {
            utc.observe(t0 + i * C, new double[] {0});
            ny.observe(t0 + i * C, new double[] {0});
        }
        double[] a = new double[4];
        double[] b = new double[4];
        utc.calendar(true, a, 0);
        ny.calendar(true, b, 0);
        // next event at 05:00 UTC = 01:00 in New York (EDT, UTC-4)
        assertEquals(Math.sin(2 * Math.PI * 5 / 24), a[0], 1e-12);
        assertEquals(Math.cos(2 * Math.PI * 5 / 24), a[1], 1e-12);
        assertEquals(Math.sin(2 * Math.PI * 1 / 24), b[0], 1e-12);
        assertEquals(Math.cos(2 * Math.PI * 1 / 24), b[1], 1e-12);
        double[] none = {9, 9, 9, 9};
        utc.calendar(false, none, 0);
        assertEquals(0.0, none[0] + Math.abs(none[1]) + Math.abs(none[2]) + Math.abs(none[3]));
    }
}
