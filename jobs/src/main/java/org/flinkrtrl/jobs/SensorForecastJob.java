package org.flinkrtrl.jobs;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.flinkrtrl.connectors.ControlParseFunction;
import org.flinkrtrl.connectors.EventParser;
import org.flinkrtrl.connectors.FieldMapping;
import org.flinkrtrl.connectors.FileReplay;
import org.flinkrtrl.connectors.KafkaConnectors;
import org.flinkrtrl.connectors.KafkaProperties;
import org.flinkrtrl.connectors.KafkaTopics;
import org.flinkrtrl.connectors.NumberedLineFormat;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.connectors.RawRecord;
import org.flinkrtrl.connectors.ReplayThrottle;
import org.flinkrtrl.core.learner.KernelWarmUp;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.math.Kernels;
import org.flinkrtrl.jobs.lifecycle.ModelBootstrap;
import org.flinkrtrl.jobs.lifecycle.ModelExport;
import org.flinkrtrl.jobs.report.AnomalyAuc;
import org.flinkrtrl.jobs.eval.NabCorpus;
import org.flinkrtrl.jobs.report.Evaluation;
import org.flinkrtrl.jobs.report.ForecastErrors;
import org.flinkrtrl.jobs.report.RunInfo;
import org.flinkrtrl.jobs.report.RunReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main job: per-key online forecasting and anomaly scoring of sensor-like streams. Three ways to run it (see
 * {@link JobOptions#USAGE}): the embedded demo on the bundled sensor data, a bounded file replay, or an unbounded
 * Kafka job with exactly-once outputs.
 */
public final class SensorForecastJob {
    private static final Logger LOG = LoggerFactory.getLogger(SensorForecastJob.class);
    /** The bundled data set (CC BY 4.0, see data/README.md beside it). */
    public static final String BUNDLED_DATA = "/data/suthaharan-single-hop.csv";

    private SensorForecastJob() {}

    public static void main(String[] args) throws Exception {
        HeapGuard.install(System.err);
        int rc = run(args, System.out, System.err);
        if (rc != 0) {
            System.exit(rc);
        }
    }

    /** Runs the job; returns the process exit code (0 ok, 2 bad command line, 1 failure). */
    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        JobOptions o;
        try {
            o = JobOptions.parse(args);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help to list the options.");
            return 2;
        }
        if (o.isHelp()) {
            o.printHelp(out);
            return 0;
        }
        try {
            if (o.action() == JobOptions.Action.EXPORT_MODELS) {
                return exportModels(o, out, err);
            }
            if (o.action() == JobOptions.Action.IMPORT_MODELS) {
                return importModels(o, out, err);
            }
            // Which kernels, before anything loads them; then the SIMD kernels' JIT warm-up runs beside the
            // cluster's start-up (no-op on the plain kernels)
            KernelChoice.apply(o.get(o.kernels), o.modelConfig(), cap -> expectedEvents(o, cap));
            if (o.logMode()) {
                KernelWarmUp.startInBackground(o.modelConfig());
                return LogJob.run(o, out);
            }
            KernelWarmUp.startForForecaster(o.modelConfig());
            if (o.mode() == JobOptions.Mode.KAFKA) {
                requireInputTopic(o);
                StreamExecutionEnvironment env = environment(o);
                buildKafka(env, o);
                env.execute(o.get(o.jobName));
                return 0;
            }
            FileRunResult r = runFile(o, out);
            return r.failed ? 1 : 0;
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help to list the options.");
            return 2;
        }
    }

    /** Lines of the bounded input (the file or the bundled data) up to {@code cap}, -1 for Kafka's unbounded one. */
    static long expectedEvents(JobOptions o, long cap) throws IOException {
        if (o.mode() == JobOptions.Mode.KAFKA) {
            return -1;
        }
        if (o.mode() == JobOptions.Mode.FILE) {
            return KernelChoice.events(o.get(o.input), cap);
        }
        try (InputStream in = SensorForecastJob.class.getResourceAsStream(o.logMode() ? LogJob.BUNDLED_LOGS
            : BUNDLED_DATA)) {
            return in == null ? -1 : KernelChoice.events(in, cap);
        }
    }

    /** --restore SAVEPOINT --export-models FILE: the models as JSON lines. */
    static int exportModels(JobOptions o, PrintStream out, PrintStream err) throws Exception {
        Path file = o.get(o.exportModels);
        try {
            long n = ModelExport.run(toolEnvironment(o), o.get(o.restore), file, o.has(o.exportWeights));
            out.println("exported " + n + " models from " + o.get(o.restore) + " to " + file.toAbsolutePath());
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** --import-models FILE --import-savepoint DIR: a savepoint holding the models. */
    static int importModels(JobOptions o, PrintStream out, PrintStream err) throws Exception {
        Path file = o.get(o.importModels);
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--import-models: file not found: " + file);
        }
        try {
            java.util.Map<String, Long> n = ModelBootstrap.run(toolEnvironment(o), file, o.get(o.importSavepoint));
            StringBuilder what = new StringBuilder();
            n.forEach((kind, count) -> what.append(what.length() == 0 ? "" : " and ").append(count).append(' ')
                .append(kind).append(count == 1 ? " model" : " models"));
            out.println("imported " + what + " from " + file + " into the savepoint " + o.get(o.importSavepoint)
                + "; start the job from it with --restore " + o.get(o.importSavepoint));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** The environment of export and import: the state backend and parallelism options, no restore, no checkpoints. */
    static StreamExecutionEnvironment toolEnvironment(JobOptions o) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend(o));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (o.has(o.parallelism)) {
            env.setParallelism(o.get(o.parallelism));
        }
        return env;
    }

    /**
     * An environment with the job's checkpointing, state backend, restore path and parallelism, and two settings of
     * the job's data path: no generic types (a record or state type that Flink could only serialise with Kryo fails
     * the job when its graph is built, instead of slowing every event down), and object reuse between chained
     * operators (no operator of the jobs keeps or changes a record it has passed on, so the chain hands records on
     * without a defensive copy per operator).
     */
    public static StreamExecutionEnvironment environment(JobOptions o) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        Duration interval = o.get(o.checkpointInterval);
        boolean bounded = o.mode() != JobOptions.Mode.KAFKA;
        if (!interval.isZero() && (!bounded || o.has(o.checkpointDir) || o.has(o.checkpointInterval))) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        }
        if (o.has(o.checkpointDir)) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, o.get(o.checkpointDir));
            conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
            conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 3);
        }
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend(o));
        if (o.has(o.restore)) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, o.get(o.restore));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (o.has(o.parallelism)) {
            env.setParallelism(o.get(o.parallelism));
        }
        return env;
    }

    /** The --state-backend value, refused when its backend is not on the classpath. */
    static String stateBackend(JobOptions o) {
        String backend = o.get(o.stateBackend);
        if ("rocksdb".equals(backend) && !onClasspath("org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend")) {
            throw new UsageException("--state-backend rocksdb: the RocksDB state backend is not on the "
                + "classpath (it ships with a Flink cluster; the local jar has the hashmap backend only)");
        }
        return backend;
    }

    private static boolean onClasspath(String cls) {
        try {
            Class.forName(cls, false, SensorForecastJob.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The topology's settings from the command line. */
    static Pipeline.Settings settings(JobOptions o, EventParser parser) throws IOException {
        return new Pipeline.Settings(parser, o.modelConfig(), o.stateTtl(), o.get(o.anomalyThreshold),
            o.get(o.outOfOrderness), o.get(o.idleTimeout), o.eventOrder(), o.get(o.progressInterval), o.monitorConfig(),
            o.mode() == JobOptions.Mode.KAFKA ? o.get(o.controlIdleTimeout) : Duration.ZERO, o.warmStart(),
            o.stateCache());
    }

    /**
     * The Kafka job's start-up check: the input topic exists (or appears within {@code --input-topic-wait});
     * otherwise a usage error saying so, instead of a job that fails over and over on a topic that is not there.
     */
    static void requireInputTopic(JobOptions o) throws IOException {
        try {
            KafkaTopics.requireTopic(o.get(o.bootstrap), o.get(o.inputTopic), o.kafkaProperties(), o.inputTopicWait(),
                LOG::info);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the input topic", e);
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Kafka source -> {@link Pipeline} -> predictions topic (+ dead letters). */
    public static void buildKafka(StreamExecutionEnvironment env, JobOptions o) throws IOException {
        Properties props = o.kafkaProperties();
        String bootstrap = o.get(o.bootstrap);
        EventParser parser = parser(o, null);
        Pipeline.Settings settings = settings(o, parser);
        DeliveryGuarantee delivery = o.get(o.delivery);
        LOG.info("Kafka job: {} -> {} (dead letters: {}), {} {}, group {}, client properties {}", o.get(o.inputTopic),
            o.get(o.outputTopic), o.get(o.deadLetterTopic), delivery, parser.mapping(), o.get(o.groupId),
            KafkaProperties.masked(props));
        LOG.info("model: {}", settings.model());

        DataStream<RawRecord> raw = env.fromSource(
                KafkaConnectors.source(bootstrap, o.get(o.inputTopic), o.get(o.groupId), props),
                WatermarkStrategy.noWatermarks(), "kafka:" + o.get(o.inputTopic))
            .uid("kafka-source");
        DataStream<RawRecord> control = null;
        if (o.has(o.controlTopic)) {
            control = env.fromSource(KafkaConnectors.source(bootstrap, o.get(o.controlTopic), o.get(o.groupId) + "-control",
                    props), WatermarkStrategy.noWatermarks(), "kafka:" + o.get(o.controlTopic))
                .uid("kafka-control-source").setParallelism(1);
        }
        Pipeline.build(raw, settings, false, null, control).toKafka(bootstrap, o.get(o.outputTopic),
            o.get(o.deadLetterTopic), o.get(o.ackTopic), delivery, o.transactionalIdPrefix(), props);
    }

    static EventParser parser(JobOptions o, Path csvFile) throws IOException {
        FieldMapping m = o.mapping();
        if (o.eventFormat() == EventParser.Format.JSON) {
            return EventParser.json(m);
        }
        char delim = o.get(o.csvDelimiter).charAt(0);
        try {
            String[] columns = csvFile != null && !o.has(o.csvColumns)
                ? FileReplay.readCsvHeader(csvFile, delim) : o.get(o.csvColumns).toArray(new String[0]);
            return EventParser.csv(m, delim, columns);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** What a bounded run produced. */
    public static final class FileRunResult {
        public final long predictions;
        public final long deadLetters;
        public final double seconds;
        public final Evaluation evaluation;
        public final RunInfo run;
        /** Time to write the report (HTML and JSON) after the last output. */
        public final double reportSeconds;
        public final boolean failed;
        /**
         * CPU time of this JVM (all threads) from the job's first prediction written to the end of the job,
         * nanoseconds: what the job's steady state cost, without start-up, evaluation and report (the benchmark
         * runner's events per CPU-second).
         */
        public final long processingCpuNanos;
        /** Time to read the job's outputs back into the output files and evaluate the predictions, after the job. */
        public final double evaluationSeconds;

        FileRunResult(long predictions, long deadLetters, double seconds, Evaluation evaluation, RunInfo run,
                      double reportSeconds, boolean failed, long processingCpuNanos, double evaluationSeconds) {
            this.predictions = predictions;
            this.deadLetters = deadLetters;
            this.seconds = seconds;
            this.evaluation = evaluation;
            this.run = run;
            this.reportSeconds = reportSeconds;
            this.failed = failed;
            this.processingCpuNanos = processingCpuNanos;
            this.evaluationSeconds = evaluationSeconds;
        }
    }

    /**
     * A bounded replay of a file (or the bundled data): the job writes its predictions and dead letters as JSON
     * lines from its own subtasks ({@link Pipeline#toFiles}); after it ends they are gathered into the output files
     * (each key's records in order) and the predictions evaluated, then the report (HTML and JSON) is written.
     */
    public static FileRunResult runFile(JobOptions o, PrintStream out) throws Exception {
        Path inputFile;
        String title;
        if (o.mode() == JobOptions.Mode.EMBEDDED) {
            inputFile = Files.createTempFile("flink-rtrl-sensors-", ".csv");
            inputFile.toFile().deleteOnExit();
            try (InputStream in = SensorForecastJob.class.getResourceAsStream(BUNDLED_DATA)) {
                if (in == null) {
                    throw new IOException("bundled data " + BUNDLED_DATA + " is missing from the jar");
                }
                Files.copy(in, inputFile, StandardCopyOption.REPLACE_EXISTING);
            }
            title = "Bundled sensor data (Suthaharan et al. 2010, single-hop, CC BY 4.0)";
        } else {
            inputFile = o.get(o.input);
            if (!Files.isRegularFile(inputFile)) {
                throw new UsageException("input file not found: " + inputFile);
            }
            title = inputFile.getFileName().toString();
        }
        Path predictionsFile = o.outputFile();
        Path deadFile = o.deadLetterFile();
        Path reportFile = o.reportFile();
        for (Path p : List.of(predictionsFile, deadFile, reportFile)) {
            Path parent = p.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }

        EventParser parser = parser(o, inputFile);
        Pipeline.Settings settings = settings(o, parser);
        ModelConfig cfg = settings.model();
        out.println("flink-rtrl: replaying " + inputFile + " with " + parser.mapping());
        out.println("model: " + cfg);
        if (settings.warmStart() != null) {
            out.println("warm start: new keys start from " + (settings.warmStart().models() == 1 ? "the model"
                : "the parameter average of the " + settings.warmStart().models() + " models") + " of "
                + o.get(o.warmStart) + (settings.warmStart().withCovariance() ? ", with the linear covariance" : ""));
        }
        out.println(HeapGuard.capacity(cfg, Runtime.getRuntime().maxMemory()));

        StreamExecutionEnvironment env = environment(o);
        ReplayThrottle throttle = o.has(o.replayRate) ? ReplayThrottle.rate(o.get(o.replayRate))
            : o.has(o.replaySpeedup) ? ReplayThrottle.speedup(o.get(o.replaySpeedup)) : null;
        DataStream<RawRecord> raw = FileReplay.lines(env, inputFile, parser.format() == EventParser.Format.CSV);
        DataStream<RawRecord> control = null;
        Path controlFile = o.controlFile();
        if (controlFile != null) {
            if (!Files.isRegularFile(controlFile)) {
                throw new UsageException("control file not found: " + controlFile);
            }
            control = FileReplay.lines(env, controlFile, false, "control-file-source");
        }
        Path parts = partsDirectory(predictionsFile);
        Path predictionParts = parts.resolve("predictions");
        Path deadParts = parts.resolve("dead-letters");
        Path ackParts = parts.resolve("acks");
        Pipeline.build(raw, settings, true, throttle, control).toFiles(predictionParts, deadParts, ackParts);

        FieldMapping mapping = parser.mapping();
        Evaluation eval = Evaluation.standard(mapping.dimensions, o.get(o.anomalyThreshold),
            o.has(o.nabWindows) ? NabCorpus.readWindows(o.get(o.nabWindows)) : null);
        OutputClock.reset();
        long t0 = System.nanoTime();
        env.execute(o.get(o.jobName));
        long endNanos = System.nanoTime();
        long endCpu = OutputClock.processCpuNanos();
        long firstNanos = OutputClock.firstNanos();
        long cpuNanos = firstNanos == 0 ? 0 : endCpu - OutputClock.firstCpuNanos();

        // the job wrote its outputs; gather them into the output files, evaluating the predictions on the way
        long e0 = System.nanoTime();
        Path ackFile = controlFile == null ? null : o.ackFile();
        long deadCount = 0;
        long controlDead = 0;
        long ackCount = 0;
        try (BufferedWriter w = Files.newBufferedWriter(predictionsFile, StandardCharsets.UTF_8)) {
            for (Path part : JsonLinesSink.committedFiles(predictionParts, Pipeline.FILE_PREFIX)) {
                try (BufferedReader r = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        eval.add(PredictionJson.fromJson(line));
                        w.write(line);
                        w.newLine();
                    }
                }
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(deadFile, StandardCharsets.UTF_8)) {
            for (Path part : JsonLinesSink.committedFiles(deadParts, Pipeline.FILE_PREFIX)) {
                try (BufferedReader r = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        deadCount++;
                        if (ControlParseFunction.STAGE.equals(PredictionJson.deadLetterFromJson(line).stage)) {
                            controlDead++; // a refused command, not an input record
                        }
                        w.write(line);
                        w.newLine();
                    }
                }
            }
        }
        if (ackFile != null) {
            try (BufferedWriter w = Files.newBufferedWriter(ackFile, StandardCharsets.UTF_8)) {
                for (Path part : JsonLinesSink.committedFiles(ackParts, Pipeline.FILE_PREFIX)) {
                    try (BufferedReader r = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
                        for (String line = r.readLine(); line != null; line = r.readLine()) {
                            ackCount++;
                            w.write(line);
                            w.newLine();
                        }
                    }
                }
            }
        }
        org.apache.flink.util.FileUtils.deleteDirectory(parts.toFile());
        double evaluationSecs = (System.nanoTime() - e0) / 1e9;
        long count = eval.predictions();
        double secs = (endNanos - t0) / 1e9;
        double processingSecs = firstNanos == 0 ? 0 : (endNanos - firstNanos) / 1e9;

        long rows = dataRows(inputFile, parser.format() == EventParser.Format.CSV);
        boolean complete = count + deadCount - controlDead == rows;
        if (!complete) {
            out.printf(Locale.ROOT, "ERROR: the file has %d records but %d predictions and %d dead letters came back%n",
                rows, count, deadCount);
        }
        String[] channels = mapping.valueFields.length == mapping.dimensions ? mapping.valueFields
            : channelNames(mapping.dimensions);
        // the report is written by the JVM that ran the embedded MiniCluster, i.e. the one whose kernels were used
        RunInfo run = new RunInfo(title, mapping.toString(), cfg.toString(), Kernels.describe(), channels, secs,
            processingSecs, deadCount);
        long r0 = System.nanoTime();
        RunReport.write(reportFile, predictionsFile, run, eval, o.get(o.reportCharts));
        double reportSecs = (System.nanoTime() - r0) / 1e9;
        out.printf(Locale.ROOT, "processed %d events in %.1f s wall clock incl. start-up (%.0f events/s; %.0f events/s "
            + "from the first output to the last), %d dead letters, %d keys%n", count, secs,
            run.eventsPerSecond(count), run.processingEventsPerSecond(count), deadCount, eval.keyCount());
        String warmUp = KernelWarmUp.summary(firstNanos);
        if (warmUp != null) {
            out.println("kernels: " + Kernels.get().name() + ", JIT warm-up in the background: " + warmUp);
        } else {
            out.println("kernels: " + Kernels.describe());
        }
        out.println(summaryText(eval, channels));
        out.println("predictions:  " + predictionsFile.toAbsolutePath());
        out.println("dead letters: " + deadFile.toAbsolutePath());
        if (ackFile != null) {
            out.println("control acks: " + ackFile.toAbsolutePath() + " (" + ackCount + ")");
        }
        out.printf(Locale.ROOT, "report:       %s (and %s, written in %.1f s)%n", reportFile.toAbsolutePath(),
            RunReport.jsonBeside(reportFile).getFileName(), reportSecs);
        return new FileRunResult(count, deadCount, secs, eval, run, reportSecs, !complete, cpuNanos, evaluationSecs);
    }

    /**
     * The working directory of a bounded run's job outputs beside {@code predictionsFile}: emptied before the run
     * (files of an earlier run there would be taken for this run's), deleted once the output files are written.
     */
    static Path partsDirectory(Path predictionsFile) throws IOException {
        Path abs = predictionsFile.toAbsolutePath();
        Path parts = abs.resolveSibling("." + abs.getFileName() + ".parts");
        org.apache.flink.util.FileUtils.deleteDirectory(parts.toFile());
        return parts;
    }

    private static String[] channelNames(int d) {
        String[] n = new String[d];
        for (int i = 0; i < d; i++) {
            n[i] = "value[" + i + "]";
        }
        return n;
    }

    /** The console summary: per channel the pooled errors, then the anomaly AUC. */
    static String summaryText(Evaluation eval, String[] channels) {
        Evaluation.KeyResult all = eval.overall();
        ForecastErrors.Errors e = all.get(ForecastErrors.Errors.class);
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < channels.length; c++) {
            sb.append(String.format(Locale.ROOT, "%s: MAE model %.4f vs persistence %.4f, RMSE model %.4f vs "
                + "persistence %.4f (%d scored)%n", channels[c], e.maeModel(c), e.maePersistence(c), e.rmseModel(c),
                e.rmsePersistence(c), e.scored(c)));
        }
        AnomalyAuc.Auc a = all.get(AnomalyAuc.Auc.class);
        double auc = a.auc();
        sb.append(String.format(Locale.ROOT, "anomaly ROC AUC %s (%d labelled anomalous events)",
            Double.isNaN(auc) ? "n/a (no labels of both classes)"
                : String.format(Locale.ROOT, "%.4f, PR AUC %.4f", auc, a.histogram().averagePrecision()),
            all.counts().labelledAnomalies()));
        return sb.toString();
    }

    /**
     * Non-blank lines of a file, without the header line of a CSV, read exactly as the file source reads them
     * ({@link NumberedLineFormat#countRecords}): every one yields a prediction or a dead letter.
     */
    static long dataRows(Path file, boolean header) throws IOException {
        return NumberedLineFormat.countRecords(file, header);
    }
}
