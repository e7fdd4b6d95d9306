package org.flinkrtrl.jobs.lifecycle;

import static org.flinkrtrl.core.learner.ModelSettings.HIDDEN;
import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.LEARNING_RATE;
import static org.flinkrtrl.core.learner.ModelSettings.OUTPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.RANK;
import static org.flinkrtrl.core.learner.ModelSettings.SEED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.flinkrtrl.connectors.ModelJson;
import org.flinkrtrl.connectors.LogPredictionJson;
import org.flinkrtrl.connectors.PredictionJson;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.core.logs.LogSourceModel;
import org.flinkrtrl.core.logs.MinerSettings;
import org.flinkrtrl.flink.LogFunction;
import org.flinkrtrl.flink.LogOperator;
import org.flinkrtrl.record.LogPrediction;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.flink.KeySeeds;
import org.flinkrtrl.flink.LearnerOperator;
import org.flinkrtrl.jobs.SensorForecastJob;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export and import on a real savepoint: a MiniCluster job learns the first part of four keys' streams and is
 * stopped with a savepoint; the command line exports its models (each line is exactly the line of the model the bare
 * core builds from the same events) and imports them into a new savepoint; a job continued from the original
 * savepoint and one started from the imported savepoint emit bit-identical predictions on the second part. The
 * same for the log mode's models (template miner and next-event model per key).
 */
class ModelLifecycleTest {
    static final String[] KEYS = {"mote-1", "mote-2", "mote-3", "mote-4"};
    static final int PART1 = 120;
    static final int PART2 = 40;
    static final long T0 = 1273363200000L;
    /** The job's default idle TTL (its expiry timers are part of the savepoint that export reads). */
    static final Duration TTL = Duration.ofDays(7);

    static final ModelConfig CFG = ModelConfig.builder().set(INPUTS, 2).set(OUTPUTS, 2).set(HIDDEN, 8)
        .set(RANK, 2).set(LEARNING_RATE, 1e-2).set(SEED, 7L).build();

    static Event event(int t, int k) {
        return new Event(KEYS[k], T0 + 5000L * t,
            new double[] {40 + 3 * Math.sin(t / (5.0 + k)) + 0.1 * k, 25 + 0.02 * t + Math.cos(t / 7.0)}, null, null);
    }

    /** Events of part 1 in index order (t-major), then fillers without a key that the job drops before learning. */
    static final class Part1 implements GeneratorFunction<Long, Event> {
        private static final long serialVersionUID = 1L;

        @Override
        public Event map(Long i) {
            if (i < (long) PART1 * KEYS.length) {
                return event((int) (i / KEYS.length), (int) (i % KEYS.length));
            }
            return new Event(null, T0, new double[] {0, 0}, null, null);
        }
    }

    static List<Event> part2() {
        List<Event> out = new ArrayList<>();
        for (int t = PART1; t < PART1 + PART2; t++) {
            for (int k = 0; k < KEYS.length; k++) {
                out.add(event(t, k));
            }
        }
        return out;
    }

