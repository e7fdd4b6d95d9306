package org.flinkrtrl.jobs;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.StandardCopyOption;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;
import org.flinkrtrl.connectors.EventParser;
import org.flinkrtrl.connectors.FileReplay;
import org.flinkrtrl.connectors.KafkaConnectors;
import org.flinkrtrl.connectors.LogPredictionJson;
import org.flinkrtrl.connectors.ParseFunction;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.connectors.RawRecord;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.flink.EventKeySelector;
import org.flinkrtrl.flink.EventOrder;
import org.flinkrtrl.flink.LearnerOperator;
import org.flinkrtrl.flink.LogOperator;
import org.flinkrtrl.flink.RateBuckets;
import org.flinkrtrl.record.Prediction;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.LogPrediction;
import org.flinkrtrl.jobs.report.LogEvaluation;
import org.flinkrtrl.jobs.report.LogReport;
import org.flinkrtrl.jobs.report.RunInfo;

/**
 * The log mode of the job: raw records -> {@code parse} (malformed records to the dead letters) -> {@code watermarks}
 * -> keyBy key -> {@code rtrl-log-model} ({@link LogOperator}; refused events to the dead letters), on a file
 * (bounded: outputs and dead letters as JSON lines) or on Kafka (outputs and dead letters to topics).
 */
final class LogJob {
    /** The log mode's embedded default: {@code --message-field message} without an input replays these. */
    static final String BUNDLED_LOGS = "/data/fail2ban-logs.jsonl";

    private LogJob() {}

    /** The log topology's outputs. */
    record Streams(SingleOutputStreamOperator<LogPrediction> predictions, DataStream<DeadLetter> deadLetters,
                   DataStream<Prediction> rates) {}

    /** {@code ordered} (file replays) runs parse and watermarks at parallelism 1 so each key keeps the file's order. */
    static Streams build(DataStream<RawRecord> raw, JobOptions o, EventParser parser, boolean ordered) {
        SingleOutputStreamOperator<Event> parsed = raw.process(new ParseFunction(parser), LearnerOperator.EVENT_TYPE)
            .uid("parse").name("parse");
        SingleOutputStreamOperator<Event> events = parsed
            .assignTimestampsAndWatermarks(Pipeline.watermarks(o.get(o.outOfOrderness), o.get(o.idleTimeout))).uid("watermarks").name("watermarks");
        if (ordered) {
            parsed.setParallelism(1);
            events.setParallelism(1);
        }
        LogOperator.Streams s = LogOperator.apply(events, o.modelConfig(), o.minerSettings(), o.get(o.topK),
            o.get(o.maxMessageChars), o.stateTtl(), o.monitorConfig(), o.stateCache());
        DataStream<DeadLetter> dead = parsed.getSideOutput(ParseFunction.DEAD_LETTERS).union(s.deadLetters());
        DataStream<Prediction> rates = null;
        if (!o.get(o.rateBucket).isZero()) {
            DataStream<Event> counts = events.keyBy(new EventKeySelector(), Types.STRING)
                .process(new RateBuckets(o.get(o.rateBucket).toMillis(), o.get(o.rateSilentBuckets), o.rateLevels()),
                    LearnerOperator.EVENT_TYPE)
                .uid("rate-buckets").name("rate-buckets");
            LearnerOperator.Streams r = LearnerOperator.apply(counts, o.rateModelConfig(), o.stateTtl(),
                o.get(o.anomalyThreshold), EventOrder.ARRIVAL, MonitorSettings.DEFAULTS, null, null,
                o.stateCache());
            rates = r.predictions();
            dead = dead.union(r.deadLetters());
        }
        return new Streams(s.predictions(), dead, rates);
    }

    /** Runs the log mode on a file or Kafka; returns the exit code. */
    static int run(JobOptions o, PrintStream out) throws Exception {
        if (o.mode() == JobOptions.Mode.KAFKA) {
            StreamExecutionEnvironment env = SensorForecastJob.environment(o);
            buildKafka(env, o);
            env.execute(o.get(o.jobName));
            return 0;
        }
        return runFile(o, out);
    }

