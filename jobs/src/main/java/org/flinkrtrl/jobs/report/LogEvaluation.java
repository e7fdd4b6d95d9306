package org.flinkrtrl.jobs.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.flinkrtrl.jobs.eval.Ranking;
import org.flinkrtrl.record.LogPrediction;

/**
 * The evaluation of a bounded log-mode run, computed while its outputs are written: per source the prequential
 * bits per event of the source's model (the mixture) and, from the same outputs, of each of its components alone
 * (the network; the order-2 Witten-Bell context counts, which are the n-gram baseline; the order-0 counts, the
 * per-source frequency baseline), the mixture's top-1 accuracy (its most probable next type at the previous event
 * against the type that came, first sights counting as the unseen class), the types seen and a bounded series of
 * surprise and vocabulary size over time; over all sources the most surprising events with their text and, when
 * the input has labels, the ROC AUC of the anomaly score and of the surprise for positive against other labels.
 */
public final class LogEvaluation {
    /** Points kept per source for its chart (every other point is dropped when full, and the stride doubles). */
    static final int SERIES_POINTS = 2000;
    /** The most surprising events kept. */
    static final int TOP_EVENTS = 25;
    /** Column order of {@link Source#bits}. */
    public static final String[] MODELS = {"mixture", "network", "ngram2", "frequency"};

    private final Map<String, Source> sources = new HashMap<>();
    private final PriorityQueue<LogPrediction> top = new PriorityQueue<>(
        Comparator.comparingDouble((LogPrediction p) -> p.anomalyScore).thenComparingDouble(p -> p.surprise));
    /** Labelled scored events: {positive ? 1 : 0, anomaly score, surprise}. */
    private final List<double[]> labelled = new ArrayList<>();
    private long events;

    /** One source's tallies. */
    public static final class Source {
        public final String key;
        public long events;
        public long scored;
        public long hits;
        public long unseen;
        public final double[] bits = new double[MODELS.length];
        String previousTop;
        /** Charted points: event number, surprise (bits, NaN for the first), anomaly score, types seen so far. */
        final double[][] series = new double[4][SERIES_POINTS];
        int points;
        int stride = 1;

        Source(String key) {
            this.key = key;
        }

        void point(double surprise, double score) {
            if ((events - 1) % stride != 0) {
                return;
            }
            if (points == SERIES_POINTS) {
                for (int i = 0; i < SERIES_POINTS / 2; i++) {
                    for (double[] s : series) {
                        s[i] = s[2 * i];
                    }
                }
                points = SERIES_POINTS / 2;
                stride *= 2;
                if ((events - 1) % stride != 0) {
                    return;
                }
            }
            series[0][points] = events;
            series[1][points] = surprise;
            series[2][points] = score;
            series[3][points] = unseen;
            points++;
        }

        public double bitsPerEvent(int model) { return scored == 0 ? Double.NaN : bits[model] / scored; }
        public double top1() { return scored == 0 ? Double.NaN : (double) hits / scored; }
        public int points() { return points; }
        public double[] column(int c) { return java.util.Arrays.copyOf(series[c], points); }
    }

    /** The next output; a source's outputs must come in the source's order. */
    public void add(LogPrediction p) {
        events++;
        Source s = sources.computeIfAbsent(p.key, Source::new);
        s.events++;
        s.unseen += p.unseen ? 1 : 0;
        if (!Double.isNaN(p.surprise)) {
            s.scored++;
            double[] parts = {p.surprise, p.networkSurprise, p.contextSurprise, p.frequencySurprise};
            for (int m = 0; m < MODELS.length; m++) {
                s.bits[m] += parts[m];
            }
            String came = p.unseen ? "<unseen>" : p.template;
            s.hits += came.equals(s.previousTop) ? 1 : 0;
            top.add(p);
            if (top.size() > TOP_EVENTS) {
                top.poll();
            }
            if (p.label != null) {
                labelled.add(new double[] {Labels.isPositive(p.label) ? 1 : 0, p.anomalyScore, p.surprise});
            }
        }
        s.previousTop = p.topTypes.length > 0 ? p.topTypes[0] : null;
        s.point(p.surprise, p.anomalyScore);
    }

    public long events() { return events; }

    /** Sources ordered by events (most first), then key. */
    public List<Source> sources() {
        List<Source> l = new ArrayList<>(sources.values());
        l.sort(Comparator.comparingLong((Source s) -> -s.events).thenComparing(s -> s.key, Evaluation::compareKeys));
        return l;
    }

    /** Bits per event of {@code model} pooled over the sources with at least {@code minEvents} events. */
    public double pooledBits(int model, long minEvents) {
        double bits = 0;
        long n = 0;
        for (Source s : sources.values()) {
            if (s.events >= minEvents) {
                bits += s.bits[model];
                n += s.scored;
            }
        }
        return n == 0 ? Double.NaN : bits / n;
    }

    /** Top-1 accuracy pooled over the sources with at least {@code minEvents} events. */
    public double pooledTop1(long minEvents) {
        long hits = 0;
        long n = 0;
        for (Source s : sources.values()) {
            if (s.events >= minEvents) {
                hits += s.hits;
                n += s.scored;
            }
        }
        return n == 0 ? Double.NaN : (double) hits / n;
    }

    /** Scored events of the sources with at least {@code minEvents} events. */
    public long pooledScored(long minEvents) {
        return sources.values().stream().filter(s -> s.events >= minEvents).mapToLong(s -> s.scored).sum();
    }

    /** The most surprising events (by anomaly score, then surprise), highest first. */
    public List<LogPrediction> mostSurprising() {
        List<LogPrediction> l = new ArrayList<>(top);
        l.sort(top.comparator().reversed());
        return l;
    }

    public long labelledPositive() { return labelled.stream().filter(r -> r[0] == 1).count(); }
    public long labelledOther() { return labelled.size() - labelledPositive(); }

    /** ROC AUC of the anomaly score (column 1) or the surprise (column 2), positive against other labels; NaN without both. */
    public double auc(int column) {
        return Ranking.rocAuc(labelled, column);
    }
}
