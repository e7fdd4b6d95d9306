package org.flinkrtrl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.flinkrtrl.record.Prediction;

/**
 * Log traffic for the rate view's tests: sources h0..h3 emit about 8 events per second (1 in 8 an ERROR line) from
 * {@link #T0}; h3 stops after {@link #SILENT_FROM} seconds, the others go on to {@link #BUCKETS} seconds. Seeded per
 * (source, second), so any slice of the seconds is the same traffic.
 */
final class RateTraffic {
    static final long T0 = 1_700_000_000_000L;
    static final int SOURCES = 4;
    static final int BUCKETS = 420;
    static final int SILENT_FROM = 400;
    static final String SILENT = "h3";

    private RateTraffic() {}

    /** {key, JSON line} of seconds [from, to), in time order. */
    static List<String[]> events(int from, int to) {
        List<String[]> out = new ArrayList<>();
        for (int s = from; s < to; s++) {
            for (int k = 0; k < SOURCES; k++) {
                if (k == 3 && s >= SILENT_FROM) {
                    continue;
                }
                Random r = new Random(1000L * s + k);
                int n = 6 + r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    long ts = T0 + 1000L * s + (1000L * i) / n;
                    String msg = r.nextInt(8) == 0 ? "ERROR request " + r.nextInt(100) + " failed"
                        : "INFO request " + r.nextInt(100) + " served in " + r.nextInt(50) + " ms";
                    out.add(new String[] {"h" + k, "{\"host\":\"h" + k + "\",\"ts\":" + ts + ",\"msg\":\"" + msg + "\"}"});
                }
            }
        }
        return out;
    }

    static List<String> lines(List<String[]> events) {
        List<String> out = new ArrayList<>();
        for (String[] e : events) {
            out.add(e[1]);
        }
        return out;
    }

    /** [events, ERROR events] of one source and second, as {@link #events} makes them. */
    static double[] counts(int k, int s) {
        if (k == 3 && s >= SILENT_FROM || s >= BUCKETS) {
            return new double[] {0, 0};
        }
        Random r = new Random(1000L * s + k);
        int n = 6 + r.nextInt(5);
        int errors = 0;
        for (int i = 0; i < n; i++) {
            if (r.nextInt(8) == 0) {
                errors++;
                r.nextInt(100);
            } else {
                r.nextInt(100);
                r.nextInt(50);
            }
        }
        return new double[] {n, errors};
    }

    /**
     * Every source's buckets are the seconds from 0 on, consecutive, with the exact counts, up to at least
     * {@code through} (exclusive) for the sources that keep emitting; the silent source gets zero buckets from
     * {@link #SILENT_FROM} on, and the first of them is an anomaly at the job's default threshold (score above 0.5,
     * a tail probability below 1e-5; the count drops from 6-10 to 0) while none of its last 100 buckets before the
     * silence is.
     */
    static void check(Map<String, List<Prediction>> byKey, int through) {
        assertEquals(SOURCES, byKey.size(), byKey.keySet().toString());
        for (int k = 0; k < SOURCES; k++) {
            List<Prediction> b = byKey.get("h" + k);
            for (int s = 0; s < b.size(); s++) {
                Prediction p = b.get(s);
                assertEquals(T0 + 1000L * s + 999, p.timestamp, "h" + k + " bucket " + s);
                double[] want = counts(k, s);
                assertEquals(want[0], p.actual[0], "h" + k + " bucket " + s + " events");
                assertEquals(want[1], p.actual[1], "h" + k + " bucket " + s + " errors");
            }
            assertTrue(b.size() >= (k == 3 ? SILENT_FROM + 5 : through), "h" + k + ": " + b.size() + " buckets");
        }
        List<Prediction> quiet = byKey.get(SILENT);
        double before = 0;
        for (int s = SILENT_FROM - 100; s < SILENT_FROM; s++) {
            before = Math.max(before, quiet.get(s).anomalyScore);
            assertTrue(!quiet.get(s).anomalous, quiet.get(s).toString());
        }
        StringBuilder after = new StringBuilder();
        for (int s = SILENT_FROM; s < quiet.size(); s++) {
            after.append(String.format(java.util.Locale.ROOT, " %.3f", quiet.get(s).anomalyScore));
        }
        assertTrue(before < 0.5, "before the silence: " + before);
        assertTrue(quiet.get(SILENT_FROM).anomalyScore > 0.5 && quiet.get(SILENT_FROM).anomalous, "the silence:" + after);
    }
}
