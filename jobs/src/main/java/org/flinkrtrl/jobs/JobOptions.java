package org.flinkrtrl.jobs;

import static org.flinkrtrl.jobs.CommandLine.duration;
import static org.flinkrtrl.jobs.CommandLine.list;
import static org.flinkrtrl.jobs.CommandLine.nonNegativeDouble;
import static org.flinkrtrl.jobs.CommandLine.nonNegativeInt;
import static org.flinkrtrl.jobs.CommandLine.oneOf;
import static org.flinkrtrl.jobs.CommandLine.positiveDouble;
import static org.flinkrtrl.jobs.CommandLine.positiveInt;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.flinkrtrl.connectors.EventParser;
import org.flinkrtrl.connectors.FieldMapping;
import org.flinkrtrl.connectors.KafkaConnectors;
import org.flinkrtrl.connectors.KafkaProperties;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.flink.EventOrder;
import org.flinkrtrl.flink.ModelOptions;
import org.flinkrtrl.jobs.CommandLine.UsageException;

/** The sensor job's command line: declared once, validated on parse, printed by {@code --help}. */
public final class JobOptions {
    /** How the job runs. */
    public enum Mode { EMBEDDED, FILE, KAFKA }

    public static final String USAGE = String.join("\n",
        "Usage: java --add-modules jdk.incubator.vector -jar flink-rtrl-local.jar [options]",
        "                                              (no options: bundled sensor data, embedded Flink)",
        "       flink run flink-rtrl-job.jar [options]",
        "",
        "Forecasts every key's next event with one small RNN per key trained online (r-OK RTRL) and scores anomalies.",
        "Modes: no --input and no --bootstrap-servers = embedded demo on the bundled sensor data;",
        "       --input FILE = bounded replay of a CSV / JSON-lines file (predictions, dead letters, HTML report);",
        "       --bootstrap-servers ... = unbounded Kafka job (predictions and dead letters to topics).");

    private final CommandLine cli = new CommandLine();

    // input and mapping
    final CommandLine.Option<Path> input;
    final CommandLine.Option<String> format;
    final CommandLine.Option<String> keyField;
    final CommandLine.Option<String> constantKey;
    final CommandLine.Option<String> timeField;
    final CommandLine.Option<String> timeFormat;
    final CommandLine.Option<String> indexField;
    final CommandLine.Option<Long> timeStart;
    final CommandLine.Option<Duration> timeStep;
    final CommandLine.Option<List<String>> valueFields;
    final CommandLine.Option<Integer> dimensions;
    final CommandLine.Option<String> categoryField;
    final CommandLine.Option<String> labelField;
    final CommandLine.Option<List<String>> csvColumns;
    final CommandLine.Option<String> csvDelimiter;
    final CommandLine.Option<Double> replayRate;
    final CommandLine.Option<Double> replaySpeedup;
    final CommandLine.Option<Duration> outOfOrderness;
    final CommandLine.Option<Duration> idleTimeout;
    final CommandLine.Option<String> eventOrder;
    final CommandLine.Option<Duration> allowedLateness;
    final CommandLine.Option<Integer> maxBufferedPerKey;
    // outputs
    final CommandLine.Option<Path> outDir;
    final CommandLine.Option<Path> output;
    final CommandLine.Option<Path> deadLetters;
    final CommandLine.Option<Path> report;
    final CommandLine.Option<Integer> reportCharts;
    // kafka
    final CommandLine.Option<String> bootstrap;
    final CommandLine.Option<String> inputTopic;
    final CommandLine.Option<String> outputTopic;
    final CommandLine.Option<String> deadLetterTopic;
    final CommandLine.Option<String> groupId;
    final CommandLine.Option<DeliveryGuarantee> delivery;
    final CommandLine.Option<String> txPrefix;
    final CommandLine.Option<String> kafkaProperty;
    final CommandLine.Option<Path> kafkaPropertiesFile;
    // model
    final CommandLine.Option<Integer> hidden;
    final CommandLine.Option<String> cell;
    final CommandLine.Option<String> method;
    final CommandLine.Option<Integer> rank;
    final CommandLine.Option<Integer> truncation;
    final CommandLine.Option<Double> lr;
    final CommandLine.Option<Double> clip;
    final CommandLine.Option<Integer> resetPeriod;
    final CommandLine.Option<Long> seed;
    final CommandLine.Option<Duration> ttl;
    final CommandLine.Option<String> optimizer;
    final CommandLine.Option<Double> anomalyAlpha;
    final CommandLine.Option<Double> anomalyThreshold;
    // runtime
    final CommandLine.Option<String> checkpointDir;
    final CommandLine.Option<Duration> checkpointInterval;
    final CommandLine.Option<String> restore;
    final CommandLine.Option<String> stateBackend;
    final CommandLine.Option<Integer> parallelism;
    final CommandLine.Option<Duration> progressInterval;
    final CommandLine.Option<String> jobName;
    final CommandLine.Option<Boolean> help;

