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
import org.flinkrtrl.core.eval.FrequencyModel;
import org.flinkrtrl.core.eval.WittenBellNgram;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSettings;
import org.flinkrtrl.core.learner.TypeVocabulary;
import org.flinkrtrl.core.logs.LogSourceModel;
import org.flinkrtrl.core.logs.MinerSettings;
import org.flinkrtrl.core.logs.SurpriseCalibration;
import org.flinkrtrl.core.logs.TemplateMiner;
import org.flinkrtrl.flink.KeySeeds;
import org.flinkrtrl.jobs.eval.Ranking;
import org.flinkrtrl.record.LogPrediction;

/**
 * Prequential next-event evaluation of the per-source log model against an online interpolated Witten-Bell n-gram
 * (orders 0, 1, 2) and the per-source frequency model, on JSON-lines logs, all in one pass and on the same targets:
 * each event is scored against the prediction made before it over the source's classes (its vocabulary class, or
 * the unseen class at a type's first sight or on overflow), then learnt. Reports bits per event and top-1 accuracy
 * per source with at least {@code --min-events} events and pooled over them, the ROC AUC of each model's surprise
 * for lines labelled as attacks against the other labelled lines, and the mining plus learning throughput. Each
 * source's network is seeded as the job seeds it ({@link KeySeeds}), so with the job's model settings the figures
 * are the job report's.
 *
 * <pre>
 * java -cp experiments/target/classes:core/target/classes:$(deps) org.flinkrtrl.experiments.LogEval \
 *   --file jobs/src/main/resources/data/fail2ban-logs.jsonl --key-field source --message-field message \
 *   --label-field attack
 * </pre>
 */
public final class LogEval {
    static final String[] MODELS = {"mixture", "network", "context2", "context0", "ngram2", "ngram1", "ngram0", "frequency"};
    /** Columns of the labelled rows after the label: each model's surprise, then the calibrated score and the unseen flag. */
    static final String[] SCORES = {"anomalyScore", "unseen", "gapSurprise", "hostSurprise", "score+host",
        "newHostSurprise", "score+newHost"};

    private LogEval() {}

    /** One source's models and tallies. */
    static final class Source {
        final LogSourceModel model;
        final WittenBellNgram[] ngrams = {new WittenBellNgram(2), new WittenBellNgram(1), new WittenBellNgram(0)};
        final FrequencyModel frequency = new FrequencyModel();
        /** Each model's most probable next class (index as MODELS), for top-1 accuracy. */
        final int[] top = new int[MODELS.length];
        long events;
        long scored;
        final double[] bits = new double[MODELS.length];
        final long[] hits = new long[MODELS.length];
        /** Candidate host parts of the score (not in the job): Bernoulli both sides, and the new side only. */
        final EntityNovelty hosts = new EntityNovelty(false);
        final EntityNovelty newHosts = new EntityNovelty(true);
        /** The source's calibration fed the job's surprise plus each host part, as the model's own would be. */
        final SurpriseCalibration withHosts = new SurpriseCalibration(SurpriseCalibration.Settings.DEFAULTS);
        final SurpriseCalibration withNewHosts = new SurpriseCalibration(SurpriseCalibration.Settings.DEFAULTS);
        /** Fed the job's surprise alone: must give the job's score, which checks the two above are comparable. */
        final SurpriseCalibration replica = new SurpriseCalibration(SurpriseCalibration.Settings.DEFAULTS);

        Source(LogSourceModel model) {
            this.model = model;
        }
    }

    /** The sources' tallies after one pass over the file. */
    record Result(Map<String, Source> sources, int minEvents) {
        /** Bits per event of MODELS[m] pooled over the sources with at least minEvents events. */
        double pooledBits(int m) {
            double bits = 0;
            long n = 0;
            for (Source s : sources.values()) {
                if (s.events >= minEvents) {
                    bits += s.bits[m];
                    n += s.scored;
                }
            }
            return bits / n;
        }

        /** Top-1 accuracy of MODELS[m] pooled over the sources with at least minEvents events. */
        double pooledTop1(int m) {
            long hits = 0;
            long n = 0;
            for (Source s : sources.values()) {
                if (s.events >= minEvents) {
                    hits += s.hits[m];
                    n += s.scored;
                }
            }
            return (double) hits / n;
        }
    }

    public static void main(String[] argv) throws IOException {
        run(argv);
    }

