package org.flinkrtrl.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Reads a prediction topic with {@code isolation.level=read_committed} and checks exactly-once delivery.
 *
 * <pre>OutputChecker --bootstrap-servers H:P --topic T --expected N [--keys K] [--timeout 300]
 *               [--settle-ms 3000] [--reference-topic R | --reference-file F] [--compare-fields a,b,...]
 *               [--dump FILE] [--count-only]</pre>
 *
 * <p>Each output is identified by (key, steps). It passes when exactly N records were read, no (key, steps)
 * occurs twice, every key's steps are exactly 1..count (no gaps), there are K keys (when given) and, with a
 * reference, every record equals the reference record with the same (key, steps): the whole JSON text by
 * default (bit-identical numbers, since they are printed with round-trip precision), or the values of the
 * listed fields (numbers compared as doubles, bit for bit). {@code --count-only} prints how many committed
 * records the topic holds now and exits.
 * For diagnosis only, {@code -Disolation.level=read_uncommitted} also shows records of open/aborted transactions.
 */
@Command(name = "OutputChecker")
public final class OutputChecker implements Callable<Integer> {
    /** Numbers are read as doubles, whose node equality is bit for bit ({@link Double#compare}). */
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--bootstrap-servers", required = true) String bootstrap;
    @Option(names = "--topic", required = true) String topic;
    @Option(names = "--expected", defaultValue = "-1") long expected;
    @Option(names = "--keys", defaultValue = "-1") long keys;
    @Option(names = "--timeout", defaultValue = "300", description = "seconds") long timeoutSeconds;
    @Option(names = "--settle-ms", defaultValue = "3000") long settleMs;
    @Option(names = "--reference-topic") String referenceTopic;
    @Option(names = "--reference-file") Path referenceFile;
    @Option(names = "--compare-fields", split = ",") String[] fields;
    @Option(names = "--dump") Path dump;
    @Option(names = "--count-only") boolean countOnly;

    public static void main(String[] argv) {
        ToolLogging.quiet();
        System.exit(new CommandLine(new OutputChecker()).execute(argv));
    }

    @Override
    public Integer call() throws Exception {
        if (countOnly) {
            System.out.println(read(bootstrap, topic, Long.MAX_VALUE, 0, 30_000, true).size());
            return 0;
        }
        long timeoutMs = timeoutSeconds * 1000;

        long t0 = System.currentTimeMillis();
        List<String> records = read(bootstrap, topic, expected, settleMs, timeoutMs, false);
        System.out.printf("OutputChecker: read %d committed records from %s in %.1f s%n",
                records.size(), topic, (System.currentTimeMillis() - t0) / 1e3);

        List<String> problems = new ArrayList<>();
        Map<String, TreeMap<Long, String>> byKey = index(records, problems, topic);
        long dups = problems.size();
        long gaps = 0;
        for (Map.Entry<String, TreeMap<Long, String>> e : byKey.entrySet()) {
            TreeMap<Long, String> steps = e.getValue();
            long expectedStep = 1;
            for (long s : steps.keySet()) {
                if (s != expectedStep) {
                    gaps += s - expectedStep;
                    if (problems.size() < 20) problems.add("gap: key " + e.getKey() + " steps " + expectedStep + ".." + (s - 1) + " missing");
                }
                expectedStep = s + 1;
            }
        }
        if (expected >= 0 && records.size() != expected) {
            problems.add("count: expected " + expected + " records, read " + records.size());
        }
        if (keys >= 0 && byKey.size() != keys) {
            problems.add("keys: expected " + keys + " keys, saw " + byKey.size());
        }

        long compared = 0, mismatches = 0;
        if (referenceTopic != null || referenceFile != null) {
            List<String> refRecords = referenceTopic != null
                    ? read(bootstrap, referenceTopic, expected, settleMs, timeoutMs, false)
                    : Files.readAllLines(referenceFile);
            List<String> refProblems = new ArrayList<>();
            Map<String, TreeMap<Long, String>> ref = index(refRecords, refProblems, "reference");
            problems.addAll(refProblems);
            if (refRecords.size() != records.size()) {
                problems.add("reference has " + refRecords.size() + " records, output " + records.size());
            }
            for (Map.Entry<String, TreeMap<Long, String>> e : byKey.entrySet()) {
                TreeMap<Long, String> refSteps = ref.getOrDefault(e.getKey(), new TreeMap<>());
                for (Map.Entry<Long, String> s : e.getValue().entrySet()) {
                    String want = refSteps.get(s.getKey());
                    compared++;
                    if (want == null || !same(s.getValue(), want, fields)) {
                        mismatches++;
                        if (mismatches <= 5) {
                            problems.add("mismatch at key " + e.getKey() + " steps " + s.getKey() + ":\n    got  " + s.getValue() + "\n    want " + want);
                        }
                    }
                }
            }
            if (mismatches > 5) problems.add("... " + (mismatches - 5) + " more mismatches");
        }

        if (dump != null) {
            try (BufferedWriter w = Files.newBufferedWriter(dump)) {
                for (TreeMap<Long, String> steps : new TreeMap<>(byKey).values()) {
                    for (String r : steps.values()) { w.write(r); w.newLine(); }
                }
            }
        }

        boolean pass = problems.isEmpty();
        for (String pr : problems) System.out.println("  " + pr);
        System.out.printf("OutputChecker: %s topic=%s records=%d keys=%d duplicates=%d gaps=%d compared=%d mismatches=%d%n",
                pass ? "PASS" : "FAIL", topic, records.size(), byKey.size(), dups, gaps, compared, mismatches);
        return pass ? 0 : 1;
    }