    private JobOptions() {
        cli.group("Input (file or Kafka records) and field mapping");
        input = cli.option("input", "file", null, Paths::get, "CSV or JSON-lines file to replay (bounded run)");
        format = cli.option("format", "json|csv", null, oneOf("json", "csv"),
            "record format (default: csv for *.csv files, else json)");
        keyField = cli.option("key-field", "name", null, s -> s, "field holding the stream key");
        constantKey = cli.option("constant-key", "key", null, s -> s, "one key for all records (single-stream files)");
        timeField = cli.option("time-field", "name", null, s -> s,
            "event-time field: ISO-8601 text or epoch millis; absent = derived from a row index");
        timeFormat = cli.option("time-format", "fmt", "auto", oneOf("auto", "iso", "epoch-millis", "epoch-seconds"),
            "how the time field is read: auto, iso, epoch-millis, epoch-seconds");
        indexField = cli.option("index-field", "name", null, s -> s,
            "1-based row counter to derive time from when there is no time field (default: the file's row number)");
        timeStart = cli.option("time-start", "instant", "0", JobOptions::instant,
            "derived time of row 1: ISO-8601 instant or epoch millis");
        timeStep = cli.option("time-step", "duration", "1s", CommandLine::duration, "derived time per row");
        valueFields = cli.option("value-fields", "a,b", null, CommandLine::list, "numeric fields to forecast, in order");
        dimensions = cli.option("dimensions", "n", null, CommandLine::positiveInt,
            "number of values when a single value field holds a JSON array");
        categoryField = cli.option("category-field", "name", null, s -> s, "optional categorical field");
        labelField = cli.option("label-field", "name", null, s -> s,
            "optional ground-truth label field (0/false/normal = normal, anything else = anomaly)");
        csvColumns = cli.option("csv-columns", "a,b,c", null, CommandLine::list,
            "CSV column names for headerless records (Kafka); files use their header line");
        csvDelimiter = cli.option("csv-delimiter", "char", ",", JobOptions::delimiter, "CSV delimiter");
        replayRate = cli.option("replay-rate", "events/s", null, CommandLine::positiveDouble,
            "replay a file at this many events per second (default: as fast as possible)");
        replaySpeedup = cli.option("replay-speedup", "factor", null, CommandLine::positiveDouble,
            "replay a file in event time sped up by this factor");
        outOfOrderness = cli.option("max-out-of-orderness", "duration", "5s", CommandLine::duration,
            "watermark bound on event-time disorder");
        idleTimeout = cli.option("idle-timeout", "duration", "1m", CommandLine::duration,
            "a source partition quiet this long stops holding back the watermark; 0 = wait for every partition");
        eventOrder = cli.option("event-order", "event-time|arrival", "event-time", oneOf("event-time", "arrival"),
            "event-time: learn each key's events in timestamp order once the watermark passes them (late ones to the "
                + "dead letters, duplicates dropped); arrival: learn as they arrive, for sources already in order");
        allowedLateness = cli.option("allowed-lateness", "duration", "0", CommandLine::duration,
            "event-time order: how long past the watermark an event is still put in order (every event waits this"
                + " long too)");
        maxBufferedPerKey = cli.option("max-buffered-per-key", "n", String.valueOf(EventOrder.DEFAULT_MAX_BUFFERED_PER_KEY),
            CommandLine::positiveInt, "event-time order: bound of a key's buffer; beyond it the oldest event is released"
                + " early (counted)");

        cli.group("Outputs of bounded runs");
        outDir = cli.option("out-dir", "dir", "out", Paths::get, "folder for the default output files");
        output = cli.option("output", "file", null, Paths::get, "predictions as JSON lines (default: <out-dir>/predictions.jsonl)");
        deadLetters = cli.option("dead-letters", "file", null, Paths::get,
            "rejected records as JSON lines (default: <out-dir>/dead-letters.jsonl)");
        report = cli.option("report", "file", null, Paths::get,
            "HTML report (default: <out-dir>/report.html); the figures also as JSON beside it (report.json)");
        reportCharts = cli.option("report-charts", "n", "12", CommandLine::nonNegativeInt,
            "keys charted in the report: the most anomalous and the largest (the rest are in the table)");

        cli.group("Kafka");
        bootstrap = cli.option("bootstrap-servers", "host:port,...", null, s -> s, "Kafka brokers; selects the Kafka mode");
        inputTopic = cli.option("input-topic", "topic", null, s -> s, "topic of input records");
        outputTopic = cli.option("output-topic", "topic", null, s -> s, "topic for predictions (JSON, keyed by key)");
        deadLetterTopic = cli.option("dead-letter-topic", "topic", null, s -> s,
            "topic for rejected records with reasons (default: none, rejected records are only counted and logged)");
        groupId = cli.option("group-id", "id", "flink-rtrl", s -> s, "consumer group id");
        delivery = cli.option("delivery", "mode", "exactly-once", KafkaConnectors::delivery,
            "exactly-once (transactions; outputs visible at checkpoints) or at-least-once");
        txPrefix = cli.option("transactional-id-prefix", "prefix", null, s -> s,
            "transactional id prefix, unique per job; the sinks append -predictions and -dead-letters (default: flink-rtrl-<output-topic>)");
        kafkaProperty = cli.repeatable("kafka-property", "key=value", s -> {
            KafkaProperties.put(new Properties(), s);
            return s;
        }, "Kafka client property for source and sinks, e.g. security.protocol=SASL_SSL");
        kafkaPropertiesFile = cli.option("kafka-properties", "file", null, Paths::get,
            "Kafka client properties file (command-line properties override it)");

        cli.group("Model (one per key)");
        hidden = cli.option("hidden", "n", "16", CommandLine::positiveInt, "hidden units per key");
        cell = cli.option("cell", "tanh|gated", "tanh", oneOf("tanh", "gated"), "recurrent cell");
        method = cli.option("method", "m", "ok", oneOf("ok", "kf", "uoro", "rtrl", "tbptt"),
            "gradient method: ok (r-OK RTRL), kf, uoro, rtrl (exact), tbptt");
        rank = cli.option("rank", "r", "4", CommandLine::positiveInt, "rank r of r-OK");
        truncation = cli.option("truncation", "T", "16", CommandLine::positiveInt, "TBPTT window");
        // 0.001 (also the core's default): on the bundled sensor data (docs/sensor-results.md) 0.0003-0.001 beat
        // persistence on MAE by ~1-1.5 %, 0.003 ties it and 0.01 loses; anomaly AUC is the same (0.65-0.66).
        lr = cli.option("lr", "rate", "0.001", CommandLine::positiveDouble, "learning rate");
        clip = cli.option("clip", "norm", "1.0", CommandLine::nonNegativeDouble, "gradient clip norm, 0 = off");
        resetPeriod = cli.option("reset-period", "events", "0", CommandLine::nonNegativeInt,
            "reset hidden and influence state every this many events, 0 = never");
        seed = cli.option("seed", "long", "42", Long::parseLong, "job seed (each key's seed derives from it)");
        ttl = cli.option("ttl", "duration", "7d", CommandLine::duration, "drop a key's model after this idle time, 0 = never");
        optimizer = cli.option("optimizer", "adam|sgd", "adam", oneOf("adam", "sgd"), "optimiser");
        anomalyAlpha = cli.option("anomaly-alpha", "rate", "0.01", CommandLine::positiveDouble,
            "EWMA rate of the anomaly scorer, (0, 1]");
        anomalyThreshold = cli.option("anomaly-threshold", "score", "3.0", Double::parseDouble,
            "score above which an event counts as an anomaly in the metrics");

        cli.group("Checkpointing and runtime");
        checkpointDir = cli.option("checkpoint-dir", "uri", null, JobOptions::uri,
            "checkpoint folder (path or URI); checkpoints are retained on cancellation");
        checkpointInterval = cli.option("checkpoint-interval", "duration", "5s", CommandLine::duration,
            "checkpoint interval (Kafka exactly-once outputs appear at this pace); 0 = off for file runs");
        restore = cli.option("restore", "path", null, JobOptions::uri, "restore from a savepoint or retained checkpoint (chk-N)");
        stateBackend = cli.option("state-backend", "name", "hashmap", oneOf("hashmap", "rocksdb"), "state backend");
        parallelism = cli.option("parallelism", "n", null, CommandLine::positiveInt, "job parallelism (default: cluster default)");
        progressInterval = cli.option("progress-interval", "duration", "10s", CommandLine::duration,
            "how often each subtask logs its progress");
        jobName = cli.option("job-name", "name", "flink-rtrl sensor forecasting", s -> s, "Flink job name");
        help = cli.flag("help", "print this help and exit");
    }

