package org.flinkrtrl.flink;

import org.flinkrtrl.record.Prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Bit-for-bit comparison of predictions (every double by its raw bits, NaN payloads included). */
public final class PredictionAssert {
    private PredictionAssert() {}

    public static void assertSameBits(List<Prediction> expected, List<Prediction> actual) {
        assertEquals(expected.size(), actual.size(), "number of predictions");
        for (int i = 0; i < expected.size(); i++) {
            assertSameBits(expected.get(i), actual.get(i), "prediction " + i);
        }
    }

    public static void assertSameBits(Prediction e, Prediction a, String where) {
        String at = where + " (key " + e.key + ", steps " + e.steps + ")";
        assertEquals(e.key, a.key, at + ": key");
        assertEquals(e.timestamp, a.timestamp, at + ": timestamp");
        assertEquals(e.steps, a.steps, at + ": steps");
        assertEquals(e.diverged, a.diverged, at + ": diverged");
        assertEquals(e.label, a.label, at + ": label");
        bits(e.loss, a.loss, at + ": loss");
        bits(e.anomalyScore, a.anomalyScore, at + ": anomalyScore");
        assertEquals(e.anomalous, a.anomalous, at + ": anomalous");
        bits(e.rollingError, a.rollingError, at + ": rollingError");
        assertEquals(e.drift, a.drift, at + ": drift");
        bits(e.actual, a.actual, at + ": actual");
        bits(e.forecast, a.forecast, at + ": forecast");
        bits(e.previousForecast, a.previousForecast, at + ": previousForecast");
    }

    private static void bits(double e, double a, String what) {
        if (Double.doubleToRawLongBits(e) != Double.doubleToRawLongBits(a)) {
            fail(what + " differs: expected " + e + " but was " + a);
        }
    }

    private static void bits(double[] e, double[] a, String what) {
        assertEquals(e.length, a.length, what + " length");
        for (int i = 0; i < e.length; i++) {
            bits(e[i], a[i], what + "[" + i + "]");
        }
    }

    /** Sorted by key, then steps: a canonical order for outputs of parallel runs. */
    public static List<Prediction> sorted(List<Prediction> ps) {
        List<Prediction> copy = new ArrayList<>(ps);
        copy.sort(Comparator.comparing((Prediction p) -> p.key).thenComparingLong(p -> p.steps));
        return copy;
    }
}
