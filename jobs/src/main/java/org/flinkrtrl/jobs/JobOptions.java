package org.flinkrtrl.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.flinkrtrl.connectors.EventParser;
import org.flinkrtrl.connectors.FieldMapping;
import org.flinkrtrl.connectors.KafkaConnectors;
import org.flinkrtrl.connectors.KafkaProperties;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSetting;
import org.flinkrtrl.core.learner.ModelSettings;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.core.learner.WarmStartTemplate;
import org.flinkrtrl.core.lifecycle.MonitorConfig;
import org.flinkrtrl.core.logs.MinerSettings;
import org.flinkrtrl.flink.EventOrder;
import org.flinkrtrl.flink.ModelOptions;
import org.flinkrtrl.flink.RateBuckets;
import org.flinkrtrl.flink.StateCacheSize;
import org.flinkrtrl.jobs.lifecycle.WarmStartFile;

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
        "       --bootstrap-servers ... = unbounded Kafka job (predictions and dead letters to topics);",
        "       --restore SAVEPOINT --export-models FILE = every key's model as JSON lines;",
        "       --import-models FILE --import-savepoint DIR = a savepoint holding those models.");

    private final Cli cli = new Cli(USAGE);

    // input and mapping
    final Cli.Option<Path> input;
    final Cli.Option<String> format;
    final Cli.Option<String> keyField;
    final Cli.Option<String> constantKey;
    final Cli.Option<String> timeField;
    final Cli.Option<String> timeFormat;
    final Cli.Option<String> indexField;
    final Cli.Option<Long> timeStart;
    final Cli.Option<Duration> timeStep;
    final Cli.Option<List<String>> valueFields;
    final Cli.Option<Integer> dimensions;
    final Cli.Option<String> categoryField;
    final Cli.Option<String> messageField;
    final Cli.Option<String> labelField;
    final Cli.Option<List<String>> csvColumns;
    final Cli.Option<String> csvDelimiter;
    final Cli.Option<Double> replayRate;
    final Cli.Option<Double> replaySpeedup;
    final Cli.Option<Duration> outOfOrderness;
    final Cli.Option<Duration> idleTimeout;
    final Cli.Option<String> eventOrder;
    final Cli.Option<Duration> allowedLateness;
    final Cli.Option<Integer> maxBufferedPerKey;
    final Cli.Option<Integer> maxKeyLength;
    final Cli.Option<Long> minEventTime;
    final Cli.Option<Long> maxEventTime;
    final Cli.Option<Integer> deadLetterPayloadMax;
    // outputs
    final Cli.Option<Path> outDir;
    final Cli.Option<Path> output;
    final Cli.Option<Path> deadLetters;
    final Cli.Option<Path> report;
    final Cli.Option<Integer> reportCharts;
    final Cli.Option<Path> nabWindows;
    // kafka
    final Cli.Option<String> bootstrap;
    final Cli.Option<String> inputTopic;
    final Cli.Option<String> outputTopic;
    final Cli.Option<String> deadLetterTopic;
    final Cli.Option<String> groupId;
    final Cli.Option<DeliveryGuarantee> delivery;
    final Cli.Option<String> txPrefix;
    final Cli.Option<String> kafkaProperty;
    final Cli.Option<Duration> inputTopicWait;
    final Cli.Option<Path> kafkaPropertiesFile;
    // model: one option per user setting of ModelSettings, then the operator's
    final Map<ModelSetting<?>, Cli.Option<?>> model = new LinkedHashMap<>();
    final Cli.Option<Duration> ttl;
    final Cli.Option<Double> anomalyThreshold;
    // per-key monitor (MonitorSettings) and control stream
    final Map<ModelSetting<?>, Cli.Option<?>> monitor = new LinkedHashMap<>();
    final Cli.Option<Path> controlFile;
    final Cli.Option<String> controlTopic;
    final Cli.Option<String> ackTopic;
    final Cli.Option<Duration> controlIdleTimeout;
    // log mode
    final Cli.Option<Integer> vocabulary;
    final Cli.Option<Integer> topK;
    final Cli.Option<Integer> maxTemplates;
    final Cli.Option<Integer> maxMessageChars;
    final Cli.Option<Duration> rateBucket;
    final Cli.Option<Integer> rateSilentBuckets;
    final Cli.Option<List<String>> rateLevels;
    final Cli.Option<String> rateTopic;
    // model lifecycle
    final Cli.Option<Path> exportModels;
    final Cli.Option<Boolean> exportWeights;
    final Cli.Option<Path> importModels;
    final Cli.Option<String> importSavepoint;
    final Cli.Option<Path> warmStart;
    final Cli.Option<List<String>> warmStartKeys;
    final Cli.Option<Boolean> warmStartCovariance;
    // runtime
    final Cli.Option<String> checkpointDir;
    final Cli.Option<Duration> checkpointInterval;
    final Cli.Option<String> restore;
    final Cli.Option<String> stateBackend;
    final Cli.Option<StateCacheSize> stateCache;
    final Cli.Option<Integer> parallelism;
    final Cli.Option<String> kernels;
    final Cli.Option<Duration> progressInterval;
    final Cli.Option<String> jobName;
    final Cli.Option<Boolean> help;

    private JobOptions() {
        cli.section("Input (file or Kafka records) and field mapping");
        input = cli.option("input", "file", null, Paths::get, "CSV or JSON-lines file to replay (bounded run)");
        format = cli.option("format", "json|csv", null, OptionValues.oneOf("json", "csv"),
            "record format (default: csv for *.csv files, else json)");
        keyField = cli.option("key-field", "name", null, s -> s, "field holding the stream key");
        constantKey = cli.option("constant-key", "key", null, s -> s, "one key for all records (single-stream files)");
        timeField = cli.option("time-field", "name", null, s -> s,
            "event-time field: ISO-8601 text or epoch millis; absent = derived from a row index");
        timeFormat = cli.option("time-format", "fmt", "auto", OptionValues.oneOf("auto", "iso", "epoch-millis", "epoch-seconds"),
            "how the time field is read: auto, iso, epoch-millis, epoch-seconds");
        indexField = cli.option("index-field", "name", null, s -> s,
            "1-based row counter to derive time from when there is no time field (default: the file's row number)");
        timeStart = cli.option("time-start", "instant", "0", JobOptions::instant,
            "derived time of row 1: ISO-8601 instant or epoch millis");
        timeStep = cli.option("time-step", "duration", "1s", OptionValues::duration, "derived time per row");
        valueFields = cli.option("value-fields", "a,b", null, OptionValues::list, "numeric fields to forecast, in order");
        dimensions = cli.option("dimensions", "n", null, OptionValues::positiveInt,
            "number of values when a single value field holds a JSON array");
        categoryField = cli.option("category-field", "name", null, s -> s,
            "categorical field; without --value-fields the event type of the log mode (one next-event model per key)");
        messageField = cli.option("message-field", "name", null, s -> s,
            "raw log message field: the log mode with event types mined online from the messages");
        labelField = cli.option("label-field", "name", null, s -> s,
            "optional ground-truth label field (0/false/normal = normal, anything else = anomaly)");
        csvColumns = cli.option("csv-columns", "a,b,c", null, OptionValues::list,
            "CSV column names for headerless records (Kafka); files use their header line");
        csvDelimiter = cli.option("csv-delimiter", "char", ",", JobOptions::delimiter, "CSV delimiter");
        replayRate = cli.option("replay-rate", "events/s", null, OptionValues::positiveDouble,
            "replay a file at this many events per second (default: as fast as possible)");
        replaySpeedup = cli.option("replay-speedup", "factor", null, OptionValues::positiveDouble,
            "replay a file in event time sped up by this factor");
        outOfOrderness = cli.option("max-out-of-orderness", "duration", "5s", OptionValues::duration,
            "watermark bound on event-time disorder");
        idleTimeout = cli.option("idle-timeout", "duration", "1m", OptionValues::duration,
            "a source partition quiet this long stops holding back the watermark; 0 = wait for every partition");
        eventOrder = cli.option("event-order", "event-time|arrival", null,
            OptionValues.oneOf("event-time", "arrival"),
            "event-time: learn each key's events in timestamp order once the watermark passes them (late ones and "
                + "duplicates to the dead letters); arrival: learn them in input order (default: event-time for "
                + "Kafka, arrival for files, whose rows are often grouped by key)");
        allowedLateness = cli.option("allowed-lateness", "duration", "0", OptionValues::duration,
            "event-time order: how long past the watermark an event is still put in order (every event waits this"
                + " long too)");
        maxBufferedPerKey = cli.option("max-buffered-per-key", "n", String.valueOf(EventOrder.DEFAULT_MAX_BUFFERED_PER_KEY),
            OptionValues::positiveInt, "event-time order: bound of a key's buffer; beyond it the oldest event is "
                + "released early (counted)");
        maxKeyLength = cli.option("max-key-length", "chars", Integer.toString(FieldMapping.DEFAULT_MAX_KEY_LENGTH),
            OptionValues::positiveInt, "longest key, category and label; a longer one makes the record a dead letter");
        minEventTime = cli.option("min-event-time", "instant", "1970-01-01T00:00:00Z", JobOptions::instant,
            "earliest accepted event time (ISO-8601 or epoch millis); earlier records are dead letters");
        maxEventTime = cli.option("max-event-time", "instant", "2200-01-01T00:00:00Z", JobOptions::instant,
            "end of accepted event times, exclusive; later records are dead letters");
        deadLetterPayloadMax = cli.option("dead-letter-payload-max", "bytes",
            Integer.toString(org.flinkrtrl.record.DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES), OptionValues::nonNegativeInt,
            "bytes of a rejected record kept in its dead letter, at most " + FieldMapping.MAX_DEAD_LETTER_PAYLOAD_BYTES
                + " (a longer record keeps its length and SHA-256)");

        cli.section("Outputs of bounded runs");
        outDir = cli.option("out-dir", "dir", "out", Paths::get, "folder for the default output files");
        output = cli.option("output", "file", null, Paths::get, "predictions as JSON lines (default: <out-dir>/predictions.jsonl)");
        deadLetters = cli.option("dead-letters", "file", null, Paths::get,
            "rejected records as JSON lines (default: <out-dir>/dead-letters.jsonl)");
        report = cli.option("report", "file", null, Paths::get,
            "HTML report (default: <out-dir>/report.html); the figures also as JSON beside it (report.json)");
        reportCharts = cli.option("report-charts", "n", "12", OptionValues::nonNegativeInt,
            "keys charted in the report: the most anomalous and the largest (the rest are in the table)");
        nabWindows = cli.option("nab-windows", "file", null, Paths::get,
            "labelled anomaly windows in NAB's windows.json format (keys: file paths without .csv): adds NAB's"
                + " windowed detection score (standard, low-FP, low-FN) to the report");

        cli.section("Kafka");
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
        inputTopicWait = cli.option("input-topic-wait", "duration", "0s", OptionValues::duration,
            "wait this long at start for a missing input topic, logging that it waits (0 = fail at once)");

        cli.section("Model (one per key; also read from the Flink configuration as rtrl.model.<option>)");
        for (ModelSetting<?> setting : ModelSettings.options()) {
            model.put(setting, modelOption(setting));
        }
        ttl = cli.option("ttl", "duration", "7d", OptionValues::duration, "drop a key's model after this idle time, 0 = never");
        anomalyThreshold = cli.option("anomaly-threshold", "score", "0.5", Double::parseDouble,
            "score above which an event counts as an anomaly in the metrics");

        cli.section("Per-key monitor: rolling error and drift (also rtrl.monitor.<option>)");
        for (ModelSetting<?> setting : MonitorSettings.ALL) {
            monitor.put(setting, modelOption(setting));
        }

        cli.section("Control stream (live per-key changes, docs/model-lifecycle.md)");
        controlFile = cli.option("control-file", "file", null, Paths::get,
            "file runs: control commands as JSON lines, applied from their event times");
        controlTopic = cli.option("control-topic", "topic", null, s -> s,
            "Kafka: topic of control commands (JSON lines), read from the earliest offset");
        ackTopic = cli.option("ack-topic", "topic", null, s -> s,
            "Kafka: topic of the control acknowledgements (default: logged)");
        controlIdleTimeout = cli.option("control-idle-timeout", "duration", "10s", OptionValues::duration,
            "Kafka: a control topic quiet this long stops holding back the events; 0 = wait for it");

        cli.section("Log mode (--category-field without --value-fields, or --message-field)");
        vocabulary = cli.option("vocabulary", "types", "63", OptionValues::positiveInt,
            "event types per key's model; further types share its unseen class");
        topK = cli.option("top-k", "k", "3", OptionValues::positiveInt, "most probable next types listed per event");
        maxTemplates = cli.option("max-templates", "n", "1000", OptionValues::positiveInt,
            "templates mined per key; messages of further shapes are counted as overflow");
        maxMessageChars = cli.option("max-message-chars", "n", "4096", OptionValues::positiveInt,
            "longest message (or event type, at most 1024) accepted; longer ones go to the dead letters");
        rateBucket = cli.option("rate-bucket", "duration", "0", OptionValues::duration,
            "also forecast each key's event count per bucket of this length (file runs: rates.jsonl beside the "
                + "outputs; Kafka: --rate-topic); 0 = off");
        rateSilentBuckets = cli.option("rate-silent-buckets", "n", "60", OptionValues::nonNegativeInt,
            "zero-count buckets emitted for a key after its last event before its rate view pauses");
        rateLevels = cli.option("rate-levels", "a,b", null, OptionValues::list,
            "rate view: also count, per bucket, the events whose message or type has each of these words (e.g. "
                + "ERROR,WARN; case ignored), as further channels of the same forecast");
        rateTopic = cli.option("rate-topic", "topic", null, s -> s,
            "Kafka: topic of the rate view's forecasts (required with --rate-bucket on Kafka)");

        cli.section("Model lifecycle: export, import, warm start (docs/model-lifecycle.md)");
        exportModels = cli.option("export-models", "file", null, Paths::get,
            "write every key's model in the savepoint or checkpoint given by --restore to this file, one JSON line per"
                + " key, and exit");
        exportWeights = cli.flag("export-weights", "export: include the network weights and linear coefficients");
        importModels = cli.option("import-models", "file", null, Paths::get,
            "write the models of this file (an export) to a new savepoint at --import-savepoint and exit; start the"
                + " job from it with --restore");
        importSavepoint = cli.option("import-savepoint", "dir", null, JobOptions::uri,
            "import: folder of the savepoint to write");
        warmStart = cli.option("warm-start", "file", null, Paths::get,
            "start every new key's forecaster from the models of this file (an export): the parameters of its one"
                + " model, or the parameter average of several; default: random initialisation");
        warmStartKeys = cli.option("warm-start-keys", "a,b", null, OptionValues::list,
            "warm start: only the models of these keys (default: all forecasters in the file)");
        warmStartCovariance = cli.flag("warm-start-covariance",
            "warm start: also take the linear coefficients' covariance (their confidence), so a new key's first"
                + " events move them less");

        cli.section("Checkpointing and runtime");
        checkpointDir = cli.option("checkpoint-dir", "uri", null, JobOptions::uri,
            "checkpoint folder (path or URI); checkpoints are retained on cancellation");
        checkpointInterval = cli.option("checkpoint-interval", "duration", "5s", OptionValues::duration,
            "checkpoint interval (Kafka exactly-once outputs appear at this pace); 0 = off for file runs");
        restore = cli.option("restore", "path", null, JobOptions::uri, "restore from a savepoint or retained checkpoint (chk-N)");
        stateBackend = cli.option("state-backend", "name", "hashmap", OptionValues.oneOf("hashmap", "rocksdb"), "state backend");
        stateCache = cli.option("state-cache", "auto|share|bytes", "auto", JobOptions::stateCacheSize,
            "RocksDB: decoded models kept per subtask between events (written back to the state before every "
            + "checkpoint and on eviction): auto = a quarter of the TaskManager's heap divided by its slots, 0.4heap "
            + "= another share, 512mb = a fixed size, 0 = decode and re-encode the key's model on every event");
        parallelism = cli.option("parallelism", "n", null, OptionValues::positiveInt, "job parallelism (default: cluster default)");
        kernels = cli.option("kernels", "auto|vector|plain", "auto", OptionValues.oneOf("auto", "vector", "plain"),
            "training kernels of a local run: vector = the SIMD ones when the JVM has the jdk.incubator.vector module, "
                + "plain = the plain-Java ones, auto = the SIMD ones only when the input file is long enough to repay "
                + "their JIT cost (about 150,000 events at n = 16, 37,000 at n = 32), always on Kafka");
        progressInterval = cli.option("progress-interval", "duration", "10s", OptionValues::duration,
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

    /** Every declared option, in help order. */
    List<Cli.Option<?>> declared() {
        return cli.options();
    }

    public void printHelp(PrintStream out) {
        cli.printHelp(out);
    }

    public Mode mode() {
        if (cli.has(bootstrap)) {
            return Mode.KAFKA;
        }
        return cli.has(input) ? Mode.FILE : Mode.EMBEDDED;
    }

    /** True for the log mode: a message field, or a category field without value fields. */
    public boolean logMode() {
        return cli.has(messageField) || (cli.has(categoryField) && !cli.has(valueFields));
    }

    /** What the command does: run the job, export the models of a savepoint, or import models into one. */
    public enum Action { RUN, EXPORT_MODELS, IMPORT_MODELS }

    public Action action() {
        return cli.has(exportModels) ? Action.EXPORT_MODELS : cli.has(importModels) ? Action.IMPORT_MODELS : Action.RUN;
    }

    private void checkLifecycle() {
        if (cli.has(exportModels) && cli.has(importModels)) {
            throw new UsageException("--export-models and --import-models exclude each other");
        }
        if (action() != Action.RUN) {
            String what = action() == Action.EXPORT_MODELS ? "--export-models" : "--import-models";
            for (Cli.Option<?> o : List.of(input, bootstrap, warmStart)) {
                if (cli.has(o)) {
                    throw new UsageException("option " + o.name() + " does not apply to " + what);
                }
            }
        }
        if (action() == Action.EXPORT_MODELS) {
            cli.require(restore, "with --export-models (the savepoint or checkpoint to read)");
        } else if (cli.has(exportWeights)) {
            throw new UsageException("option --export-weights needs --export-models");
        }
        if (action() == Action.IMPORT_MODELS) {
            cli.require(importSavepoint, "with --import-models (the savepoint to write)");
            if (cli.has(restore)) {
                throw new UsageException("option --restore does not apply to --import-models");
            }
        } else if (cli.has(importSavepoint)) {
            throw new UsageException("option --import-savepoint needs --import-models");
        }
        for (Cli.Option<?> o : List.of(warmStartKeys, warmStartCovariance)) {
            if (cli.has(o) && !cli.has(warmStart)) {
                throw new UsageException("option " + o.name() + " needs --warm-start");
            }
        }
        if (cli.has(warmStart) && logMode()) {
            throw new UsageException("--warm-start applies to the forecaster, not to the log mode");
        }
    }

    private void check() {
        checkLifecycle();
        if (action() != Action.RUN) {
            return;
        }
        Mode m = mode();
        if (cli.has(messageField) && cli.has(valueFields)) {
            throw new UsageException("--message-field and --value-fields exclude each other");
        }
        if (cli.has(messageField) && cli.has(categoryField)) {
            throw new UsageException("--message-field and --category-field exclude each other");
        }
        if (logMode() && m == Mode.EMBEDDED && !cli.has(messageField)) {
            throw new UsageException("the log mode with pre-parsed types needs --input or --bootstrap-servers "
                + "(--message-field alone replays the bundled fail2ban logs)");
        }
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
            for (Cli.Option<?> o : List.of(output, deadLetters, report, reportCharts, nabWindows, replayRate, replaySpeedup)) {
                if (cli.has(o)) {
                    throw new UsageException("option " + o.name() + " applies to file runs, not to Kafka");
                }
            }
        } else {
            for (Cli.Option<?> o : List.of(inputTopic, outputTopic, deadLetterTopic, kafkaProperty,
                kafkaPropertiesFile, txPrefix, inputTopicWait)) {
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
        if (cli.has(controlFile) && m == Mode.KAFKA) {
            throw new UsageException("option --control-file applies to file runs; a Kafka job reads --control-topic");
        }
        if ((cli.has(controlTopic) || cli.has(ackTopic)) && m != Mode.KAFKA) {
            throw new UsageException("options --control-topic and --ack-topic need --bootstrap-servers");
        }
        if (cli.has(ackTopic) && !cli.has(controlTopic)) {
            throw new UsageException("option --ack-topic needs --control-topic");
        }
        if ((cli.has(controlFile) || cli.has(controlTopic)) && logMode()) {
            throw new UsageException("the control stream applies to the sensor forecaster, not to the log mode");
        }
        boolean rates = !get(rateBucket).isZero();
        if (rates && !logMode()) {
            throw new UsageException("--rate-bucket applies to the log mode (--message-field or --category-field)");
        }
        if (!rates && (cli.has(rateLevels) || cli.has(rateTopic))) {
            throw new UsageException("--rate-levels and --rate-topic need --rate-bucket");
        }
        if (cli.has(rateTopic) && m != Mode.KAFKA) {
            throw new UsageException("option --rate-topic needs --bootstrap-servers (file runs write rates.jsonl)");
        }
        if (rates && m == Mode.KAFKA) {
            cli.require(rateTopic, "with --rate-bucket on Kafka");
        }
        for (String l : rateLevels()) {
            if (!RateBuckets.isLevel(l)) {
                throw new UsageException("--rate-levels: a level is one word of letters and digits, got '" + l + "'");
            }
        }
        if (m == Mode.KAFKA && get(checkpointInterval).isZero()) {
            throw new UsageException("--checkpoint-interval must be > 0 for a Kafka job");
        }
        try {
            modelConfig();
            monitorConfig();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private void requireMapping(String why) {
        if (!logMode()) {
            cli.require(valueFields, why);
        }
        if (!cli.has(keyField) && !cli.has(constantKey)) {
            throw new UsageException("option --key-field (or --constant-key) is required " + why);
        }
    }

    <T> T get(Cli.Option<T> o) {
        return cli.get(o);
    }

    boolean has(Cli.Option<?> o) {
        return cli.has(o);
    }

    /** The embedded default: the bundled sensor data's mapping. */
    static FieldMapping sensorMapping() {
        return sensorMapping(FieldMapping.builder());
    }

    private static FieldMapping sensorMapping(FieldMapping.Builder b) {
        return b.keyField("mote_id").indexField("reading")
            .indexStartMillis(Instant.parse("2010-05-09T00:00:00Z").toEpochMilli()).indexStepMillis(5000)
            .valueFields("humidity", "temperature").labelField("label").build();
    }

    /** A mapping builder with the command line's input limits. */
    private FieldMapping.Builder limited() {
        return FieldMapping.builder().maxKeyLength(get(maxKeyLength))
            .maxCategoryLength(logMode() ? get(maxMessageChars) : 0).minTimeMillis(get(minEventTime))
            .maxTimeMillis(get(maxEventTime)).maxDeadLetterPayloadBytes(get(deadLetterPayloadMax));
    }

    public FieldMapping mapping() {
        if (mode() == Mode.EMBEDDED && logMode()) {
            return limited().keyField("source").timeField("time").categoryField(get(messageField))
                .labelField("attack").build();
        }
        if (mode() == Mode.EMBEDDED && !cli.has(valueFields)) {
            return sensorMapping(limited());
        }
        return limited()
            .keyField(get(keyField)).constantKey(get(constantKey))
            .timeField(get(timeField))
            .timeFormat(FieldMapping.TimeFormat.valueOf(get(timeFormat).toUpperCase(Locale.ROOT).replace('-', '_')))
            .indexField(get(indexField)).indexStartMillis(get(timeStart)).indexStepMillis(get(timeStep).toMillis())
            .valueFields(cli.has(valueFields) ? get(valueFields).toArray(new String[0]) : new String[0])
            .dimensions(cli.has(dimensions) ? get(dimensions) : 0)
            .categoryField(cli.has(messageField) ? get(messageField) : get(categoryField)).labelField(get(labelField))
            .build();
    }

    public EventParser.Format eventFormat() {
        if (cli.has(format)) {
            return EventParser.Format.parse(get(format));
        }
        if (mode() == Mode.EMBEDDED) {
            return logMode() ? EventParser.Format.JSON : EventParser.Format.CSV;
        }
        Path in = get(input);
        return in != null && in.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
            ? EventParser.Format.CSV : EventParser.Format.JSON;
    }

    public int inputs() {
        FieldMapping m = mapping();
        return m.dimensions;
    }

    /** The command line's model options as Flink configuration ({@link ModelOptions} keys), defaults included. */
    public Configuration modelOptions() {
        Configuration c = new Configuration();
        for (Map.Entry<ModelSetting<?>, Cli.Option<?>> e : model.entrySet()) {
            copy(c, e.getKey(), e.getValue());
        }
        c.set(ModelOptions.STATE_TTL, get(ttl));
        c.set(ModelOptions.STATE_CACHE, get(stateCache).toConfigValue());
        c.set(ModelOptions.ANOMALY_THRESHOLD, get(anomalyThreshold));
        return c;
    }

    /** Only what the command line sets: an unset option keeps the default of the model's head (ModelOptions). */
    private <T> void copy(Configuration c, ModelSetting<T> setting, Cli.Option<?> option) {
        if (cli.has(option)) {
            c.set(ModelOptions.option(setting), setting.type().cast(get(option)));
        }
    }

    private Cli.Option<?> modelOption(ModelSetting<?> s) {
        String[] names = s.alias() == null ? new String[] {s.key()} : new String[] {s.key(), s.alias()};
        String help = s.type().isEnum() ? s.description() : s.rule().isEmpty() ? s.description()
            : s.description() + "; " + s.rule();
        return cli.option(names, s.label(), formatDefault(s), text -> parseValid(s, text), help);
    }

    private static <T> String formatDefault(ModelSetting<T> s) {
        return s.format(s.defaultValue());
    }

    private static <T> T parseValid(ModelSetting<T> s, String text) {
        T v = s.parse(text);
        if (!s.isValid(v)) {
            throw new IllegalArgumentException(s.rule());
        }
        return v;
    }

    /** The per-key monitor's settings from the command line. */
    public MonitorConfig monitorConfig() {
        Map<ModelSetting<?>, Object> values = new LinkedHashMap<>();
        for (Map.Entry<ModelSetting<?>, Cli.Option<?>> e : monitor.entrySet()) {
            values.put(e.getKey(), get(e.getValue()));
        }
        return MonitorSettings.build(values);
    }

    /** The control file of a file run, or null. */
    public Path controlFile() {
        return get(controlFile);
    }

    /** Where a file run writes the control acknowledgements: acks.jsonl beside the predictions. */
    public Path ackFile() {
        return outputFile().toAbsolutePath().getParent().resolve("acks.jsonl");
    }

    public ModelConfig modelConfig() {
        if (logMode()) {
            return ModelOptions.toLogModelConfig(modelOptions(), get(vocabulary));
        }
        return ModelOptions.toModelConfig(modelOptions(), inputs());
    }

    /**
     * How each key's events reach its learner. Kafka runs default to event-time order. File runs default to the
     * file's order: a file grouped by key (all of one sensor, then the next) restarts event time at every key, and
     * the watermark, one per reader, would make every key after the first late.
     */
    public EventOrder eventOrder() {
        String chosen = cli.has(eventOrder) ? get(eventOrder) : mode() == Mode.KAFKA ? "event-time" : "arrival";
        EventOrder.Mode mode = "arrival".equals(chosen) ? EventOrder.Mode.ARRIVAL : EventOrder.Mode.EVENT_TIME;
        return new EventOrder(mode, get(allowedLateness), get(maxBufferedPerKey));
    }

    /** The rate view's levels (--rate-levels), empty without. */
    public List<String> rateLevels() {
        return cli.has(rateLevels) ? get(rateLevels) : List.of();
    }

    /** The rate view's forecaster: the model options over the event count per bucket and one count per level. */
    public ModelConfig rateModelConfig() {
        return ModelOptions.toModelConfig(modelOptions(), 1 + rateLevels().size());
    }

    public Path rateFile() {
        return outputFile().toAbsolutePath().getParent().resolve("rates.jsonl");
    }

    /** Template mining settings of the log mode with --message-field; null otherwise. */
    public MinerSettings minerSettings() {
        return cli.has(messageField) ? MinerSettings.DEFAULTS.withMaxTemplates(get(maxTemplates)) : null;
    }

    /** Bound of each subtask's decoded-model cache (RocksDB). */
    public StateCacheSize stateCache() {
        return get(stateCache);
    }

    private static StateCacheSize stateCacheSize(String text) {
        return StateCacheSize.parse(text);
    }

    /** The warm-start template of --warm-start, or null without it. */
    public WarmStartTemplate warmStart() throws IOException {
        if (!cli.has(warmStart)) {
            return null;
        }
        Path file = get(warmStart);
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--warm-start: file not found: " + file);
        }
        WarmStartTemplate t;
        try {
            t = WarmStartFile.read(file, cli.has(warmStartKeys) ? get(warmStartKeys) : List.of(), cli.has(warmStartCovariance));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--warm-start: " + e.getMessage());
        }
        if (!t.config().equals(modelConfig())) {
            throw new UsageException("--warm-start: the models in " + file + " ran another configuration than this"
                + " job's: " + t.config() + " vs " + modelConfig());
        }
        return t;
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
        try {
            KafkaProperties.validate(p);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + (cli.has(kafkaPropertiesFile) ? " in " + get(kafkaPropertiesFile) : ""));
        }
        return p;
    }

    /** How long a Kafka job waits at start for a missing input topic (zero: it fails at once with the reason). */
    public Duration inputTopicWait() {
        return get(inputTopicWait);
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