    /** Parses and cross-checks the command line. */
    public static JobOptions parse(String... args) {
        JobOptions o = new JobOptions();
        o.cli.parse(args);
        if (!o.isHelp()) {
            o.check();
        }
        return o;
    }

    public boolean isHelp() {
        return cli.has(help);
    }

    public void printHelp(PrintStream out) {
        cli.printHelp(out, USAGE);
    }

    public Mode mode() {
        if (cli.has(bootstrap)) {
            return Mode.KAFKA;
        }
        return cli.has(input) ? Mode.FILE : Mode.EMBEDDED;
    }

    private void check() {
        Mode m = mode();
        if (m == Mode.KAFKA) {
            if (cli.has(input)) {
                throw new UsageException("--input and --bootstrap-servers exclude each other");
            }
            cli.require(inputTopic, "with --bootstrap-servers");
            cli.require(outputTopic, "with --bootstrap-servers");
            requireMapping("with --bootstrap-servers");
            if (eventFormat() == EventParser.Format.CSV && !cli.has(csvColumns)) {
                throw new UsageException("option --csv-columns is required with --format csv on Kafka");
            }
            for (CommandLine.Option<?> o : List.of(output, deadLetters, report, reportCharts, replayRate, replaySpeedup)) {
                if (cli.has(o)) {
                    throw new UsageException("option " + o.name() + " applies to file runs, not to Kafka");
                }
            }
        } else {
            for (CommandLine.Option<?> o : List.of(inputTopic, outputTopic, deadLetterTopic, kafkaProperty,
                kafkaPropertiesFile, txPrefix)) {
                if (cli.has(o)) {
                    throw new UsageException("option " + o.name() + " needs --bootstrap-servers");
                }
            }
            if (m == Mode.FILE) {
                requireMapping("with --input");
            }
        }
        if (cli.has(replayRate) && cli.has(replaySpeedup)) {
            throw new UsageException("--replay-rate and --replay-speedup exclude each other");
        }
        if (cli.has(keyField) && cli.has(constantKey)) {
            throw new UsageException("--key-field and --constant-key exclude each other");
        }
        if (get(anomalyAlpha) > 1) {
            throw new UsageException("invalid value for --anomaly-alpha: must be in (0, 1]");
        }
        if (m == Mode.KAFKA && get(checkpointInterval).isZero()) {
            throw new UsageException("--checkpoint-interval must be > 0 for a Kafka job");
        }
        try {
            modelConfig();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private void requireMapping(String why) {
        cli.require(valueFields, why);
        if (!cli.has(keyField) && !cli.has(constantKey)) {
            throw new UsageException("option --key-field (or --constant-key) is required " + why);
        }
    }

    <T> T get(CommandLine.Option<T> o) {
        return cli.get(o);
    }

    boolean has(CommandLine.Option<?> o) {
        return cli.has(o);
    }

    /** The embedded default: the bundled sensor data's mapping. */
    static FieldMapping sensorMapping() {
        return FieldMapping.builder().keyField("mote_id").indexField("reading")
            .indexStartMillis(Instant.parse("2010-05-09T00:00:00Z").toEpochMilli()).indexStepMillis(5000)
            .valueFields("humidity", "temperature").labelField("label").build();
    }

    public FieldMapping mapping() {
        if (mode() == Mode.EMBEDDED && !cli.has(valueFields)) {
            return sensorMapping();
        }
        return FieldMapping.builder()
            .keyField(get(keyField)).constantKey(get(constantKey))
            .timeField(get(timeField))
            .timeFormat(FieldMapping.TimeFormat.valueOf(get(timeFormat).toUpperCase(Locale.ROOT).replace('-', '_')))
            .indexField(get(indexField)).indexStartMillis(get(timeStart)).indexStepMillis(get(timeStep).toMillis())
            .valueFields(get(valueFields).toArray(new String[0]))
            .dimensions(cli.has(dimensions) ? get(dimensions) : 0)
            .categoryField(get(categoryField)).labelField(get(labelField))
            .build();
    }

    public EventParser.Format eventFormat() {
        if (cli.has(format)) {
            return EventParser.Format.parse(get(format));
        }
        if (mode() == Mode.EMBEDDED) {
            return EventParser.Format.CSV;
        }
        Path in = get(input);
        return in != null && in.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
            ? EventParser.Format.CSV : EventParser.Format.JSON;
    }

    public int inputs() {
        FieldMapping m = mapping();
        return m.dimensions;
    }

    /** The model options as Flink configuration ({@link ModelOptions} keys). */
    public Configuration modelOptions() {
        Configuration c = new Configuration();
        c.set(ModelOptions.HIDDEN, get(hidden));
        c.set(ModelOptions.CELL, ModelConfig.CellType.valueOf(get(cell).toUpperCase(Locale.ROOT)));
        c.set(ModelOptions.METHOD, get(method));
        c.set(ModelOptions.RANK, get(rank));
        c.set(ModelOptions.TRUNCATION, get(truncation));
        c.set(ModelOptions.LEARNING_RATE, get(lr));
        c.set(ModelOptions.CLIP_NORM, get(clip));
        c.set(ModelOptions.RESET_PERIOD, get(resetPeriod));
        c.set(ModelOptions.SEED, get(seed));
        c.set(ModelOptions.STATE_TTL, get(ttl));
        c.set(ModelOptions.OPTIMIZER, ModelConfig.OptimizerType.valueOf(get(optimizer).toUpperCase(Locale.ROOT)));
        c.set(ModelOptions.ANOMALY_ALPHA, get(anomalyAlpha));
        c.set(ModelOptions.ANOMALY_THRESHOLD, get(anomalyThreshold));
        return c;
    }

    public ModelConfig modelConfig() {
        return ModelOptions.toModelConfig(modelOptions(), inputs());
    }

    /** How each key's events reach its learner. */
    public EventOrder eventOrder() {
        EventOrder.Mode mode = "arrival".equals(get(eventOrder)) ? EventOrder.Mode.ARRIVAL : EventOrder.Mode.EVENT_TIME;
        return new EventOrder(mode, get(allowedLateness), get(maxBufferedPerKey));
    }

    public Duration stateTtl() {
        return get(ttl);
    }

    public Path outputFile() {
        return cli.has(output) ? get(output) : get(outDir).resolve("predictions.jsonl");
    }

    public Path deadLetterFile() {
        if (cli.has(deadLetters)) {
            return get(deadLetters);
        }
        Path out = outputFile().toAbsolutePath().getParent();
        return (cli.has(output) ? out : get(outDir)).resolve("dead-letters.jsonl");
    }

    public Path reportFile() {
        if (cli.has(report)) {
            return get(report);
        }
        Path out = outputFile().toAbsolutePath().getParent();
        return (cli.has(output) ? out : get(outDir)).resolve("report.html");
    }

    /** Kafka client properties: file first, then each --kafka-property. */
    public Properties kafkaProperties() throws IOException {
        Properties p = new Properties();
        if (cli.has(kafkaPropertiesFile)) {
            KafkaProperties.load(p, get(kafkaPropertiesFile));
        }
        for (String kv : cli.getAll(kafkaProperty)) {
            KafkaProperties.put(p, kv);
        }
        return p;
    }

    public String transactionalIdPrefix() {
        return cli.has(txPrefix) ? get(txPrefix) : "flink-rtrl-" + get(outputTopic);
    }

    static Long instant(String s) {
        String t = s.trim();
        if (t.matches("-?\\d+")) {
            return Long.parseLong(t);
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("expected an ISO-8601 instant (2010-05-09T00:00:00Z) or epoch millis");
        }
    }

    static String delimiter(String s) {
        String d = "\\t".equals(s) ? "\t" : s;
        if (d.length() != 1) {
            throw new IllegalArgumentException("expected one character");
        }
        return d;
    }

    static String uri(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        return t.contains("://") || t.startsWith("file:") ? t : Paths.get(t).toAbsolutePath().toUri().toString();
    }
}
