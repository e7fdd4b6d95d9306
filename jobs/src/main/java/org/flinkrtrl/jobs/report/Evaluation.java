package org.flinkrtrl.jobs.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flinkrtrl.record.Prediction;

/**
 * The evaluation of a bounded run, computed while its predictions are written: every prediction is handed to
 * {@link #add} once, goes to its key's accumulators (one per {@link Metric}) and is not kept. Memory grows with the
 * number of keys, not of predictions. {@link EventCounts} is always the first metric.
 */
public final class Evaluation {
    private final int dims;
    private final List<Metric> metrics;
    private final Map<String, KeyResult> keys = new HashMap<>();
    /** The keys in key order, kept until a new key arrives. */
    private List<KeyResult> sorted;
    private long predictions;

    /** One key's accumulators, in the order of {@link #metrics()}. */
    public static final class KeyResult {
        private final String key;
        private final KeyAccumulator[] accumulators;

        KeyResult(String key, KeyAccumulator[] accumulators) {
            this.key = key;
            this.accumulators = accumulators;
        }

        public String key() {
            return key;
        }

        public int accumulatorCount() {
            return accumulators.length;
        }

        public KeyAccumulator accumulator(int metric) {
            return accumulators[metric];
        }

        public EventCounts.Counts counts() {
            return (EventCounts.Counts) accumulators[0];
        }

        /** The accumulator of the first metric whose accumulators are of {@code type}. */
        public <A extends KeyAccumulator> A get(Class<A> type) {
            for (KeyAccumulator a : accumulators) {
                if (type.isInstance(a)) {
                    return type.cast(a);
                }
            }
            throw new IllegalArgumentException("no metric with accumulators of " + type.getSimpleName());
        }
    }

    /** @param metrics evaluated after {@link EventCounts}, in this order */
    public Evaluation(int dims, double anomalyThreshold, List<Metric> metrics) {
        this.dims = dims;
        List<Metric> all = new ArrayList<>();
        all.add(new EventCounts(anomalyThreshold));
        all.addAll(metrics);
        this.metrics = Collections.unmodifiableList(all);
    }

    /**
     * The job's evaluation: event counts, forecast errors against persistence, the seasonal baselines, interval
     * coverage, anomaly ROC AUC.
     */
    public static Evaluation standard(int dims, double anomalyThreshold) {
        return new Evaluation(dims, anomalyThreshold,
            List.of(new ForecastErrors(), new BaselineErrors(), new IntervalCoverageMetric(), new AnomalyAuc()));
    }

    /** The job's evaluation plus NAB's windowed score for the keys in {@code nabWindows} (none when null). */
    public static Evaluation standard(int dims, double anomalyThreshold, java.util.Map<String, long[][]> nabWindows) {
        if (nabWindows == null) {
            return standard(dims, anomalyThreshold);
        }
        return new Evaluation(dims, anomalyThreshold,
            List.of(new ForecastErrors(), new AnomalyAuc(), new NabScore(nabWindows)));
    }

    /** The next prediction; a key's predictions must come in the key's order. */
    public void add(Prediction p) {
        KeyResult k = keys.get(p.key);
        if (k == null) {
            KeyAccumulator[] a = new KeyAccumulator[metrics.size()];
            for (int m = 0; m < a.length; m++) {
                a[m] = metrics.get(m).newKey(dims);
            }
            k = new KeyResult(p.key, a);
            keys.put(p.key, k);
            sorted = null;
        }
        for (KeyAccumulator a : k.accumulators) {
            a.add(p);
        }
        predictions++;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    public int dims() {
        return dims;
    }

    public long predictions() {
        return predictions;
    }

    public int keyCount() {
        return keys.size();
    }

    /** A key's result, null for a key without predictions. */
    public KeyResult key(String key) {
        return keys.get(key);
    }

    /** Every key's result, ordered by {@link #compareKeys}. */
    public List<KeyResult> keys() {
        if (sorted == null) {
            sorted = Collections.unmodifiableList(sortedKeys());
        }
        return sorted;
    }

    private List<KeyResult> sortedKeys() {
        record Sortable(Long number, KeyResult result) {}
        List<Sortable> l = new ArrayList<>(keys.size());
        for (KeyResult k : keys.values()) {
            l.add(new Sortable(integer(k.key), k));
        }
        l.sort((a, b) -> compare(a.number, a.result.key, b.number, b.result.key));
        List<KeyResult> out = new ArrayList<>(l.size());
        for (Sortable s : l) {
            out.add(s.result);
        }
        return out;
    }

    /** All keys pooled: every metric's accumulators merged. */
    public KeyResult overall() {
        KeyAccumulator[] a = new KeyAccumulator[metrics.size()];
        for (int m = 0; m < a.length; m++) {
            a[m] = metrics.get(m).newKey(dims);
        }
        for (KeyResult k : keys.values()) {
            for (int m = 0; m < a.length; m++) {
                a[m].merge(k.accumulators[m]);
            }
        }
        return new KeyResult(null, a);
    }

    /** Integer keys numerically, then the rest by text. */
    public static int compareKeys(String a, String b) {
        return compare(integer(a), a, integer(b), b);
    }

    private static int compare(Long x, String a, Long y, String b) {
        if (x != null && y != null) {
            return Long.compare(x, y);
        }
        if (x != null || y != null) {
            return x != null ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static Long integer(String s) {
        int n = s.length();
        int start = n > 0 && s.charAt(0) == '-' ? 1 : 0;
        if (n == start || n > 20) {
            return null;
        }
        for (int i = start; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null; // beyond the range of a long
        }
    }
}