    private static boolean same(String got, String want, String[] fields) throws IOException {
        if (fields == null) return got.equals(want);
        JsonNode g = JSON.readTree(got), w = JSON.readTree(want);
        for (String f : fields) {
            if (!Objects.equals(g.get(f), w.get(f))) return false;
        }
        return true;
    }

    /** Groups records by key and steps; each record seen twice for the same (key, steps) is a problem. */
    private static Map<String, TreeMap<Long, String>> index(List<String> records, List<String> problems, String what) {
        Map<String, TreeMap<Long, String>> byKey = new HashMap<>();
        for (String r : records) {
            JsonNode node;
            try {
                node = JSON.readTree(r);
            } catch (IOException e) {
                node = null;
            }
            JsonNode keyNode = node == null ? null : node.get("key");
            JsonNode stepsNode = node == null ? null : node.get("steps");
            if (keyNode == null || stepsNode == null || !stepsNode.canConvertToLong()) {
                problems.add(what + ": record without key/steps: " + r);
                continue;
            }
            String key = keyNode.asText();
            long steps = stepsNode.asLong();
            String prev = byKey.computeIfAbsent(key, k -> new TreeMap<>()).put(steps, r);
            if (prev != null && problems.size() < 20) problems.add(what + ": duplicate key " + key + " steps " + steps);
            else if (prev != null) problems.add("");
        }
        problems.removeIf(String::isEmpty);
        return byKey;
    }

    /**
     * Reads committed records from the start of every partition until {@code expected} records arrived and
     * nothing more came for {@code settleMs}, or until the timeout. With {@code toEnd}, stops as soon as the
     * consumer reached the current end of every partition.
     */
    static List<String> read(String bootstrap, String topic, long expected, long settleMs, long timeoutMs, boolean toEnd) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, System.getProperty("isolation.level", "read_committed"));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            while (parts.isEmpty() && System.currentTimeMillis() < deadline) {
                List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos != null) for (PartitionInfo pi : infos) parts.add(new TopicPartition(topic, pi.partition()));
                if (parts.isEmpty()) sleep(500);
            }
            if (parts.isEmpty()) return out;
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = toEnd ? c.endOffsets(parts) : null;
            long lastArrival = System.currentTimeMillis();
            while (System.currentTimeMillis() < deadline) {
                int n = 0;
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) { out.add(r.value()); n++; }
                long now = System.currentTimeMillis();
                if (n > 0) lastArrival = now;
                if (toEnd) {
                    boolean done = true;
                    for (TopicPartition tp : parts) done &= c.position(tp) >= end.get(tp);
                    if (done) break;
                } else if (expected >= 0 && out.size() >= expected && now - lastArrival >= settleMs) {
                    break;
                }
            }
        }
        return out;
    }

    private static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }
}
