package org.flinkrtrl.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;

/** A key's chart series: a fixed number of points however many events, extremes kept, any timestamp accepted. */
class ChartSeriesTest {
    private static ChartSeries fed(List<Prediction> ps, int points) {
        Evaluation e = Evaluation.standard(1, 3.0);
        ps.forEach(e::add);
        String key = ps.get(0).key;
        ChartSeries s = new ChartSeries(key, e.key(key).counts(), 1, points);
        ps.forEach(s::add);
        return s;
    }

    private static List<double[]> points(ChartSeries s, int series) {
        List<double[]> out = new ArrayList<>();
        s.points(series, (x, y) -> out.add(new double[] {x, y}));
        return out;
    }

    @Test
    void manyEventsGiveAtMostTheGivenPointsWithTheExtremesKept() {
        Random rnd = new Random(11);
        List<Prediction> ps = new ArrayList<>();
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 100_000; i++) {
            double v = rnd.nextGaussian();
            max = Math.max(max, v);
            min = Math.min(min, v);
            ps.add(EvaluationTest.p("k", 1_700_000_000_000L + 1000L * i, v, v + 0.1, Math.abs(v),
                i >= 500 && i < 520 ? "1" : "0"));
        }
        ChartSeries s = fed(ps, 1000);
        assertEquals(500, s.buckets());
        assertTrue(s.timeAxis());
        List<double[]> actual = points(s, 0);
        assertTrue(actual.size() <= 1000 && actual.size() > 900, actual.size() + " points");
        double cmax = actual.stream().mapToDouble(p -> p[1]).max().orElseThrow();
        double cmin = actual.stream().mapToDouble(p -> p[1]).min().orElseThrow();
        assertEquals(max, cmax, 0.0);
        assertEquals(min, cmin, 0.0);
        for (int i = 1; i < actual.size(); i++) {
            assertTrue(actual.get(i)[0] > actual.get(i - 1)[0], "x ascending");
        }
        List<long[]> spans = s.labelledSpans();
        assertEquals(1, spans.size());
        assertArrayEquals(new long[] {1_700_000_000_000L + 500_000L, 1_700_000_000_000L + 519_000L}, spans.get(0));
    }

    @Test
    void fewEventsAreAllKept() {
        List<Prediction> ps = List.of(EvaluationTest.p("k", 5, 1, Double.NaN, 0, null),
            EvaluationTest.p("k", 6, 2, 1.5, 0.5, null), EvaluationTest.p("k", 7, 4, 2.5, 2, null));
        ChartSeries s = fed(ps, 1000);
        assertEquals(3, s.buckets());
        List<double[]> actual = points(s, 0);
        assertEquals(3, actual.size());
        assertArrayEquals(new double[] {7, 4}, actual.get(2));
        assertEquals(2, points(s, 1).size(), "the first event has no forecast");
    }

    @Test
    void extremeTimestampsFallBackToTheEventNumber() {
        List<Prediction> ps = List.of(EvaluationTest.p("k", Long.MIN_VALUE, 1, Double.NaN, 0, null),
            EvaluationTest.p("k", Long.MAX_VALUE, 2, 1, Double.POSITIVE_INFINITY, "1"),
            EvaluationTest.p("k", 0, 3, 2, 1, null));
        ChartSeries s = fed(ps, 1000);
        assertFalse(s.timeAxis());
        List<double[]> actual = points(s, 0);
        assertArrayEquals(new double[] {1, 1}, actual.get(0));
        assertArrayEquals(new double[] {3, 3}, actual.get(2));
        assertEquals(List.of(2L, 2L), List.of(s.labelledSpans().get(0)[0], s.labelledSpans().get(0)[1]));
        assertFalse(fed(List.of(EvaluationTest.p("one", 1000, 1, Double.NaN, 0, null)), 1000).timeAxis(),
            "one event time is no range");
    }
}
