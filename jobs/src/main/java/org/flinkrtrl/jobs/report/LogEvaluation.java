package org.flinkrtrl.jobs.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.flinkrtrl.core.eval.FrequencyModel;
import org.flinkrtrl.core.eval.WittenBellNgram;
import org.flinkrtrl.core.learner.TypeVocabulary;
import org.flinkrtrl.core.logs.LogSourceModel;
import org.flinkrtrl.jobs.eval.Ranking;
import org.flinkrtrl.record.LogPrediction;

/**
 * The evaluation of a bounded log-mode run, computed in the client from the outputs as they are written: per source
 * the prequential bits per event of the source's model (the mixture) and of each of its components alone (the
 * network, the order-2 and the order-0 context counts: their surprise is in the outputs), and of the baselines run
 * here beside the outputs on the same targets: an online interpolated Witten-Bell n-gram over event types of orders
 * 2, 1 and 0 ({@link WittenBellNgram}) and the per-source add-one frequency model ({@link FrequencyModel}). Top-1
 * accuracy for the mixture (its most probable next type at the previous event against the type that came) and for
 * each baseline (its most probable class). Also the types seen and a bounded series of surprise and vocabulary size
 * over time; over all sources the most surprising events with their text and, when the input has labels, the ROC AUC
 * of the anomaly score and of the surprise for positive against other labels.
 *
 * <p>The targets are the model's: each source's types get classes 1, 2, ... in order of first sight until the
 * vocabulary's capacity (the job's {@code --vocabulary}) is taken, and a type's first sight (or a type past the
 * capacity) is the unseen class 0; the baselines' uniform base is over the classes in use before the event. These
 * classes are rebuilt here from the outputs' type ids, so they are the model's when the run starts from fresh
 * models (a file run); the baselines always start from nothing.
 */
public final class LogEvaluation {
    /** Points kept per source for its chart (every other point is dropped when full, and the stride doubles). */
    static final int SERIES_POINTS = 2000;
    /** The most surprising events kept. */
    static final int TOP_EVENTS = 25;
    /**
     * Column order of {@link Source#bits} and {@link Source#hits}: the mixture, its components (from the outputs),
     * then the baselines (run here).
     */
    public static final String[] MODELS = {"mixture", "network", "context2", "context0", "ngram2", "ngram1", "ngram0",
        "frequency"};
    /** The first baseline column; the Witten-Bell orders 2, 1, 0 are this and the next two, then the frequency model. */
    public static final int BASELINES = 4;
    private static final String UNSEEN_LABEL = "<unseen>";

    private final int capacity;

    private final Map<String, Source> sources = new HashMap<>();
    private final PriorityQueue<LogPrediction> top = new PriorityQueue<>(
        Comparator.comparingDouble((LogPrediction p) -> p.anomalyScore).thenComparingDouble(p -> p.surprise));
    /** Labelled scored events: {positive ? 1 : 0, anomaly score, surprise}. */
    private final List<double[]> labelled = new ArrayList<>();
    private long events;