    static void buildKafka(StreamExecutionEnvironment env, JobOptions o) throws IOException {
        Properties props = o.kafkaProperties();
        String bootstrap = o.get(o.bootstrap);
        DeliveryGuarantee delivery = o.get(o.delivery);
        DataStream<RawRecord> raw = env.fromSource(
                KafkaConnectors.source(bootstrap, o.get(o.inputTopic), o.get(o.groupId), props),
                WatermarkStrategy.noWatermarks(), "kafka:" + o.get(o.inputTopic))
            .uid("kafka-source");
        Streams s = build(raw, o, SensorForecastJob.parser(o, null), false);
        String prefix = o.transactionalIdPrefix();
        s.predictions().sinkTo(KafkaConnectors.logPredictionSink(bootstrap, o.get(o.outputTopic), delivery,
                prefix + "-predictions", props))
            .uid("kafka-sink-predictions").name("kafka:" + o.get(o.outputTopic));
        if (s.rates() != null) {
            s.rates().sinkTo(KafkaConnectors.predictionSink(bootstrap, o.get(o.rateTopic), delivery, prefix + "-rates",
                    props))
                .uid("kafka-sink-rates").name("kafka:" + o.get(o.rateTopic));
        }
        if (o.has(o.deadLetterTopic)) {
            s.deadLetters().sinkTo(KafkaConnectors.deadLetterSink(bootstrap, o.get(o.deadLetterTopic), delivery,
                    prefix + "-dead-letters", props))
                .uid("kafka-sink-dead-letters").name("kafka:" + o.get(o.deadLetterTopic));
        } else {
            s.deadLetters().map(new DeadLetterLogger()).uid("dead-letter-log").name("dead-letter-log")
                .sinkTo(new DiscardingSink<>()).uid("dead-letter-discard").name("dead-letter-discard");
        }
    }

