package org.flinkrtrl.jobs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.flinkrtrl.connectors.RawRecord;
import org.flinkrtrl.flink.LearnerOperator;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Prediction;

/**
 * Many keys through the sensor job's topology ({@link Pipeline}: parse, watermarks, keyBy, forecaster, progress)
 * with the job's environment (state backend, checkpointing, no generic types, object reuse) from the job's own
 * command line, and two parts swapped for a cheap benchmark: the source generates CSV records in memory instead of
 * reading a file or a topic, and the outputs are counted and discarded instead of collected to the client (whose
 * per-key report would hold about 1.7 KB of heap per key) or written to Kafka.
 *
 * <p>Events: {@code --keys K} keys {@code s0..s(K-1)} round robin, {@code --events-per-key R} rounds a minute apart
 * in event time, one value each. After the last event the source sends an empty record every 100 ms (each one a
 * dead letter, no key touched) so the job stays running until the first checkpoint that every forecaster subtask
 * took after the events of its key groups completes; then it reports that checkpoint (on-disk size of its directory,
 * and the time from the first operator snapshot to completion; Flink's own size and duration are in the
 * CheckpointCoordinator's log line), cancels the job and halts the JVM.
 *
 * <p>Every {@code --report-every} seconds (default 60) and at the end: events (one new key per event in the first
 * round), wall time, CPU time of the JVM, heap used, resident memory, bytes under the RocksDB directory; at the end
 * the CPU time per thread group (from /proc, so RocksDB's own native threads are included). Options after the
 * runner's own are the job's ({@link JobOptions}); {@code --conf key=value} (repeatable) adds a Flink configuration
 * entry such as {@code execution.checkpointing.incremental=true}. In the jobs package for the package-private
 * {@link Pipeline}; lives in the bench module, not in the job jar. See docs/performance.md, "State size and scale".
 */
public final class KeyScale {
    private static final long BASE_TIME = 1_700_000_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Outputs seen, across subtasks (same JVM as the local cluster). */
    static final AtomicLong PREDICTIONS = new AtomicLong();
    static final AtomicLong DEAD_LETTERS = new AtomicLong();
    static final AtomicLong HEARTBEATS = new AtomicLong();
    /** Per checkpoint id: subtasks that snapshotted after their last prediction, and the first such snapshot's time. */
    static final Map<Long, AtomicInteger> SNAPSHOTS_AFTER_END = new ConcurrentHashMap<>();
    static final Map<Long, Long> FIRST_SNAPSHOT_NANOS = new ConcurrentHashMap<>();
    static final CompletableFuture<long[]> FINAL_CHECKPOINT = new CompletableFuture<>();
    static volatile int parallelism;
    /** Events of each forecaster subtask's key groups. */
    static volatile long[] expectedPerSubtask;

    private KeyScale() {}

    /** Key i % keys, round i / keys a minute apart; a deterministic value per key and round. */
    static final class Records implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final long keys;
        private final long events;

        Records(long keys, long events) {
            this.keys = keys;
            this.events = events;
        }