    static StreamExecutionEnvironment env(String restore) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
        if (restore != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore);
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true); // the first job's source
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    /** What export and import run on: no checkpoints, parallelism 2. */
    static StreamExecutionEnvironment toolEnv() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(2);
        return env;
    }

    /** Part 1 through the forecaster, then stop-with-savepoint once every event's prediction came back. */
    static String learnPart1AndStop(Path dir) throws Exception {
        StreamExecutionEnvironment env = env(null);
        DataStream<Event> events = env.fromSource(
                new DataGeneratorSource<>(new Part1(), Long.MAX_VALUE, RateLimiterStrategy.perSecond(4000),
                    TypeInformation.of(Event.class)),
                WatermarkStrategy.noWatermarks(), "part 1").setParallelism(1)
            .filter(e -> e.key != null).setParallelism(1);
        CloseableIterator<Prediction> it = LearnerOperator.apply(events, CFG, TTL).predictions().collectAsync();
        JobClient client = env.executeAsync("part 1");
        int seen = 0;
        while (seen < PART1 * KEYS.length && it.hasNext()) {
            it.next();
            seen++;
        }
        assertEquals(PART1 * KEYS.length, seen);
        String savepoint = client.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL).get();
        it.close();
        return savepoint;
    }

    /** Part 2 through a job started from {@code savepoint}: the predictions as JSON, by key then time. */
    static List<String> continuePart2(String savepoint) throws Exception {
        StreamExecutionEnvironment env = env(savepoint);
        DataStream<Event> events = env.fromData(part2()).setParallelism(1);
        List<String> out = new ArrayList<>();
        try (CloseableIterator<Prediction> it = LearnerOperator.apply(events, CFG, TTL).predictions()
            .executeAndCollect("part 2")) {
            List<Prediction> ps = new ArrayList<>();
            it.forEachRemaining(ps::add);
            ps.sort(Comparator.<Prediction, String>comparing(p -> p.key).thenComparingLong(p -> p.timestamp));
            for (Prediction p : ps) {
                out.add(PredictionJson.toJson(p));
            }
        }
        return out;
    }

    /** The bare core's models after part 1, seeded as the operator seeds them. */
    static Map<String, ForecastingLearner> reference() {
        Map<String, ForecastingLearner> m = new LinkedHashMap<>();
        for (String k : KEYS) {
            m.put(k, new ForecastingLearner(CFG, KeySeeds.seedFor(CFG.seed(), k)));
        }
        for (int t = 0; t < PART1; t++) {
            for (int k = 0; k < KEYS.length; k++) {
                Event e = event(t, k);
                m.get(e.key).observe(e.timestamp, e.values);
            }
        }
        return m;
    }

    static int cli(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = SensorForecastJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
        return rc;
    }

    // ---- log mode: the same round trip for the per-source log models (uid rtrl-log-model) ----

    static final ModelConfig LOG_CFG = LogLearner.config(ModelConfig.builder().set(HIDDEN, 8).set(RANK, 2)
        .set(LEARNING_RATE, 1e-2).set(SEED, 7L).build(), 15);
    static final MinerSettings MINER = MinerSettings.DEFAULTS;
    static final int TOP_K = 3;

    static Event logEvent(int t, int k) {
        String msg = switch ((t * (k + 1)) % 4) {
            case 0 -> "user " + (t % 17) + " logged in from 10.0.0." + k;
            case 1 -> "disk /dev/sda" + k + " at " + (50 + t % 40) + "% capacity";
            case 2 -> "request " + t + " served in " + (t % 9) + " ms";
            default -> "cache miss for key k" + (t % 5);
        };
        return new Event(KEYS[k], T0 + 1000L * t, null, msg, null);
    }

    static final class LogPart1 implements GeneratorFunction<Long, Event> {
        private static final long serialVersionUID = 1L;

        @Override
        public Event map(Long i) {
            if (i < (long) PART1 * KEYS.length) {
                return logEvent((int) (i / KEYS.length), (int) (i % KEYS.length));
            }
            return new Event(null, T0, null, "filler", null);
        }
    }

    static DataStream<LogPrediction> logModels(DataStream<Event> events) {
        return LogOperator.apply(events, LOG_CFG, MINER, TOP_K, 4096, TTL).predictions();
    }

    static List<String> logPart2(String savepoint) throws Exception {
        StreamExecutionEnvironment env = env(savepoint);
        List<Event> in = new ArrayList<>();
        for (int t = PART1; t < PART1 + PART2; t++) {
            for (int k = 0; k < KEYS.length; k++) {
                in.add(logEvent(t, k));
            }
        }
        List<LogPrediction> ps = new ArrayList<>();
        try (CloseableIterator<LogPrediction> it = logModels(env.fromData(in).setParallelism(1))
            .executeAndCollect("log part 2")) {
            it.forEachRemaining(ps::add);
        }
        ps.sort(Comparator.<LogPrediction, String>comparing(p -> p.key).thenComparingLong(p -> p.timestamp));
        List<String> out = new ArrayList<>();
        for (LogPrediction p : ps) {
            out.add(LogPredictionJson.toJson(p));
        }
        return out;
    }

    @Test
    void logModelsExportAndImportToo(@TempDir Path dir) throws Exception {
        StreamExecutionEnvironment env = env(null);
        DataStream<Event> events = env.fromSource(
                new DataGeneratorSource<>(new LogPart1(), Long.MAX_VALUE, RateLimiterStrategy.perSecond(4000),
                    TypeInformation.of(Event.class)),
                WatermarkStrategy.noWatermarks(), "log part 1").setParallelism(1)
            .filter(e -> e.key != null).setParallelism(1);
        CloseableIterator<LogPrediction> it = logModels(events).collectAsync();
        JobClient client = env.executeAsync("log part 1");
        int seen = 0;
        while (seen < PART1 * KEYS.length && it.hasNext()) {
            it.next();
            seen++;
        }
        assertEquals(PART1 * KEYS.length, seen);
        String savepoint = client.stopWithSavepoint(false, dir.resolve("sp").toUri().toString(),
            SavepointFormatType.CANONICAL).get();
        it.close();

        Path models = dir.resolve("log-models.jsonl");
        assertEquals(KEYS.length, ModelExport.run(toolEnv(), savepoint, models, false));
        // the reference: the operator's own fresh models, fed the same events
        Map<String, LogSourceModel> ref = new LinkedHashMap<>();
        for (String k : KEYS) {
            ref.put(k, LogFunction.newModel(LOG_CFG, MINER, TOP_K, k));
        }
        for (int t = 0; t < PART1; t++) {
            for (int k = 0; k < KEYS.length; k++) {
                Event e = logEvent(t, k);
                ref.get(e.key).observe(e.category, e.timestamp);
            }
        }
        for (String line : Files.readAllLines(models)) {
            ModelJson.Line m = ModelJson.read(line);
            assertEquals(ModelJson.LOG, m.kind());
            KeyLifecycle life = ModelJson.lifecycle(m);
            assertTrue(life != null && Double.isFinite(life.rollingError()), "key " + m.key());
            assertEquals(ModelJson.log(m.key(), ref.get(m.key()), life, false), line, "key " + m.key());
        }
        String imported = dir.resolve("imported").toUri().toString();
        assertEquals(Map.of(ModelJson.LOG, (long) KEYS.length), ModelBootstrap.run(toolEnv(), models, imported));
        List<String> continued = logPart2(savepoint);
        assertEquals(PART2 * KEYS.length, continued.size());
        assertEquals(continued, logPart2(imported));
    }

    /**
     * A savepoint whose states were written with Flink's state TTL (the flink module's pinned savepoint of an earlier
     * release, TTL 7 days, learner format 1) exports without TTL descriptors: every key's model, migrated.
     */
    @Test
    void exportReadsASavepointWrittenWithFlinkStateTtl(@TempDir Path dir) throws Exception {
        Path savepoint = Path.of("../flink/src/test/resources/savepoint-format1").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(savepoint.resolve("_metadata")), savepoint.toString());
        Path models = dir.resolve("old.jsonl");
        assertEquals(4, ModelExport.run(toolEnv(), savepoint.toUri().toString(), models, false));
        Map<String, ForecastingLearner> read = new LinkedHashMap<>();
        for (String line : Files.readAllLines(models)) {
            ModelJson.Line m = ModelJson.read(line);
            assertEquals(ModelJson.FORECASTER, m.kind());
            read.put(m.key(), ModelJson.forecaster(m));
        }
        assertEquals(java.util.Set.of("1", "2", "3", "4"), read.keySet());
        for (ForecastingLearner l : read.values()) {
            assertTrue(l.steps() > 100, "each mote's model keeps its event count: " + l.steps());
        }
    }

    /** An imported lifecycle keeps everything but the exporting job's last-event time and expiry timer. */
    @Test
    void importDropsTheExportingJobsExpiryTimes() throws Exception {
        KeyLifecycle k = new KeyLifecycle();
        k.setLearningRate(0.004);
        k.setLastSeen(123_456L);
        k.setExpiryTimer(999_999L);
        KeyLifecycle imported = ModelBootstrap.imported(k.toBytes());
        assertEquals(KeyLifecycle.NONE, imported.lastSeen());
        assertEquals(KeyLifecycle.NONE, imported.expiryTimer());
        assertEquals(0.004, imported.learningRate());
    }

    @Test
    void exportReproducesTheLiveModelsAndImportContinuesThemBitForBit(@TempDir Path dir) throws Exception {
        String savepoint = learnPart1AndStop(dir.resolve("savepoints"));

        // export through the command line, weights included
        Path models = dir.resolve("models.jsonl");
        cli("--restore", savepoint, "--export-models", models.toString(), "--export-weights", "--parallelism", "2");
        Map<String, String> exported = new LinkedHashMap<>();
        for (String line : Files.readAllLines(models)) {
            exported.put(ModelJson.read(line).key(), line);
        }
        assertEquals(KEYS.length, exported.size());
        Map<String, ForecastingLearner> ref = reference();
        for (String k : KEYS) {
            // the model part is the bare core's; the lifecycle (error monitor) is the operator's own and travels along
            KeyLifecycle life = ModelJson.lifecycle(ModelJson.read(exported.get(k)));
            assertTrue(life != null && Double.isFinite(life.rollingError()), "key " + k);
            assertEquals(ModelJson.forecaster(k, ref.get(k), life, true), exported.get(k), "key " + k);
        }
        assertTrue(exported.get("mote-1").contains("\"steps\":" + PART1));

        // import into a new savepoint, then both savepoints continue with part 2
        String imported = dir.resolve("imported").toUri().toString();
        cli("--import-models", models.toString(), "--import-savepoint", imported);
        List<String> continued = continuePart2(savepoint);
        List<String> fromImport = continuePart2(imported);
        assertEquals(PART2 * KEYS.length, continued.size());
        assertEquals(continued, fromImport);
        // and they are the continuation of the part-1 models, not fresh ones
        for (String line : continued) {
            Prediction p = PredictionJson.fromJson(line);
            assertTrue(p.steps > PART1, line);
        }
    }
}
