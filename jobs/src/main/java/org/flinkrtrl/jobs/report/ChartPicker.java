package org.flinkrtrl.jobs.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which keys get a chart: at most a given number, half of them the most anomalous (most events scored above the
 * threshold, then the highest score), the rest the largest (most events); all keys when they are few enough.
 * The chosen keys come back in key order.
 */
public final class ChartPicker {
    private ChartPicker() {}

    public static List<Evaluation.KeyResult> pick(Evaluation eval, int limit) {
        List<Evaluation.KeyResult> all = eval.keys();
        if (all.size() <= limit) {
            return all;
        }
        Set<Evaluation.KeyResult> chosen = new LinkedHashSet<>();
        int anomalous = (limit + 1) / 2;
        List<Evaluation.KeyResult> byAnomaly = new ArrayList<>(all);
        byAnomaly.sort(Comparator.comparingLong((Evaluation.KeyResult k) -> k.counts().flagged()).reversed()
            .thenComparing(k -> k.counts().maxScore(), Comparator.nullsLast(ChartPicker::descendingNaNLast)));
        for (int i = 0; i < byAnomaly.size() && chosen.size() < anomalous; i++) {
            chosen.add(byAnomaly.get(i));
        }
        List<Evaluation.KeyResult> bySize = new ArrayList<>(all);
        bySize.sort(Comparator.comparingLong((Evaluation.KeyResult k) -> k.counts().events()).reversed());
        for (int i = 0; i < bySize.size() && chosen.size() < limit; i++) {
            chosen.add(bySize.get(i));
        }
        List<Evaluation.KeyResult> out = new ArrayList<>(chosen.size());
        for (Evaluation.KeyResult k : all) {
            if (chosen.contains(k)) {
                out.add(k);
            }
        }
        return out;
    }

    private static int descendingNaNLast(Double a, Double b) {
        if (a.isNaN() || b.isNaN()) {
            return Boolean.compare(a.isNaN(), b.isNaN());
        }
        return Double.compare(b, a);
    }
}
