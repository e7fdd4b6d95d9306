package org.flinkrtrl.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.LogStep;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSettings;
import org.flinkrtrl.core.logs.MinerSettings;
import org.flinkrtrl.core.logs.TemplateMiner;
import org.flinkrtrl.core.math.Rng;

/**
 * Prequential next-event evaluation of the per-source log model against an online interpolated Witten-Bell n-gram
 * (orders 0, 1, 2) and the per-source frequency model, on JSON-lines logs, all in one pass and on the same targets:
 * each event is scored against the prediction made before it over the source's classes (its vocabulary class, or
 * the unseen class at a type's first sight or on overflow), then learnt. Reports bits per event and top-1 accuracy
 * per source with at least {@code --min-events} events and pooled over them, the ROC AUC of each model's surprise
 * for lines labelled as attacks against the other labelled lines, and the mining plus learning throughput.
 *
 * <pre>
 * java -cp experiments/target/classes:core/target/classes:$(deps) org.flinkrtrl.experiments.LogEval \
 *   --file jobs/src/main/resources/data/fail2ban-logs.jsonl --key-field source --message-field message \
 *   --label-field attack
 * </pre>
 */
public final class LogEval {
    static final String[] MODELS = {"rnn", "ngram2", "ngram1", "ngram0", "frequency"};

    private LogEval() {}

    /** One source's models and tallies. */
    static final class Source {
        final TemplateMiner miner;
        final LogLearner rnn;
        final WittenBellNgram[] ngrams = {new WittenBellNgram(2), new WittenBellNgram(1), new WittenBellNgram(0)};
        final FrequencyModel frequency = new FrequencyModel();
        final LogStep step = new LogStep(1);
        int rnnTop = -1;
        long events;
        long scored;
        final double[] bits = new double[MODELS.length];
        final long[] hits = new long[MODELS.length];

        Source(TemplateMiner miner, LogLearner rnn) {
            this.miner = miner;
            this.rnn = rnn;
        }
    }