    /** A bounded replay: outputs and dead letters as JSON lines, and a console summary. */
    static int runFile(JobOptions o, PrintStream out) throws Exception {
        Path input;
        if (o.mode() == JobOptions.Mode.EMBEDDED) {
            input = Files.createTempFile("flink-rtrl-fail2ban-", ".jsonl");
            input.toFile().deleteOnExit();
            try (InputStream in = LogJob.class.getResourceAsStream(BUNDLED_LOGS)) {
                if (in == null) {
                    throw new IOException("bundled logs " + BUNDLED_LOGS + " are missing from the jar");
                }
                Files.copy(in, input, StandardCopyOption.REPLACE_EXISTING);
            }
            out.println("bundled logs: fail2ban's filter test logs (Debian fail2ban 1.0.2-2; GPL-2.0-or-later, "
                + "Copyright 2004-2009 Cyril Jaquier and others; see data/README.md in the jar)");
        } else {
            input = o.get(o.input);
            if (!Files.isRegularFile(input)) {
                throw new UsageException("input file not found: " + input);
            }
        }
        Path outputs = o.outputFile();
        Path dead = o.deadLetterFile();
        Path reportFile = o.reportFile();
        for (Path p : List.of(outputs, dead, reportFile)) {
            Path parent = p.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }
        EventParser parser = SensorForecastJob.parser(o, input);
        out.println("flink-rtrl log mode: replaying " + input + " with " + parser.mapping()
            + (o.minerSettings() != null ? ", mining templates " + o.minerSettings() : ", pre-parsed event types"));
        out.println("model: " + o.modelConfig());
        out.println(HeapGuard.logCapacity(o.modelConfig(), o.minerSettings(), o.get(o.topK),
            o.get(o.rateBucket).isZero() ? null : o.rateModelConfig(), Runtime.getRuntime().maxMemory()));
        StreamExecutionEnvironment env = SensorForecastJob.environment(o);
        Streams s = build(FileReplay.lines(env, input, parser.format() == EventParser.Format.CSV), o, parser, true);
        DataStream<String> tagged = s.predictions().map(p -> "P" + LogPredictionJson.toJson(p)).returns(Types.STRING)
            .uid("log-to-output").name("log-to-output")
            .union(s.deadLetters().map(d -> "D" + PredictionJson.toJson(d)).returns(Types.STRING)
                .uid("dead-to-output").name("dead-to-output"));
        if (s.rates() != null) {
            tagged = tagged.union(s.rates().map(r -> "R" + PredictionJson.toJson(r)).returns(Types.STRING)
                .uid("rates-to-output").name("rates-to-output"));
        }
        Path rateFile = o.rateFile();
        long rateCount = 0;
        long predictions = 0;
        long deadLetters = 0;
        long scored = 0;
        long unseen = 0;
        double bits = 0;
        Set<String> keys = new HashSet<>();
        LogEvaluation eval = new LogEvaluation(o.get(o.vocabulary));
        long t0 = System.nanoTime();
        try (CloseableIterator<String> it = tagged.executeAndCollect(o.get(o.jobName));
             BufferedWriter w = Files.newBufferedWriter(outputs, StandardCharsets.UTF_8);
             BufferedWriter dw = Files.newBufferedWriter(dead, StandardCharsets.UTF_8);
             BufferedWriter rw = s.rates() == null ? null : Files.newBufferedWriter(rateFile, StandardCharsets.UTF_8)) {
            while (it.hasNext()) {
                String r = it.next();
                if (r.charAt(0) == 'R') {
                    rateCount++;
                    rw.write(r, 1, r.length() - 1);
                    rw.newLine();
                } else if (r.charAt(0) == 'P') {
                    predictions++;
                    LogPrediction p = LogPredictionJson.fromJson(r.substring(1));
                    keys.add(p.key);
                    eval.add(p);
                    unseen += p.unseen ? 1 : 0;
                    if (!Double.isNaN(p.surprise)) {
                        scored++;
                        bits += p.surprise;
                    }
                    w.write(r, 1, r.length() - 1);
                    w.newLine();
                } else {
                    deadLetters++;
                    dw.write(r, 1, r.length() - 1);
                    dw.newLine();
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long rows = SensorForecastJob.dataRows(input, parser.format() == EventParser.Format.CSV);
        boolean complete = predictions + deadLetters == rows;
        if (!complete) {
            out.printf(Locale.ROOT, "ERROR: the file has %d records but %d outputs and %d dead letters came back%n",
                rows, predictions, deadLetters);
        }
        out.printf(Locale.ROOT, "processed %d events of %d keys in %.1f s wall clock incl. start-up, %d dead letters; "
            + "mean surprise %.3f bits/event over %d scored events, %d events of an unseen type%n", predictions,
            keys.size(), secs, deadLetters, scored == 0 ? Double.NaN : bits / scored, scored, unseen);
        RunInfo run = new RunInfo(input.toString(), parser.mapping().toString()
            + (o.minerSettings() != null ? ", mining templates " + o.minerSettings() : ", pre-parsed event types"),
            o.modelConfig().toString(), "", new String[0], secs, Double.NaN, deadLetters);
        LogReport.write(reportFile, run, eval);
        long m = LogReport.MIN_EVENTS;
        out.printf(Locale.ROOT, "bits/event over the %d sources with >= %d events: mixture %.3f, network %.3f; "
                + "baselines: Witten-Bell n-gram order 2 %.3f, order 1 %.3f, order 0 %.3f, frequency %.3f; top-1 "
                + "accuracy: mixture %.3f, n-gram order 2 %.3f, frequency %.3f%s%n",
            eval.pooledSources(m), m, eval.pooledBits(0, m), eval.pooledBits(1, m),
            eval.pooledBits(LogEvaluation.BASELINES, m), eval.pooledBits(LogEvaluation.BASELINES + 1, m),
            eval.pooledBits(LogEvaluation.BASELINES + 2, m), eval.pooledBits(LogEvaluation.BASELINES + 3, m),
            eval.pooledTop1(0, m), eval.pooledTop1(LogEvaluation.BASELINES, m),
            eval.pooledTop1(LogEvaluation.BASELINES + 3, m), eval.labelledPositive() > 0 && eval.labelledOther() > 0
                ? String.format(Locale.ROOT, "; anomaly score ROC AUC %.3f (%d positive, %d other labelled events)",
                    eval.auc(1), eval.labelledPositive(), eval.labelledOther()) : "");
        out.println("outputs:      " + outputs.toAbsolutePath());
        out.println("dead letters: " + dead.toAbsolutePath());
        out.println("report:       " + reportFile.toAbsolutePath() + " (and report.json beside it)");
        if (s.rates() != null) {
            out.printf(Locale.ROOT, "rates:        %s (%d buckets of %s)%n", rateFile, rateCount, o.get(o.rateBucket));
        }
        return complete ? 0 : 1;
    }
}
