package org.flinkrtrl.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.math.Kernels;
import org.flinkrtrl.flink.KeySeeds;
import org.flinkrtrl.jobs.JobOptions;
import org.flinkrtrl.jobs.SensorForecastJob;
import org.flinkrtrl.record.Event;

/**
 * End-to-end throughput of the sensor job against its bare learner, in one JVM and one run: for every model size n,
 * key count and state backend, the bare {@link ForecastingLearner} loop over an event set, then the file-mode job
 * replaying the same events from a CSV file, then the Kafka-mode job reading them from a real broker (a single-node
 * KRaft broker in a child JVM, so its CPU is not counted) with at-least-once and exactly-once sinks. Every row gives
 * wall-clock events/s and events per CPU-second of this JVM (all threads: task, network, collection, JSON, GC, JIT),
 * and the job/bare ratio of the latter, where the bare loop's CPU is that of its own thread (its process CPU is
 * printed beside it). As that thread's CPU never includes the JIT compiler threads, every job row also gives the
 * compiler threads' CPU in its window and the ratio without it; a warm-up run of every measured mode comes first.
 *
 * <p>Two windows per run. The whole run: from the first output to the last (file mode: the job's first prediction to
 * the job's end; Kafka: the first committed output record to the last, minus the checking consumer's own thread CPU;
 * exactly-once: submission to the last output less the at-least-once run's start-up). The steady state: from the
 * moment the first --steady-from fraction (0.3) of the run's predictions existed (counted in the job by the progress
 * operator, {@code OutputClock}) to its last output (file: the count reaching the expected total; Kafka: the
 * checking consumer's last output); bare: the loop's own thread from that fraction of its events to its end. It
 * leaves out the job's start, the one-off compilation of its record path and its shutdown. Start-up, the report and
 * the broker are outside both. See docs/performance.md.
 *
 * <pre>
 * bench/job-throughput.sh --hidden 16,32 --keys 1,100 --backends hashmap --modes bare,file,kafka-alo,kafka-eo
 * </pre>
 */
public final class JobThroughput {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<String, String> opt;
    private final int events;
    private final Path dir;
    private String bootstrap;
    private Process broker;
    private int runs;
    private final java.util.Set<String> produced = new java.util.HashSet<>();