    public static void main(String[] argv) throws IOException {
        Args a = new Args(argv);
        Path file = Path.of(a.str("file", "jobs/src/main/resources/data/fail2ban-logs.jsonl"));
        String keyField = a.str("key-field", "source");
        String timeField = a.str("time-field", "time");
        String messageField = a.str("message-field", "message");
        String categoryField = a.str("category-field", "");
        String labelField = a.str("label-field", "attack");
        int minEvents = a.integer("min-events", 40);
        int capacity = a.integer("vocabulary", 63);
        ModelConfig base = ModelConfig.builder()
            .set(ModelSettings.HIDDEN, a.integer("hidden", 16))
            .set(ModelSettings.METHOD, Method.parse(a.str("method", "ok")))
            .set(ModelSettings.RANK, a.integer("rank", 4))
            .set(ModelSettings.LEARNING_RATE, a.dbl("lr", 0.01))
            .set(ModelSettings.SEED, a.lng("seed", 42L)).build();
        ModelConfig cfg = LogLearner.config(base, capacity);
        a.checkAllUsed();

        ObjectMapper json = new ObjectMapper();
        Map<String, Source> sources = new LinkedHashMap<>();
        List<double[]> labelled = new ArrayList<>(); // {label, surprise per model...}
        long nanos = 0;
        long lines = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = json.readTree(line);
                String key = n.path(keyField).asText();
                long time = n.path(timeField).asLong();
                long t0 = System.nanoTime();
                Source s = sources.computeIfAbsent(key, k -> new Source(
                    categoryField.isEmpty() ? new TemplateMiner(MinerSettings.DEFAULTS) : null,
                    new LogLearner(cfg, Rng.forStream(cfg.seed(), k.hashCode()).nextLong())));
                String type = s.miner != null
                    ? Integer.toString(s.miner.add(n.path(messageField).asText()))
                    : n.path(categoryField).asText();
                int classes = s.rnn.vocabulary().size() + 1;
                LogStep st = s.rnn.observe(type, time, s.step);
                nanos += System.nanoTime() - t0;
                lines++;
                double[] surprise = score(s, st, classes);
                JsonNode label = n.get(labelField);
                if (surprise != null && label != null && label.isBoolean()) {
                    double[] row = new double[MODELS.length + 1];
                    row[0] = label.asBoolean() ? 1 : 0;
                    System.arraycopy(surprise, 0, row, 1, MODELS.length);
                    labelled.add(row);
                }
            }
        }
        report(a, file, sources, labelled, minEvents, lines, nanos, capacity);
    }

    /** Scores the event on every model (null for a source's first event), then lets the baselines learn it. */
    private static double[] score(Source s, LogStep st, int classes) {
        s.events++;
        double[] surprise = null;
        int target = st.scoredClass;
        if (st.scored()) {
            s.scored++;
            surprise = new double[MODELS.length];
            surprise[0] = st.surpriseBits;
            s.hits[0] += s.rnnTop == target ? 1 : 0;
            for (int i = 0; i < 3; i++) {
                surprise[1 + i] = -log2(s.ngrams[i].probability(target, classes));
                s.hits[1 + i] += s.ngrams[i].argmax(classes) == target ? 1 : 0;
            }
            surprise[4] = -log2(s.frequency.probability(target, classes));
            s.hits[4] += s.frequency.argmax(classes) == target ? 1 : 0;
            for (int m = 0; m < MODELS.length; m++) {
                s.bits[m] += surprise[m];
            }
        }
        for (WittenBellNgram g : s.ngrams) {
            g.observe(target);
            g.push(st.inputClass);
        }
        s.frequency.observe(target);
        s.rnnTop = st.topClasses[0];
        return surprise;
    }

    private static double log2(double p) {
        return Math.log(p) / Math.log(2.0);
    }

    private static void report(Args a, Path file, Map<String, Source> sources, List<double[]> labelled, int minEvents,
                               long lines, long nanos, int capacity) {
        System.out.println("command: LogEval " + a.rawLine());
        System.out.println("effective: " + a.effectiveMarkdown().replace('\n', ' '));
        System.out.printf("%s: %d events, %d sources; sources with >= %d events:%n", file.getFileName(), lines,
            sources.size(), minEvents);
        System.out.printf("%-28s %6s %6s %6s", "source", "events", "types", "over");
        for (String m : MODELS) {
            System.out.printf(" %9s", m);
        }
        System.out.println("   (bits/event; top-1 accuracy below)");
        double[] bits = new double[MODELS.length];
        long[] hits = new long[MODELS.length];
        long scored = 0;
        int big = 0;
        int rnnBeatsNgram = 0;
        List<Map.Entry<String, Source>> ordered = new ArrayList<>(sources.entrySet());
        ordered.sort(Comparator.comparing((Map.Entry<String, Source> e) -> -e.getValue().events).thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, Source> e : ordered) {
            Source s = e.getValue();
            if (s.events < minEvents) {
                continue;
            }
            big++;
            scored += s.scored;
            System.out.printf("%-28s %6d %6d %6d", e.getKey(), s.events, s.rnn.vocabulary().size(), s.rnn.overflowEvents());
            for (int m = 0; m < MODELS.length; m++) {
                bits[m] += s.bits[m];
                hits[m] += s.hits[m];
                System.out.printf(" %9.3f", s.bits[m] / s.scored);
            }
            System.out.printf("%n%-49s", "");
            for (int m = 0; m < MODELS.length; m++) {
                System.out.printf(" %9.3f", (double) s.hits[m] / s.scored);
            }
            System.out.println();
            rnnBeatsNgram += s.bits[0] < s.bits[1] ? 1 : 0;
        }
        System.out.printf("pooled over %d sources (%d scored events):%n%-49s", big, scored, "  bits/event");
        for (int m = 0; m < MODELS.length; m++) {
            System.out.printf(" %9.3f", bits[m] / scored);
        }
        System.out.printf("%n%-49s", "  top-1 accuracy");
        for (int m = 0; m < MODELS.length; m++) {
            System.out.printf(" %9.3f", (double) hits[m] / scored);
        }
        System.out.printf("%nrnn below ngram2 on %d of %d sources%n", rnnBeatsNgram, big);
        if (!labelled.isEmpty()) {
            long pos = labelled.stream().filter(r -> r[0] == 1).count();
            System.out.printf("ROC AUC of surprise, attack (%d) vs other (%d) labelled scored lines, all sources:", pos,
                labelled.size() - pos);
            for (int m = 0; m < MODELS.length; m++) {
                System.out.printf(" %s %.3f", MODELS[m], rocAuc(labelled, m + 1));
            }
            System.out.println();
        }
        System.out.printf("throughput (template mining + log model, one thread, vocabulary %d, hidden %d): %.0f events/s%n",
            capacity, sources.values().iterator().next().rnn.config().hidden(), lines / (nanos * 1e-9));
    }

    /** Mann-Whitney ROC AUC of column {@code col} for rows with row[0] = 1 against row[0] = 0 (ties count half). */
    static double rocAuc(List<double[]> rows, int col) {
        List<double[]> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingDouble(r -> r[col]));
        double rankSum = 0;
        long pos = 0;
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j < sorted.size() && sorted.get(j)[col] == sorted.get(i)[col]) {
                j++;
            }
            double midRank = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++) {
                if (sorted.get(k)[0] == 1) {
                    rankSum += midRank;
                    pos++;
                }
            }
            i = j;
        }
        long neg = sorted.size() - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