    /** @param capacity the model's vocabulary capacity (types per source; further types share the unseen class) */
    public LogEvaluation(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("vocabulary capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** One source's tallies. */
    public static final class Source {
        public final String key;
        public long events;
        public long scored;
        /** Events scored as the unseen class: first sights and types past the vocabulary's capacity. */
        public long unseen;
        public final double[] bits = new double[MODELS.length];
        /** Top-1 hits; the components' stay 0 (their predictions are not in the outputs, see {@link #hasTop1}). */
        public final long[] hits = new long[MODELS.length];
        /** The mixture's most probable next type (its text) at the previous event. */
        String previousTop;
        /** The vocabulary rebuilt from the type ids: id -> class, and each class's template as last output. */
        final Map<String, Integer> classes = new HashMap<>();
        final Map<String, String> templates = new HashMap<>();
        final WittenBellNgram[] ngrams = {new WittenBellNgram(2), new WittenBellNgram(1), new WittenBellNgram(0)};
        final FrequencyModel frequency = new FrequencyModel();
        /** Each baseline's most probable next class (index as MODELS from BASELINES on). */
        final int[] baselineTop = new int[MODELS.length - BASELINES];
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
        /** Top-1 accuracy of {@code model}; NaN for a component (see {@link #hasTop1}) or before a scored event. */
        public double top1(int model) { return scored == 0 || !hasTop1(model) ? Double.NaN : (double) hits[model] / scored; }
        /** Types given a class so far (at most the vocabulary's capacity). */
        public int types() { return classes.size(); }
        public int points() { return points; }
        public double[] column(int c) { return java.util.Arrays.copyOf(series[c], points); }
    }

    /** The next output; a source's outputs must come in the source's order. */
    public void add(LogPrediction p) {
        events++;
        Source s = sources.computeIfAbsent(p.key, Source::new);
        s.events++;
        s.unseen += p.unseen ? 1 : 0;
        Integer known = s.classes.get(p.typeId);
        int target = known == null ? TypeVocabulary.UNSEEN : known;
        int inUse = s.classes.size() + 1;
        if (!Double.isNaN(p.surprise)) {
            s.scored++;
            double[] bits = {p.surprise, p.networkSurprise, p.contextSurprise, p.frequencySurprise,
                bits(s.ngrams[0].probability(target, inUse)), bits(s.ngrams[1].probability(target, inUse)),
                bits(s.ngrams[2].probability(target, inUse)), bits(s.frequency.probability(target, inUse))};
            for (int m = 0; m < MODELS.length; m++) {
                s.bits[m] += bits[m];
            }
            // the type's text as the mixture's top list named it at the previous event (a template changes only
            // when one of its own events joins it, so its last output text is the one of that moment)
            String came = p.unseen ? UNSEEN_LABEL
                : p.typeId.equals(LogSourceModel.OVERFLOW_ID) ? p.typeId : s.templates.get(p.typeId);
            s.hits[0] += came != null && came.equals(s.previousTop) ? 1 : 0;
            for (int b = 0; b < s.baselineTop.length; b++) {
                s.hits[BASELINES + b] += s.baselineTop[b] == target ? 1 : 0;
            }
            top.add(p);
            if (top.size() > TOP_EVENTS) {
                top.poll();
            }
            if (p.label != null) {
                labelled.add(new double[] {Labels.isPositive(p.label) ? 1 : 0, p.anomalyScore, p.surprise});
            }
        }
        int input = target;
        if (known == null && s.classes.size() < capacity) {
            input = s.classes.size() + 1;
            s.classes.put(p.typeId, input);
        }
        if (input != TypeVocabulary.UNSEEN) {
            s.templates.put(p.typeId, p.template);
        }
        for (WittenBellNgram g : s.ngrams) {
            g.observe(target);
            g.push(input);
        }
        s.frequency.observe(target);
        int next = s.classes.size() + 1;
        for (int b = 0; b < 3; b++) {
            s.baselineTop[b] = s.ngrams[b].argmax(next);
        }
        s.baselineTop[3] = s.frequency.argmax(next);
        s.previousTop = p.topTypes.length > 0 ? p.topTypes[0] : null;
        s.point(p.surprise, p.anomalyScore);
    }

    private static double bits(double probability) {
        return -Math.log(probability) / Math.log(2.0);
    }

    /** Whether {@code model} has a top-1 accuracy here: the mixture and the baselines (not the components alone). */
    public static boolean hasTop1(int model) {
        return model == 0 || model >= BASELINES;
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

    /** Top-1 accuracy of {@code model} pooled over the sources with at least {@code minEvents} events (NaN: see {@link #hasTop1}). */
    public double pooledTop1(int model, long minEvents) {
        long hits = 0;
        long n = 0;
        for (Source s : sources.values()) {
            if (s.events >= minEvents) {
                hits += s.hits[model];
                n += s.scored;
            }
        }
        return n == 0 || !hasTop1(model) ? Double.NaN : (double) hits / n;
    }

    /** Sources with at least {@code minEvents} events whose {@code model} has fewer bits per event than {@code other}. */
    public int sourcesBelow(int model, int other, long minEvents) {
        int n = 0;
        for (Source s : sources.values()) {
            n += s.events >= minEvents && s.scored > 0 && s.bits[model] < s.bits[other] ? 1 : 0;
        }
        return n;
    }

    /** Sources with at least {@code minEvents} events. */
    public long pooledSources(long minEvents) {
        return sources.values().stream().filter(s -> s.events >= minEvents).count();
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