    private JobThroughput(Map<String, String> opt) throws IOException {
        this.opt = opt;
        this.events = Integer.parseInt(opt.getOrDefault("events", "100000"));
        this.dir = Files.createTempDirectory("job-throughput-");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            opt.put(args[i].substring(2), args[i + 1]);
        }
        new JobThroughput(opt).run();
        System.exit(0); // Flink and Kafka client threads
    }

    private static int[] ints(String csv) {
        String[] p = csv.split(",");
        int[] r = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            r[i] = Integer.parseInt(p[i].trim());
        }
        return r;
    }

    /**
     * One measured run: its whole window, and its steady state (from the moment the first --steady-from fraction of
     * its outputs existed to its last output; null where it was not measured).
     */
    record Rate(long events, double wallSeconds, double cpuSeconds, double jitSeconds, Rate steady) {
        Rate(long events, double wallSeconds, double cpuSeconds, double jitSeconds) {
            this(events, wallSeconds, cpuSeconds, jitSeconds, null);
        }

        /** A run whose JIT compiler threads were not read. */
        Rate(long events, double wallSeconds, double cpuSeconds) {
            this(events, wallSeconds, cpuSeconds, Double.NaN);
        }

        Rate withSteady(Rate s) {
            return new Rate(events, wallSeconds, cpuSeconds, jitSeconds, s);
        }

        double perWallSecond() {
            return events / wallSeconds;
        }

        double perCpuSecond() {
            return events / cpuSeconds;
        }
    }

    /**
     * Deletes the run's folder (the broker's logs and topics, the CSV files, every job's checkpoints and outputs: a
     * gigabyte or more per long Kafka row) after a run without failures, unless {@code --keep-dir true}; a failed
     * run keeps it for its logs. A file that cannot be deleted is reported and left.
     */
    private void removeWorkDir(boolean clean) {
        if (!clean || Boolean.parseBoolean(opt.getOrDefault("keep-dir", "false"))) {
            System.out.println("run folder kept: " + dir);
            return;
        }
        try {
            org.apache.flink.util.FileUtils.deleteDirectory(dir.toFile());
        } catch (IOException e) {
            System.out.println("run folder " + dir + " not fully deleted: " + e);
        }
    }

    /** The fraction of a run's outputs after which its steady state is measured (--steady-from, default 0.3). */
    private double steadyFrom() {
        return Double.parseDouble(opt.getOrDefault("steady-from", "0.3"));
    }

    private void run() throws Exception {
        int[] hidden = ints(opt.getOrDefault("hidden", "8,16,32"));
        int[] keyCounts = ints(opt.getOrDefault("keys", "1,100,10000"));
        String[] backends = opt.getOrDefault("backends", "hashmap,rocksdb").split(",");
        List<String> modes = List.of(opt.getOrDefault("modes", "bare,file,kafka-alo,kafka-eo").split(","));
        System.out.printf(Locale.ROOT, "job throughput: %d events per row, kernels %s, %d cores, Java %s, max heap %d MB%n",
            events, Kernels.describe(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
            Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("options: " + opt);
        boolean kafka = modes.stream().anyMatch(m -> m.startsWith("kafka"));
        if (kafka) {
            startBroker();
        }
        List<String> table = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        table.add(String.format(Locale.ROOT, "| %3s | %6s | %-7s | %-9s | %12s | %14s | %8s | %8s | %9s | %14s | %8s "
                + "| %8s |", "n", "keys", "backend", "mode", "events/s wall", "events/CPU-s", "job/bare", "JIT CPU-s",
            "excl. JIT", "steady ev/CPU-s", "steady", "st. JIT"));
        System.out.printf(Locale.ROOT, "steady state: from the moment %.0f %% of a run's outputs existed to its last "
            + "output (bare: of its loop)%n", 100 * steadyFrom());
        boolean completed = false;
        try {
            warmUp(hidden[0], modes);
            for (int n : hidden) {
                for (int k : keyCounts) {
                    Event[] data = events(events, k);
                    Path csv = writeCsv(data, k);
                    String topic = kafka ? produce(data, k) : null;
                    if (pairs() > 1) {
                        paired(n, k, data, csv, topic, backends, modes, table, failures);
                        continue;
                    }
                    // the bare loop before and after the jobs, the better of the two: JIT compilation of the learner
                    // (and machine load) must not make the reference look slow
                    Rate bare = bare(n, data);
                    List<Rate> rates = new ArrayList<>();
                    List<String> labels = new ArrayList<>();
                    for (String backend : backends) {
                        for (String mode : modes) {
                            Rate r;
                            try {
                                r = runMode(mode, n, csv, topic, backend);
                            } catch (IllegalStateException e) {
                                // one failed run (e.g. outputs missing at the timeout) does not cost the others
                                String failed = String.format(Locale.ROOT, "| %3d | %,6d | %-7s | %-9s | failed: %s",
                                    n, k, backend, mode, e.getMessage());
                                System.out.println(failed);
                                failures.add(failed);
                                continue;
                            }
                            if (r != null) {
                                rates.add(r);
                                labels.add(backend + " " + mode);
                                System.out.println(row(n, k, backend, mode, r, bare));
                            }
                        }
                    }
                    Rate again = bare(n, data);
                    Rate steady = again.steady().perCpuSecond() > bare.steady().perCpuSecond() ? again.steady()
                        : bare.steady();
                    if (again.perCpuSecond() > bare.perCpuSecond()) {
                        bare = again;
                    }
                    bare = bare.withSteady(steady);
                    table.add(row(n, k, "-", "bare", bare, bare));
                    System.out.println(table.get(table.size() - 1));
                    for (int i = 0; i < rates.size(); i++) {
                        String[] l = labels.get(i).split(" ");
                        table.add(row(n, k, l[0], l[1], rates.get(i), bare));
                        System.out.println(table.get(table.size() - 1));
                    }
                }
            }
            completed = true;
        } finally {
            if (broker != null) {
                broker.getOutputStream().close();
                broker.waitFor(30, TimeUnit.SECONDS);
                broker.destroy();
                broker.waitFor(30, TimeUnit.SECONDS);
            }
            removeWorkDir(completed && failures.isEmpty());
        }
        System.out.println();
        table.forEach(System.out::println);
        failures.forEach(System.out::println);
    }

    /** One job run of a mode (null for "bare", which the caller measures). */
    private Rate runMode(String mode, int n, Path csv, String topic, String backend) throws Exception {
        int at = mode.indexOf('@');
        List<String> props = at < 0 ? List.of() : kafkaVariant(mode.substring(at + 1));
        return switch (at < 0 ? mode : mode.substring(0, at)) {
            case "bare" -> null;
            case "file" -> file(n, csv, backend);
            case "kafka-alo" -> kafka(n, topic, backend, "at-least-once", events, props);
            case "kafka-eo" -> kafka(n, topic, backend, "exactly-once", events, props);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
    }

    /** --pairs P (default 1): P alternations of the bare loop and each job mode, see {@link #paired}. */
    private int pairs() {
        return Integer.parseInt(opt.getOrDefault("pairs", "1"));
    }

    /**
     * --pairs P > 1: every mode as P pairs of a bare loop immediately followed by the job run, each pair's steady
     * job/bare ratio from its own two runs, and the median over the pairs. On a shared host the learner's speed moves
     * by up to a third between stretches of tens of seconds (docs/performance.md, "Host regimes"), with no change
     * in the JVM; a ratio of runs far apart in time, or against the better of two bare runs, mixes those stretches
     * into the ratio, adjacent runs mostly share one.
     */
    private void paired(int n, int k, Event[] data, Path csv, String topic, String[] backends, List<String> modes,
            List<String> table, List<String> failures) throws Exception {
        for (String backend : backends) {
            for (String mode : modes) {
                if (mode.equals("bare")) {
                    continue;
                }
                double[] ratio = new double[pairs()];
                double[] job = new double[pairs()];
                double[] bareRate = new double[pairs()];
                double[] noJit = new double[pairs()];
                int ok = 0;
                for (int p = 0; p < pairs(); p++) {
                    Rate bare = bare(n, data);
                    Rate r;
                    try {
                        r = runMode(mode, n, csv, topic, backend);
                    } catch (IllegalStateException e) {
                        String failed = String.format(Locale.ROOT, "| %3d | %,6d | %-7s | %-9s | pair %d failed: %s",
                            n, k, backend, mode, p + 1, e.getMessage());
                        System.out.println(failed);
                        failures.add(failed);
                        continue;
                    }
                    System.out.println(row(n, k, backend, mode + " #" + (p + 1), r, bare));
                    Rate st = r.steady();
                    job[ok] = st.perCpuSecond();
                    bareRate[ok] = bare.steady().perCpuSecond();
                    ratio[ok] = job[ok] / bareRate[ok];
                    noJit[ok] = Double.isNaN(st.jitSeconds()) ? Double.NaN
                        : st.events() / (st.cpuSeconds() - st.jitSeconds()) / bareRate[ok];
                    ok++;
                }
                if (ok == 0) {
                    continue;
                }
                double[] q = Arrays.copyOf(ratio, ok);
                Arrays.sort(q);
                String line = String.format(Locale.ROOT, "| %3d | %,6d | %-7s | %-9s | steady job/bare, %d pairs: median "
                    + "%.0f%% (%.0f-%.0f%%), without the JIT threads %.0f%%; median job %,.0f, bare %,.0f events/CPU-s",
                    n, k, backend, mode, ok, 100 * median(ratio, ok), 100 * q[0], 100 * q[ok - 1],
                    100 * median(noJit, ok), median(job, ok), median(bareRate, ok));
                System.out.println(line);
                table.add(line);
            }
        }
    }

    private static double median(double[] v, int len) {
        double[] s = Arrays.copyOf(v, len);
        Arrays.sort(s);
        return len % 2 == 1 ? s[len / 2] : (s[len / 2 - 1] + s[len / 2]) / 2;
    }

    /**
     * A table row: the job/bare ratio of the whole JVM's CPU, then the JIT compiler threads' CPU in the window and the
     * ratio without it (the bare reference, its loop's own thread, never includes the compiler threads), then the
     * same ratio in the steady state and the JIT's CPU in it.
     */
    private static String row(int n, int keys, String backend, String mode, Rate r, Rate bare) {
        double exclJit = r.events() / (r.cpuSeconds() - r.jitSeconds()) / bare.perCpuSecond();
        Rate s = r.steady();
        Rate bs = bare.steady();
        return String.format(Locale.ROOT, "| %3d | %,6d | %-7s | %-9s | %,12.0f | %,14.0f | %7.0f%% | %9s | %9s | %,15.0f "
            + "| %7s | %8s |   (%d events, %.2f s wall, %.2f s CPU; steady %d events, %.2f s wall, %.2f s CPU)", n, keys,
            backend, mode, r.perWallSecond(), r.perCpuSecond(), 100.0 * r.perCpuSecond() / bare.perCpuSecond(),
            Double.isNaN(r.jitSeconds()) ? "-" : String.format(Locale.ROOT, "%.2f", r.jitSeconds()),
            Double.isNaN(r.jitSeconds()) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * exclJit),
            s == null ? Double.NaN : s.perCpuSecond(),
            s == null || bs == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * s.perCpuSecond() / bs.perCpuSecond()),
            s == null || Double.isNaN(s.jitSeconds()) ? "-" : String.format(Locale.ROOT, "%.2f", s.jitSeconds()),
            r.events(), r.wallSeconds(), r.cpuSeconds(), s == null ? 0 : s.events(), s == null ? 0 : s.wallSeconds(),
            s == null ? 0 : s.cpuSeconds());
    }

    /**
     * JIT warm-up, not reported: the bare loop and every job mode of the run (--warmup-modes, default the measured
     * ones) once over --warmup-events events of 10 keys at the first model size, so the measured windows of the jobs
     * do not carry the one-off compilation of their code paths (the bare reference is its own thread's CPU, which
     * excludes the compiler threads; see docs/performance.md for the figures with and without).
     */
    private void warmUp(int n, List<String> modes) throws Exception {
        int w = Integer.parseInt(opt.getOrDefault("warmup-events", "20000"));
        if (w == 0) {
            return;
        }
        List<String> warm = List.of(opt.getOrDefault("warmup-modes", String.join(",", modes)).split(","));
        int keys = Integer.parseInt(opt.getOrDefault("warmup-keys", "10"));
        Event[] data = events(w, keys);
        bare(n, data);
        if (warm.contains("file")) {
            System.out.println("    warm-up file:");
            file(n, writeCsv(data, keys), "hashmap");
        }
        if (warm.contains("kafka-alo") || warm.contains("kafka-eo")) {
            String topic = produce(data, keys);
            try {
                System.out.println("    warm-up kafka-alo:");
                kafka(n, topic, "hashmap", "at-least-once", w, List.of());
                if (warm.contains("kafka-eo")) {
                    System.out.println("    warm-up kafka-eo:");
                    kafka(n, topic, "hashmap", "exactly-once", w, List.of());
                }
            } catch (IllegalStateException e) {
                // a warm-up run whose outputs did not all arrive in time: the measured rows still run
                System.out.println("    warm-up failed: " + e.getMessage());
            }
        }
    }

    // ---- the event set

    /** Deterministic events: key i % keys, two channels, one second apart per key (as OperatorBenchmark's). */
    static Event[] events(int count, int keys) {
        Event[] data = new Event[count];
        for (int i = 0; i < count; i++) {
            data[i] = OperatorBenchmark.event(i, keys);
        }
        return data;
    }

    private Path writeCsv(Event[] data, int keys) throws IOException {
        Path p = dir.resolve("events-" + data.length + "-" + keys + ".csv");
        try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
            w.write("key,time,a,b\n");
            for (Event e : data) {
                w.write(line(e));
                w.write('\n');
            }
        }
        return p;
    }

    /** Double.toString round-trips, so the job parses exactly the bare loop's values. */
    private static String line(Event e) {
        return e.key + "," + e.timestamp + "," + e.values[0] + "," + e.values[1];
    }

    private static final String[] MAPPING = {"--key-field", "key", "--time-field", "time", "--value-fields", "a,b"};

    private ModelConfig model(int n) {
        return JobOptions.parse(modelArgs(n).toArray(new String[0])).modelConfig();
    }

    private List<String> modelArgs(int n) {
        List<String> a = new ArrayList<>(List.of("--hidden", String.valueOf(n), "--rank", opt.getOrDefault("rank", "4")));
        a.addAll(List.of(MAPPING));
        // --job-args 'a b c': extra job options for the measured jobs (e.g. --ttl 0), split on spaces
        String extra = opt.getOrDefault("job-args", "").trim();
        if (!extra.isEmpty()) {
            a.addAll(List.of(extra.split("\\s+")));
        }
        return a;
    }

    // ---- bare learner

    private Rate bare(int n, Event[] data) {
        ModelConfig cfg = model(n);
        Map<String, ForecastingLearner> learners = new HashMap<>();
        double sink = 0;
        long observeNanos = 0;
        long c0 = processCpu();
        long own0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        int steadyAt = (int) Math.ceil(steadyFrom() * data.length);
        long steadyOwn = own0;
        long steadyWall = t0;
        for (int i = 0; i < data.length; i++) {
            if (i == steadyAt) {
                steadyOwn = THREADS.getCurrentThreadCpuTime();
                steadyWall = System.nanoTime();
            }
            Event e = data[i];
            ForecastingLearner l = learners.get(e.key);
            if (l == null) {
                l = new ForecastingLearner(cfg, KeySeeds.seedFor(cfg.seed(), e.key));
                learners.put(e.key, l);
            }
            long o0 = org.flinkrtrl.flink.PartTimers.ON ? System.nanoTime() : 0L;
            sink += l.observe(e.timestamp, e.values).forecast[0];
            if (org.flinkrtrl.flink.PartTimers.ON) {
                observeNanos += System.nanoTime() - o0;
            }
        }
        long endWall = System.nanoTime();
        long endOwn = THREADS.getCurrentThreadCpuTime();
        long wall = endWall - t0;
        long cpu = processCpu() - c0;
        long own = endOwn - own0;
        System.out.printf(Locale.ROOT, "    bare n=%d: %.2f us/event CPU of the process, %.2f of the loop's thread%n", n,
            cpu / 1e3 / data.length, own / 1e3 / data.length);
        if (org.flinkrtrl.flink.PartTimers.ON) {
            System.out.printf(Locale.ROOT, "    parts (-Dflinkrtrl.partTimers, wall): bare observe %.3f us%n",
                observeNanos / 1e3 / data.length);
        }
        if (sink == 42.4242) {
            System.out.println(sink);
        }
        // the reference is the loop's own thread: the process also runs what earlier jobs of this JVM left behind
        // (client and cluster threads winding down), GC and JIT, which are not the learner's cost
        return new Rate(data.length, wall / 1e9, own / 1e9).withSteady(
            new Rate(data.length - steadyAt, (endWall - steadyWall) / 1e9, (endOwn - steadyOwn) / 1e9));
    }

    // ---- file mode

    private Rate file(int n, Path csv, String backend) throws Exception {
        List<String> a = modelArgs(n);
        a.addAll(List.of("--input", csv.toString(), "--out-dir", dir.resolve("out-" + (++runs)).toString(),
            "--state-backend", backend, "--report-charts", "0"));
        ThreadCpu threads = threadCpu();
        long expected = count(csv);
        org.flinkrtrl.jobs.OutputClock.reset();  // runFile resets it again; the window stays
        org.flinkrtrl.jobs.OutputClock.window((long) Math.ceil(steadyFrom() * expected), expected);
        boolean steadyThreads = "steady".equals(opt.get("native-window"));
        NativeThreadCpu nat = nativeThreads(steadyThreads ? org.flinkrtrl.jobs.OutputClock::steadyNanos
            : org.flinkrtrl.jobs.OutputClock::firstNanos);
        NativeThreadCpu jit = jitThreads(org.flinkrtrl.jobs.OutputClock::firstNanos);
        org.flinkrtrl.flink.PartTimers.reset();
        SensorForecastJob.FileRunResult r = SensorForecastJob.runFile(JobOptions.parse(a.toArray(new String[0])), QUIET);
        printParts(true);
        printThreadCpu(threads, r.predictions);
        long first = org.flinkrtrl.jobs.OutputClock.firstNanos();
        long end = first + (long) (r.run.processingSeconds() * 1e9);
        if (steadyThreads) {
            nativeReport(nat, org.flinkrtrl.jobs.OutputClock.steadyNanos(), org.flinkrtrl.jobs.OutputClock.endNanos(),
                org.flinkrtrl.jobs.OutputClock.endOutputs() - org.flinkrtrl.jobs.OutputClock.steadyOutputs());
        } else {
            nativeReport(nat, first, end, r.predictions);
        }
        double jitSeconds = jitSeconds(jit, first, end);
        if (r.failed || r.predictions != expected) {
            throw new IllegalStateException("file job: " + r.predictions + " predictions, " + r.deadLetters
                + " dead letters");
        }
        long s0 = org.flinkrtrl.jobs.OutputClock.steadyNanos();
        long s1 = org.flinkrtrl.jobs.OutputClock.endNanos();
        long steadyEvents = org.flinkrtrl.jobs.OutputClock.endOutputs() - org.flinkrtrl.jobs.OutputClock.steadyOutputs();
        double samplers = samplersSeconds(s0, s1, nat, jit);
        printWindow(samplers, steadyEvents, s0, s1);
        Rate steady = new Rate(steadyEvents, (s1 - s0) / 1e9, (org.flinkrtrl.jobs.OutputClock.endCpuNanos()
            - org.flinkrtrl.jobs.OutputClock.steadyCpuNanos()) / 1e9 - samplers, jit == null ? Double.NaN : jit.seconds(s0, s1));
        return new Rate(r.predictions - 1, r.run.processingSeconds(),
            r.processingCpuNanos / 1e9 - samplersSeconds(first, end, nat, jit), jitSeconds).withSteady(steady);
    }

    private static long count(Path csv) throws IOException {
        try (var lines = Files.lines(csv)) {
            return lines.count() - 1;
        }
    }

    // ---- Kafka mode

    private void startBroker() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g", "-cp", System.getProperty("java.class.path"), BenchBroker.class.getName());
        pb.redirectError(dir.resolve("broker.log").toFile());
        broker = pb.start();
        BufferedReader r = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("bootstrap=")) {
                bootstrap = line.substring("bootstrap=".length());
                break;
            }
        }
        if (bootstrap == null) {
            throw new IllegalStateException("the broker did not start; see " + dir.resolve("broker.log"));
        }
        System.out.println("broker: " + bootstrap + " (child JVM, not counted)");
    }

    private Properties client() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    private void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(client())) {
            // no retention: the outputs carry their events' times (Nov 2023 in this event set), and the broker's
            // default 7-day retention deletes such records within minutes, before the checking consumer reads them
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)
                .configs(Map.of("retention.ms", "-1")))).all().get();
        }
    }

    /** The event set as CSV records (no header), keyed by key, on a 2-partition topic; returns the topic. */
    private String produce(Event[] data, int keys) throws Exception {
        String topic = "in-" + data.length + "-" + keys;
        if (!produced.add(topic)) {
            return topic;
        }
        createTopic(topic, 2);
        Properties p = client();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer =
                 new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Event e : data) {
                producer.send(new ProducerRecord<>(topic, e.key.getBytes(StandardCharsets.UTF_8),
                    line(e).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return topic;
    }

    /**
     * The Kafka client properties of a mode's variant: mode {@code kafka-alo@V} runs with the properties of option
     * {@code --kafka-V} ({@code key=value;key=value}), so client settings are compared in the same run.
     */
    private List<String> kafkaVariant(String v) {
        String spec = opt.get("kafka-" + v);
        if (spec == null) {
            throw new IllegalArgumentException("mode variant @" + v + " needs --kafka-" + v + " key=value;...");
        }
        List<String> a = new ArrayList<>();
        for (String kv : spec.split(";")) {
            a.add("--kafka-property");
            a.add(kv.trim());
        }
        return a;
    }

    private Rate kafka(int n, String inputTopic, String backend, String delivery, int events, List<String> props)
            throws Exception {
        int run = ++runs;
        String out = "out-" + run;
        createTopic(out, 2);
        List<String> a = modelArgs(n);
        a.addAll(List.of("--bootstrap-servers", bootstrap, "--input-topic", inputTopic, "--output-topic", out,
            "--format", "csv", "--csv-columns", "key,time,a,b", "--group-id", "bench-" + run,
            "--transactional-id-prefix", "bench-" + run, "--delivery", delivery, "--state-backend", backend,
            "--event-order", opt.getOrDefault("kafka-event-order", "arrival"),
            "--checkpoint-interval", opt.getOrDefault("checkpoint-interval", "2s"),
            "--checkpoint-dir", dir.resolve("ckpt-" + run).toUri().toString()));
        a.addAll(props);
        JobOptions o = JobOptions.parse(a.toArray(new String[0]));
        StreamExecutionEnvironment env = SensorForecastJob.environment(o);
        SensorForecastJob.buildKafka(env, o);
        ThreadCpu threads = threadCpu();
        NativeThreadCpu nat = nativeThreads(null);
        NativeThreadCpu jit = jitThreads(null);
        org.flinkrtrl.jobs.OutputClock.reset();
        boolean jobWindow = "job".equals(opt.getOrDefault("kafka-window", "consumer"));
        // job window: end where the job's own count of predictions passes all but the last partial blocks of its
        // writers (ProgressLogger adds them in blocks; an unbounded source never closes it)
        long jobEnd = events - (long) Math.max(1, env.getParallelism()) * org.flinkrtrl.jobs.OutputClock.BLOCK;
        org.flinkrtrl.jobs.OutputClock.window((long) Math.ceil(steadyFrom() * events), jobWindow ? jobEnd : Long.MAX_VALUE);
        long submitWall = System.nanoTime();
        long submitCpu = processCpu() - THREADS.getCurrentThreadCpuTime();
        org.flinkrtrl.flink.PartTimers.reset();
        JobClient job = env.executeAsync("bench-" + run);
        try {
            Duration timeout = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("timeout-seconds", "600")));
            if (jobWindow) {
                return jobWindowRate(out, events, timeout, nat, jit);
            }
            Window w = readOutputs(out, events, timeout);
            if (delivery.equals("at-least-once")) {
                // outputs follow the events closely: the steady state is the first output to the last, and the
                // time to the first output is the job's start-up
                startupWall = w.firstWall - submitWall;
                startupCpu = w.firstCpu - submitCpu - (long) (samplersSeconds(submitWall, w.firstWall, nat, jit) * 1e9);
                nativeReport(nat, w.firstWall, w.endWall, w.total - w.firstCount);
                return new Rate(w.total - w.firstCount, (w.endWall - w.firstWall) / 1e9, (w.endCpu - w.firstCpu) / 1e9
                    - samplersSeconds(w.firstWall, w.endWall, nat, jit), jitSeconds(jit, w.firstWall, w.endWall))
                    .withSteady(w.steady(nat, jit));
            }
            // exactly-once: outputs become visible a checkpoint at a time, long after most events were processed,
            // so the window is the whole run less the start-up measured on the at-least-once run of the same row
            if (startupCpu < 0) {
                throw new IllegalStateException("kafka-eo needs a kafka-alo run before it in the same row");
            }
            nativeReport(nat, submitWall + startupWall, w.endWall, w.total);
            return new Rate(w.total, (w.endWall - submitWall - startupWall) / 1e9,
                (w.endCpu - submitCpu - startupCpu) / 1e9 - samplersSeconds(submitWall, w.endWall, nat, jit),
                jitSeconds(jit, submitWall + startupWall, w.endWall)).withSteady(w.steady(nat, jit));
        } finally {
            printParts(false);
            printThreadCpu(threads, events);
            for (NativeThreadCpu t : new NativeThreadCpu[] {nat, jit}) {
                if (t != null) {
                    t.close();
                }
            }
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * With {@code -Dflinkrtrl.partTimers=true}: the forecaster thread's parts since the last reset, means per learned
     * event of the whole run (start-up included): the learner's observe, processElement, the chained output's
     * hand-over within it (file: the JSON and the sink's write, which is also given alone; Kafka: the prediction's
     * encoding and the producer's send on the forecaster thread).
     */
    private static void printParts(boolean file) {
        if (!org.flinkrtrl.flink.PartTimers.ON) {
            return;
        }
        double[] p = org.flinkrtrl.flink.PartTimers.microsPerEvent();
        System.out.printf(Locale.ROOT, "    parts (-Dflinkrtrl.partTimers, wall, means of %d events): observe %.3f us, "
            + "processElement %.3f, of which the output hand-over %.3f%s%n", org.flinkrtrl.flink.PartTimers.events(),
            p[0], p[1], p[2], file ? String.format(Locale.ROOT, ", of which the file sink's write %.3f", p[3])
                : " (the Kafka sink's encoding and send)");
    }

    /** Start-up of the last at-least-once job (submission to first output), nanoseconds; -1 before the first. */
    private long startupWall = -1;
    private long startupCpu = -1;

    /**
     * What the checking consumer saw: outputs in its first poll and in all, and the wall clock and the process CPU
     * less the consumer thread's own CPU at the first and the last output.
     */
    record Window(long firstCount, long total, long firstWall, long firstCpu, long endWall, long endCpu,
                  long steadyCount, long steadyWall, long steadyCpu) {
        /** From the job's predictions reaching the steady state's start to the last output read. */
        Rate steady(NativeThreadCpu nat, NativeThreadCpu jit) {
            if (steadyWall == 0) {
                return null;
            }
            return new Rate(total - steadyCount, (endWall - steadyWall) / 1e9, (endCpu - steadyCpu) / 1e9
                - samplersSeconds(steadyWall, endWall, nat, jit), jit == null ? Double.NaN : jit.seconds(steadyWall, endWall));
        }
    }

    /**
     * --kafka-window job: the steady window from the job's own prediction count (ProgressLogger, OutputClock), from
     * --steady-from of the events to all but the writers' last partial blocks, while this thread sleeps; the topic is
     * read for completeness only after that window, so the checking consumer's CPU and the compilation of its code
     * stay outside it. Both the whole-run and the steady rate are that window.
     */
    private Rate jobWindowRate(String out, int events, Duration timeout, NativeThreadCpu nat, NativeThreadCpu jit)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (org.flinkrtrl.jobs.OutputClock.endNanos() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long start = org.flinkrtrl.jobs.OutputClock.steadyNanos();
        long end = org.flinkrtrl.jobs.OutputClock.endNanos();
        if (start == 0 || end == 0) {
            throw new IllegalStateException("the job's prediction count did not reach its window in time");
        }
        long counted = org.flinkrtrl.jobs.OutputClock.endOutputs() - org.flinkrtrl.jobs.OutputClock.steadyOutputs();
        double samplers = samplersSeconds(start, end, nat, jit);
        double cpu = (org.flinkrtrl.jobs.OutputClock.endCpuNanos() - org.flinkrtrl.jobs.OutputClock.steadyCpuNanos()) / 1e9
            - samplers;
        double jitS = jitSeconds(jit, start, end);
        printWindow(samplers, counted, start, end);
        nativeReport(nat, start, end, counted);
        Window w = readOutputs(out, events, timeout);
        if (w.total() < events) {
            throw new IllegalStateException("only " + w.total() + " of " + events + " outputs arrived");
        }
        Rate steady = new Rate(counted, (end - start) / 1e9, cpu, jitS);
        return steady.withSteady(steady);
    }

    /** Counts committed outputs of {@code topic} until {@code expected} arrived. */
    private Window readOutputs(String topic, long expected, Duration timeout) {
        Properties p = client();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "checker-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long seen = 0;
        long firstWall = 0;
        long firstCpu = 0;
        long firstCount = 0;
        long steadyCount = 0;
        long steadyWall = 0;
        long steadyCpu = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            while (seen < expected && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(100));
                if (steadyWall == 0 && org.flinkrtrl.jobs.OutputClock.steadyNanos() != 0) {
                    // the job's predictions reached the steady state's start (counted in the job): its moment and
                    // the process CPU then, less this thread's CPU now (it polls at most 100 ms later)
                    steadyWall = org.flinkrtrl.jobs.OutputClock.steadyNanos();
                    steadyCpu = org.flinkrtrl.jobs.OutputClock.steadyCpuNanos() - THREADS.getCurrentThreadCpuTime();
                    steadyCount = org.flinkrtrl.jobs.OutputClock.steadyOutputs();
                }
                if (rs.isEmpty()) {
                    continue;
                }
                seen += rs.count();
                if (firstWall == 0) {
                    firstWall = System.nanoTime();
                    firstCpu = processCpu() - THREADS.getCurrentThreadCpuTime();
                    firstCount = seen;
                }
            }
            long endWall = System.nanoTime();
            long endCpu = processCpu() - THREADS.getCurrentThreadCpuTime();
            if (seen < expected) {
                throw new IllegalStateException("only " + seen + " of " + expected + " outputs on " + topic);
            }
            return new Window(firstCount, seen, firstWall, firstCpu, endWall, endCpu, steadyCount, steadyWall,
                steadyCpu);
        }
    }

    /**
     * Samples every live thread's CPU time (every 250 ms, and at {@link #close}) so threads that end within a run
     * (a MiniCluster's task threads) are still accounted: per thread the last value seen minus the value at start.
     */
    static final class ThreadCpu implements AutoCloseable {
        private final Map<Long, Long> start = new HashMap<>();
        private final Map<Long, Long> last = new HashMap<>();
        private final Map<Long, String> names = new HashMap<>();
        private final Thread sampler;
        private volatile boolean running = true;

        ThreadCpu() {
            sample(start);
            sampler = new Thread(() -> {
                while (running) {
                    sample(null);
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "thread-cpu-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        private synchronized void sample(Map<Long, Long> into) {
            for (long id : THREADS.getAllThreadIds()) {
                long t = THREADS.getThreadCpuTime(id);
                var info = THREADS.getThreadInfo(id);
                if (t < 0 || info == null) {
                    continue;
                }
                names.putIfAbsent(id, info.getThreadName().replaceAll("[0-9]+", "#"));
                (into != null ? into : last).put(id, t);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            sampler.interrupt();
            sampler.join();
            sample(null);
        }

        /** CPU seconds by thread name (digits folded), largest first. */
        synchronized List<Map.Entry<String, Long>> byName() {
            Map<String, Long> m = new HashMap<>();
            last.forEach((id, t) -> m.merge(names.get(id), t - start.getOrDefault(id, 0L), Long::sum));
            List<Map.Entry<String, Long>> l = new ArrayList<>(m.entrySet());
            l.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
            return l;
        }
    }

    private ThreadCpu threadCpu() {
        return Boolean.parseBoolean(opt.getOrDefault("threads", "false")) ? new ThreadCpu() : null;
    }

    /** With --threads true: the threads' CPU during a run (start-up and report included), microseconds per event. */
    private static void printThreadCpu(ThreadCpu t, long events) throws InterruptedException {
        if (t == null) {
            return;
        }
        t.close();
        t.byName().stream().filter(e -> e.getValue() > 0).limit(14).forEach(e -> System.out.printf(Locale.ROOT,
            "    %8.2f us/event  %s%n", e.getValue() / 1e3 / events, e.getKey()));
    }

    /** With --native-threads true: every native thread's CPU in the measured window (see NativeThreadCpu). */
    private NativeThreadCpu nativeThreads(java.util.function.LongSupplier startClock) {
        return Boolean.parseBoolean(opt.getOrDefault("native-threads", "false"))
            ? new NativeThreadCpu(Integer.parseInt(opt.getOrDefault("sample-millis", "50")), startClock) : null;
    }

    /**
     * The JIT compiler threads' CPU, read from /proc every 100 ms (a directory listing and one small read per
     * compiler thread: about 0.5 us per event of the window, which stays in the process CPU); null where /proc is
     * not there.
     */
    private NativeThreadCpu jitThreads(java.util.function.LongSupplier startClock) {
        if (!Files.isDirectory(Path.of("/proc/self/task"))) {
            return null;
        }
        return new NativeThreadCpu(100, startClock, name -> name.contains("CompilerThre"));
    }

    private static double jitSeconds(NativeThreadCpu jit, long start, long end) throws InterruptedException {
        if (jit == null) {
            return Double.NaN;
        }
        jit.close();
        return jit.seconds(start, end);
    }

    private int nativeRows() {
        return Integer.parseInt(opt.getOrDefault("thread-rows", "16"));
    }

    /**
     * CPU seconds the bench's own samplers (the per-thread one of --native-threads, the JIT one) spent between two
     * System.nanoTime values: in the process CPU of a window, but not the job's, so every job window is given
     * without it.
     */
    static double samplersSeconds(long start, long end, NativeThreadCpu... samplers) {
        double s = 0.0;
        for (NativeThreadCpu t : samplers) {
            if (t != null) {
                s += t.selfSeconds(start, end);
            }
        }
        return s;
    }

    /**
     * The steady window's lines: the bench's own samplers' CPU in it (left out of the row), and its start and end
     * (System.nanoTime) as JVM uptimes, the time stamps of {@code -Xlog:...:uptime} logs (e.g.
     * {@code -Xlog:jit+compilation=debug:file=jit.log:uptime}: what the JIT compiled inside the window).
     */
    private static void printWindow(double samplerSeconds, long events, long startNanos, long endNanos) {
        System.out.printf(Locale.ROOT, "    the bench's samplers in the steady window: %.3f us/event, left out of the row%n",
            samplerSeconds * 1e6 / events);
        double up = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
        long now = System.nanoTime();
        System.out.printf(Locale.ROOT, "    the steady window at JVM uptime %.2f-%.2f s%n", up - (now - startNanos) / 1e9,
            up - (now - endNanos) / 1e9);
    }

    private void nativeReport(NativeThreadCpu nat, long start, long end, long events) throws InterruptedException {
        if (nat != null) {
            nat.window(start, end);
            nat.close();
            nat.report(events, nativeRows());
        }
    }

    static long processCpu() {
        return OperatorBenchmark.processCpu();
    }
}
