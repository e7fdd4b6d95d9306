package org.flinkrtrl.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Half the charts for the most anomalous keys, the rest for the largest, returned in key order. */
class ChartPickerTest {
    private static List<String> keys(List<Evaluation.KeyResult> l) {
        return l.stream().map(Evaluation.KeyResult::key).toList();
    }

    @Test
    void mostAnomalousThenLargest() {
        Evaluation e = Evaluation.standard(1, 3.0);
        // events per key: k1..k8 have 1..8 events; flagged (score > 3): k2 twice, k3 once at 9, k5 once at 4
        for (int k = 1; k <= 8; k++) {
            for (int i = 0; i < k; i++) {
                double score = (k == 2) ? 5 : (k == 3 && i == 0) ? 9 : (k == 5 && i == 0) ? 4 : 1;
                e.add(EvaluationTest.p("k" + k, i, i, Double.NaN, score, null));
            }
        }
        // 4 charts: 2 anomalous (k2: 2 flagged; then k3 and k5 with 1 each, k3's score higher), 2 largest (k8, k7)
        assertEquals(List.of("k2", "k3", "k7", "k8"), keys(ChartPicker.pick(e, 4)));
        // 3 charts: 2 anomalous, 1 largest
        assertEquals(List.of("k2", "k3", "k8"), keys(ChartPicker.pick(e, 3)));
        // 5 charts: 3 anomalous, 2 largest
        assertEquals(List.of("k2", "k3", "k5", "k7", "k8"), keys(ChartPicker.pick(e, 5)));
        // k8 becomes the most anomalous: picked once, the next largest (k7, k6) fill up
        for (int i = 0; i < 3; i++) {
            e.add(EvaluationTest.p("k8", 100 + i, 0, Double.NaN, 10, null));
        }
        assertEquals(List.of("k2", "k6", "k7", "k8"), keys(ChartPicker.pick(e, 4)));
        assertEquals(List.of(), keys(ChartPicker.pick(e, 0)));
        assertEquals(8, ChartPicker.pick(e, 8).size());
        assertEquals(8, ChartPicker.pick(e, 100).size());
    }
}