    /** Evaluates, prints the report and the timing passes, and returns the evaluation's tallies. */
    static Result run(String[] argv) throws IOException {
        Args a = new Args(argv);
        Path file = Path.of(a.str("file", "jobs/src/main/resources/data/fail2ban-logs.jsonl"));
        String keyField = a.str("key-field", "source");
        String timeField = a.str("time-field", "time");
        String messageField = a.str("message-field", "message");
        String categoryField = a.str("category-field", "");
        String labelField = a.str("label-field", "attack");
        int minEvents = a.integer("min-events", 40);
        int capacity = a.integer("vocabulary", 63);
        int passes = a.integer("timing-passes", 40);
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
                Source s = sources.computeIfAbsent(key, k -> new Source(new LogSourceModel(
                    categoryField.isEmpty() ? new TemplateMiner(MinerSettings.DEFAULTS) : null,
                    new LogLearner(cfg, KeySeeds.seedFor(cfg.seed(), k)), 1)));
                String text = categoryField.isEmpty() ? n.path(messageField).asText() : n.path(categoryField).asText();
                int classes = s.model.learner().vocabulary().size() + 1;
                LogPrediction p = s.model.observe(text, time);
                nanos += System.nanoTime() - t0;
                lines++;
                double[] surprise = score(s, p, classes);
                double hostNats = categoryField.isEmpty() ? s.hosts.observe(text) : 0.0;
                double newHostNats = categoryField.isEmpty() ? s.newHosts.observe(text) : 0.0;
                double withHosts = Double.NaN;
                double withNewHosts = Double.NaN;
                if (surprise != null) {
                    double nats = (p.surprise + p.gapSurprise) * Math.log(2.0);
                    withHosts = s.withHosts.score(nats + hostNats);
                    withNewHosts = s.withNewHosts.score(nats + newHostNats);
                    if (s.replica.score(nats) != p.anomalyScore) {
                        throw new IllegalStateException("the replica calibration differs from the model's at " + line);
                    }
                }
                JsonNode label = n.get(labelField);
                if (surprise != null && label != null && label.isBoolean()) {
                    double[] row = new double[1 + MODELS.length + SCORES.length];
                    row[0] = label.asBoolean() ? 1 : 0;
                    System.arraycopy(surprise, 0, row, 1, MODELS.length);
                    row[1 + MODELS.length] = p.anomalyScore;
                    row[2 + MODELS.length] = p.unseen ? 1 : 0;
                    row[3 + MODELS.length] = p.gapSurprise;
                    row[4 + MODELS.length] = hostNats;
                    row[5 + MODELS.length] = withHosts;
                    row[6 + MODELS.length] = newHostNats;
                    row[7 + MODELS.length] = withNewHosts;
                    labelled.add(row);
                }
            }
        }
        report(a, file, sources, labelled, minEvents, lines, nanos, capacity, cfg);
        steadyState(file, json, keyField, timeField, messageField, categoryField, cfg, passes);
        return new Result(sources, minEvents);
    }

    /**
     * Scores the event on every model (null for a source's first event), then lets the baselines learn it and
     * records every model's most probable next class.
     */
    private static double[] score(Source s, LogPrediction p, int classes) {
        s.events++;
        double[] surprise = null;
        TypeVocabulary v = s.model.learner().vocabulary();
        int target = p.unseen ? TypeVocabulary.UNSEEN : v.classOf(p.typeId);
        int input = Math.max(TypeVocabulary.UNSEEN, v.classOf(p.typeId));
        if (!Double.isNaN(p.probability)) {
            s.scored++;
            surprise = new double[] {p.surprise, p.networkSurprise, p.contextSurprise, p.frequencySurprise,
                -log2(s.ngrams[0].probability(target, classes)), -log2(s.ngrams[1].probability(target, classes)),
                -log2(s.ngrams[2].probability(target, classes)), -log2(s.frequency.probability(target, classes))};
            for (int m = 0; m < MODELS.length; m++) {
                s.bits[m] += surprise[m];
                s.hits[m] += s.top[m] == target ? 1 : 0;
            }
        }
        for (WittenBellNgram g : s.ngrams) {
            g.observe(target);
            g.push(input);
        }
        s.frequency.observe(target);
        int next = v.size() + 1;
        s.top[0] = argmax(c -> s.model.probability(c), next);
        s.top[1] = argmax(c -> s.model.learner().probability(c), next);
        s.top[2] = argmax(c -> s.model.mixture().counts().probability(c, next, 2), next);
        s.top[3] = argmax(c -> s.model.mixture().counts().probability(c, next, 0), next);
        for (int i = 0; i < 3; i++) {
            s.top[4 + i] = s.ngrams[i].argmax(next);
        }
        s.top[7] = s.frequency.argmax(next);
        return surprise;
    }

    /** The class of {@code [0, classes)} with the highest probability (ties: the lower class). */
    private static int argmax(java.util.function.IntToDoubleFunction p, int classes) {
        int best = 0;
        double bestP = -1;
        for (int c = 0; c < classes; c++) {
            double q = p.applyAsDouble(c);
            if (q > bestP) {
                bestP = q;
                best = c;
            }
        }
        return best;
    }

    private static double log2(double p) {
        return Math.log(p) / Math.log(2.0);
    }

    private static void report(Args a, Path file, Map<String, Source> sources, List<double[]> labelled, int minEvents,
                               long lines, long nanos, int capacity, ModelConfig cfg) {
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
        int mixBeatsNgram = 0;
        int netBeatsNgram = 0;
        List<Map.Entry<String, Source>> ordered = new ArrayList<>(sources.entrySet());
        ordered.sort(Comparator.comparing((Map.Entry<String, Source> e) -> -e.getValue().events).thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, Source> e : ordered) {
            Source s = e.getValue();
            if (s.events < minEvents) {
                continue;
            }
            big++;
            scored += s.scored;
            System.out.printf("%-28s %6d %6d %6d", e.getKey(), s.events, s.model.learner().vocabulary().size(),
                s.model.learner().overflowEvents());
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
            mixBeatsNgram += s.bits[0] < s.bits[4] ? 1 : 0;
            netBeatsNgram += s.bits[1] < s.bits[4] ? 1 : 0;
        }
        System.out.printf("pooled over %d sources (%d scored events):%n%-49s", big, scored, "  bits/event");
        for (int m = 0; m < MODELS.length; m++) {
            System.out.printf(" %9.3f", bits[m] / scored);
        }
        System.out.printf("%n%-49s", "  top-1 accuracy");
        for (int m = 0; m < MODELS.length; m++) {
            System.out.printf(" %9.3f", (double) hits[m] / scored);
        }
        System.out.printf("%nbelow ngram2: mixture on %d, network on %d of %d sources%n", mixBeatsNgram, netBeatsNgram, big);
        if (!labelled.isEmpty()) {
            long pos = labelled.stream().filter(r -> r[0] == 1).count();
            System.out.printf("ROC AUC of surprise, attack (%d) vs other (%d) labelled scored lines, all sources:", pos,
                labelled.size() - pos);
            for (int m = 0; m < MODELS.length; m++) {
                System.out.printf(" %s %.3f", MODELS[m], Ranking.rocAuc(labelled, m + 1));
            }
            for (int m = 0; m < SCORES.length; m++) {
                System.out.printf(" %s %.3f", SCORES[m], Ranking.rocAuc(labelled, 1 + MODELS.length + m));
            }
            System.out.println();
        }
        System.out.printf("throughput (template mining + log model, one thread, vocabulary %d, hidden %d): %.0f events/s%n",
            capacity, cfg.hidden(), lines / (nanos * 1e-9));
    }

    /**
     * The per-event cost of mining plus the source model (network, mixture, calibration) once the JIT has compiled
     * it: the file is replayed {@code passes} more times through fresh sources on this one thread, parsing excluded,
     * and the median rate of the second half of the passes is printed per CPU second of the thread (events per second on one core, whatever
     * else the host runs) and per wall-clock second.
     */
    private static void steadyState(Path file, ObjectMapper json, String keyField, String timeField,
                                    String messageField, String categoryField, ModelConfig cfg, int passes)
            throws IOException {
        List<String[]> events = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    JsonNode n = json.readTree(line);
                    events.add(new String[] {n.path(keyField).asText(), categoryField.isEmpty()
                        ? n.path(messageField).asText() : n.path(categoryField).asText()});
                    times.add(n.path(timeField).asLong());
                }
            }
        }
        double[] rates = new double[passes];
        double[] cpuRates = new double[passes];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int pass = 0; pass < passes; pass++) {
            long c0 = mx.getCurrentThreadCpuTime();
            Map<String, LogSourceModel> models = new java.util.HashMap<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < events.size(); i++) {
                String key = events.get(i)[0];
                LogSourceModel m = models.computeIfAbsent(key, k -> new LogSourceModel(
                    categoryField.isEmpty() ? new TemplateMiner(MinerSettings.DEFAULTS) : null,
                    new LogLearner(cfg, KeySeeds.seedFor(cfg.seed(), k)), 1));
                m.observe(events.get(i)[1], times.get(i));
            }
            rates[pass] = events.size() / ((System.nanoTime() - t0) * 1e-9);
            cpuRates[pass] = events.size() / ((mx.getCurrentThreadCpuTime() - c0) * 1e-9);
        }
        if (passes >= 2) {
            int from = passes / 2;
            double[] c = java.util.Arrays.copyOfRange(cpuRates, from, passes);
            double[] w = java.util.Arrays.copyOfRange(rates, from, passes);
            java.util.Arrays.sort(c);
            java.util.Arrays.sort(w);
            System.out.printf("steady state (median of passes %d to %d through fresh sources, one thread): %.0f events/s "
                + "per CPU second of the thread (range %.0f to %.0f), %.0f events/s wall clock%n", from + 1, passes,
                c[c.length / 2], c[0], c[c.length - 1], w[w.length / 2]);
        }
    }
}