        @Override
        public RawRecord map(Long index) throws InterruptedException {
            long i = index;
            if (i >= events) {
                Thread.sleep(100);
                return new RawRecord("", i + 1, Long.MIN_VALUE);
            }
            long k = i % keys;
            long round = i / keys;
            double v = 20 + 5 * Math.sin(0.3 * round + 0.001 * k) + (k % 7);
            return new RawRecord("s" + k + "," + (BASE_TIME + round * 60_000L) + ","
                + String.format(Locale.ROOT, "%.4f", v), i + 1, Long.MIN_VALUE);
        }
    }

    /**
     * Counts predictions; marks each checkpoint that this subtask snapshotted after its last prediction (its own
     * count equals the events of its key groups), and completes {@link #FINAL_CHECKPOINT} with the first checkpoint
     * that every subtask snapshotted after its last prediction: the first one holding every key's model.
     */
    static final class Count extends RichMapFunction<Prediction, Prediction>
            implements CheckpointedFunction, CheckpointListener {
        private static final long serialVersionUID = 1L;
        private transient long seen;
        private transient long mine;

        @Override
        public void open(OpenContext ctx) {
            mine = expectedPerSubtask[getRuntimeContext().getTaskInfo().getIndexOfThisSubtask()];
        }

        @Override
        public Prediction map(Prediction p) {
            seen++;
            PREDICTIONS.incrementAndGet();
            return p;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext ctx) {
            if (seen >= mine) {
                FIRST_SNAPSHOT_NANOS.putIfAbsent(ctx.getCheckpointId(), System.nanoTime());
                SNAPSHOTS_AFTER_END.computeIfAbsent(ctx.getCheckpointId(), id -> new AtomicInteger()).incrementAndGet();
            }
        }

        @Override
        public void initializeState(FunctionInitializationContext ctx) {}

        @Override
        public void notifyCheckpointComplete(long id) {
            AtomicInteger n = SNAPSHOTS_AFTER_END.get(id);
            if (n != null && n.get() == parallelism) {
                FINAL_CHECKPOINT.complete(new long[] {id, System.nanoTime() - FIRST_SNAPSHOT_NANOS.get(id)});
            }
        }
    }

    /** Events per forecaster subtask: each key's events go to the subtask of its key group. */
    static long[] eventsPerSubtask(long keys, long perKey, int maxParallelism, int parallelism) {
        long[] n = new long[parallelism];
        for (long k = 0; k < keys; k++) {
            n[KeyGroupRangeAssignment.assignKeyToParallelOperator("s" + k, maxParallelism, parallelism)] += perKey;
        }
        return n;
    }

    static final class CountDead implements MapFunction<DeadLetter, DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public DeadLetter map(DeadLetter d) {
            if ("empty record".equals(d.reason)) {
                HEARTBEATS.incrementAndGet();
            } else {
                DEAD_LETTERS.incrementAndGet();
            }
            return d;
        }
    }

    public static void main(String[] args) throws Exception {
        long keys = 100_000;
        long perKey = 1;
        long reportEvery = 60;
        Path work = Paths.get("/tmp/key-scale");
        Configuration extra = new Configuration();
        List<String> job = new ArrayList<>(List.of("--input", "generated.csv", "--csv-columns", "key,time,value",
            "--key-field", "key", "--time-field", "time", "--value-fields", "value"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--keys" -> keys = Long.parseLong(args[++i]);
                case "--events-per-key" -> perKey = Long.parseLong(args[++i]);
                case "--report-every" -> reportEvery = Long.parseLong(args[++i]);
                case "--work-dir" -> work = Paths.get(args[++i]);
                case "--conf" -> {
                    String[] kv = args[++i].split("=", 2);
                    extra.setString(kv[0], kv[1]);
                }
                default -> job.add(args[i]);
            }
        }
        Path rocksDir = work.resolve("rocksdb");
        Files.createDirectories(rocksDir);
        if (!extra.containsKey("state.backend.rocksdb.localdir")) {
            extra.setString("state.backend.rocksdb.localdir", rocksDir.toString());
        }
        long events = keys * perKey;
        JobOptions o = JobOptions.parse(job.toArray(new String[0]));
        StreamExecutionEnvironment env = SensorForecastJob.environment(o);
        env.configure(extra);
        parallelism = env.getParallelism();
        int maxParallelism = env.getMaxParallelism() > 0 ? env.getMaxParallelism()
            : KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism);
        expectedPerSubtask = eventsPerSubtask(keys, perKey, maxParallelism, parallelism);
        Pipeline.Settings settings = SensorForecastJob.settings(o, SensorForecastJob.parser(o, null));
        System.out.printf(Locale.ROOT, "key scale: %,d keys x %d events = %,d events, parallelism %d, %d cores, "
            + "Java %s, max heap %d MB%n", keys, perKey, events, parallelism,
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
            Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("events per forecaster subtask: " + java.util.Arrays.toString(expectedPerSubtask));
        System.out.println("job options: " + String.join(" ", job));
        System.out.println("extra Flink configuration: " + extra);
        System.out.println("model: " + settings.model());

        DataStream<RawRecord> raw = env.fromSource(new DataGeneratorSource<>(new Records(keys, events),
                Long.MAX_VALUE, TypeInformation.of(RawRecord.class)), WatermarkStrategy.noWatermarks(), "generated")
            .uid("generated-source").setParallelism(1);
        Pipeline p = Pipeline.build(raw, settings, true, null);
        p.predictions().map(new Count()).returns(LearnerOperator.PREDICTION_TYPE).uid("count").name("count")
            .sinkTo(new DiscardingSink<>()).uid("discard").name("discard");
        p.deadLetters().map(new CountDead()).returns(TypeInformation.of(DeadLetter.class)).uid("count-dead")
            .name("count-dead").sinkTo(new DiscardingSink<>()).uid("discard-dead").name("discard-dead");

        long t0 = System.nanoTime();
        long cpu0 = OutputClock.processCpuNanos();
        JobClient client = env.executeAsync(o.get(o.jobName));
        long lastReport = t0;
        long doneNanos = 0;
        long doneCpu = 0;
        long[] fin = null;
        System.out.println(header());
        while (true) {
            TimeUnit.MILLISECONDS.sleep(500);
            if (client.getJobStatus().get().isGloballyTerminalState()) {
                client.getJobExecutionResult().get(); // throws the failure
                throw new IllegalStateException("job ended before its final checkpoint");
            }
            long now = System.nanoTime();
            if (doneNanos == 0 && PREDICTIONS.get() + DEAD_LETTERS.get() >= events) {
                doneNanos = now;
                doneCpu = OutputClock.processCpuNanos();
                System.out.println(line("last event", now - t0, doneCpu - cpu0, rocksDir, events));
            }
            if (now - lastReport >= TimeUnit.SECONDS.toNanos(reportEvery)) {
                lastReport = now;
                System.out.println(line("running", now - t0, OutputClock.processCpuNanos() - cpu0, rocksDir,
                    events));
            }
            if (FINAL_CHECKPOINT.isDone()) {
                fin = FINAL_CHECKPOINT.get();
                break;
            }
        }
        long end = System.nanoTime();
        System.out.println(line("checkpointed", end - t0, OutputClock.processCpuNanos() - cpu0, rocksDir,
            events));
        System.gc();
        System.out.println(line("after GC", System.nanoTime() - t0, OutputClock.processCpuNanos() - cpu0,
            rocksDir, events));
        Path chkRoot = o.has(o.checkpointDir) ? Paths.get(java.net.URI.create(o.get(o.checkpointDir))) : null;
        long chkBytes = -1;
        long sharedBytes = -1;
        if (chkRoot != null) {
            try (Stream<Path> jobs = Files.list(chkRoot)) {
                for (Path jobDir : jobs.toList()) {
                    Path c = jobDir.resolve("chk-" + fin[0]);
                    if (Files.isDirectory(c)) {
                        chkBytes = bytesUnder(c);
                        sharedBytes = bytesUnder(jobDir.resolve("shared"));
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "final checkpoint %d (the first after the last event): first snapshot to "
            + "complete %.1f s; on disk chk-%d %,d bytes, shared/ %,d bytes (incremental files of the retained "
            + "checkpoints), %.0f bytes per key%n", fin[0], fin[1] / 1e9, fin[0], chkBytes, sharedBytes,
            (double) (Math.max(chkBytes, 0) + Math.max(sharedBytes, 0)) / keys);
        System.out.printf(Locale.ROOT, "predictions %,d, dead letters %,d (besides %,d heartbeats); events/s wall "
            + "%.0f, per CPU-second %.0f (start to last event)%n", PREDICTIONS.get(), DEAD_LETTERS.get(),
            HEARTBEATS.get(), events / ((doneNanos - t0) / 1e9), events / ((doneCpu - cpu0) / 1e9));
        threadCpu();
        client.cancel().get(60, TimeUnit.SECONDS);
        System.out.flush();
        // halt, not exit: the local cluster's shutdown hooks can take minutes on a loaded host, and nothing is left
        // to write (the RocksDB and checkpoint directories stay in the work directory)
        Runtime.getRuntime().halt(PREDICTIONS.get() == events && DEAD_LETTERS.get() == 0 ? 0 : 1);
    }

    private static String header() {
        return String.format(Locale.ROOT, "%-12s %8s %12s %10s %8s %9s %9s %14s %9s", "", "wall s", "events",
            "events/s", "CPU s", "heap MB", "RSS MB", "RocksDB bytes", "B/key");
    }

    private static String line(String what, long wallNanos, long cpuNanos, Path rocksDir, long events)
            throws IOException {
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        long done = PREDICTIONS.get();
        long rocks = bytesUnder(rocksDir);
        return String.format(Locale.ROOT, "%-12s %8.0f %12d %10.0f %8.0f %9d %9d %14d %9.0f", what, wallNanos / 1e9,
            done, done / (wallNanos / 1e9), cpuNanos / 1e9, heap >> 20, rss() >> 20, rocks,
            done == 0 ? 0.0 : (double) rocks / Math.min(done, events));
    }

    /**
     * Bytes of the regular files under {@code dir}; files deleted during the walk (compacted SST files, subsumed
     * checkpoints) are skipped.
     */
    static long bytesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        long[] sum = new long[1];
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    sum[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return sum[0];
    }

    private static long rss() {
        try {
            for (String l : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU seconds per thread group since the JVM started: Java threads by their full names (digits folded), the
     * JVM's and RocksDB's native threads by their /proc names.
     */
    static void threadCpu() throws IOException {
        Map<Long, String> javaNames = new ConcurrentHashMap<>();
        for (ThreadInfo t : THREADS.dumpAllThreads(false, false)) {
            javaNames.put(t.getThreadId(), t.getThreadName());
        }
        Map<String, Double> groups = new TreeMap<>();
        double total = 0;
        try (Stream<Path> tasks = Files.list(Paths.get("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                String comm;
                try {
                    stat = Files.readString(task.resolve("stat"));
                    comm = Files.readString(task.resolve("comm")).trim();
                } catch (IOException e) {
                    continue;
                }
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double secs = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime, 100 Hz
                total += secs;
                groups.merge(comm.replaceAll("[0-9]+", "#"), secs, Double::sum);
            }
        }
        System.out.printf(Locale.ROOT, "CPU per thread group (s, /proc names, whole JVM life, %.0f s in all):%n",
            total);
        groups.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(25)
            .forEach(e -> System.out.printf(Locale.ROOT, "  %8.1f  %s%n", e.getValue(), e.getKey()));
        System.out.println("Java threads (full names) of the job: " + javaNames.values().stream()
            .filter(n -> n.contains("(") || n.startsWith("Source")).map(n -> n.replaceAll("[0-9]+", "#")).distinct()
            .toList());
    }
}
