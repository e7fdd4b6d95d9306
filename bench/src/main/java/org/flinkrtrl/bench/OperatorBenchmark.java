package org.flinkrtrl.bench;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.flink.KeySeeds;
import org.flinkrtrl.flink.LearnerOperator;
import org.flinkrtrl.record.Prediction;

/**
 * Events/s of the Flink operator (local MiniCluster, hashmap backend, one slot, parallelism 1) against the bare
 * {@link ForecastingLearner} loop on the same generated events. Not a test; see docs/operator-benchmark.md.
 *
 * <p>Arguments (all optional): events (200000), keys (10), hidden (16), rank (4), repeats (3), backend (hashmap).
 *
 * <p>The operator's rate is measured inside the job, from the first to the last prediction reaching the sink
 * (so cluster start-up and teardown are excluded; source, network shuffle of keyBy, serialisation, state
 * access, metrics and output are included). The whole job's wall time is printed too.
 */
public final class OperatorBenchmark {
    private OperatorBenchmark() {}

    /** On-CPU microseconds per event of the last bare or operator run. */
    static double lastCpuPerEvent;

    /** State backend of the operator runs: hashmap (default) or rocksdb. */
    static String backend = "hashmap";

    /** Deterministic events: key i % keys, two channels (sine and cosine with a hashed jitter). */
    static final class Generator implements GeneratorFunction<Long, Event> {
        private static final long serialVersionUID = 1L;
        private final int keys;

        Generator(int keys) {
            this.keys = keys;
        }

        @Override
        public Event map(Long index) {
            return event(index, keys);
        }
    }

    static Event event(long i, int keys) {
        int k = (int) (i % keys);
        long t = i / keys;
        long h = (i * 0x9E3779B97F4A7C15L) ^ (i >>> 7);
        double jitter = ((h >>> 11) * 0x1.0p-53 - 0.5) * 0.1;
        double a = Math.sin(0.05 * t + k) + jitter;
        double b = 20 + 3 * Math.cos(0.031 * t + 0.5 * k) - jitter;
        return new Event("key-" + k, 1_700_000_000_000L + t * 1000L, new double[] {a, b}, null, null);
    }

    /** CPU time of the whole JVM (all threads: task, network, GC, JIT), nanoseconds. */
    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Records when the first and the last prediction passed, and the JVM's CPU time at both (same JVM as the local
     * cluster).
     */
    static final class Clock implements MapFunction<Prediction, Prediction> {
        private static final long serialVersionUID = 1L;
        static volatile long expected;
        static volatile long first;
        static volatile long last;
        static volatile long firstCpu;
        static volatile long lastCpu;
        static volatile long count;

        @Override
        public Prediction map(Prediction p) {
            long now = System.nanoTime();
            long c = ++count;
            if (c == 1) {
                first = now;
                firstCpu = processCpu();
            }
            if (c == expected) {
                lastCpu = processCpu();
            }
            last = now;
            return p;
        }
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int hidden = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int rank = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        backend = args.length > 5 ? args[5] : "hashmap";
        ModelConfig cfg = ModelConfig.builder().set(HIDDEN, hidden).set(INPUTS, 2).set(OUTPUTS, 2).set(METHOD, Method.OK).set(RANK, rank).build();
        System.out.printf(Locale.ROOT, "config: %s%nevents=%d keys=%d repeats=%d backend=%s, cores=%d%n", cfg, events,
            keys, repeats, backend, Runtime.getRuntime().availableProcessors());

        Event[] data = new Event[events];
        for (int i = 0; i < events; i++) {
            data[i] = event(i, keys);
        }
        bare(cfg, Arrays.copyOf(data, Math.min(events, 50_000))); // JIT warm-up
        operator(cfg, Math.min(events, 50_000), keys); // JIT warm-up of the Flink code paths
        // interleaved, so a change of machine load hits both sides alike
        double[] bareRates = new double[repeats];
        double[] opRates = new double[repeats];
        double[] bareCpu = new double[repeats];
        double[] opCpu = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            bareRates[r] = bare(cfg, data);
            bareCpu[r] = lastCpuPerEvent;
            System.out.printf(Locale.ROOT, "bare     run %d: %,.0f events/s%n", r + 1, bareRates[r]);
            long t0 = System.nanoTime();
            opRates[r] = operator(cfg, events, keys);
            opCpu[r] = lastCpuPerEvent;
            double wall = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "operator run %d: %,.0f events/s (first to last prediction); job wall time "
                + "%.2f s incl. cluster start%n", r + 1, opRates[r], wall);
        }
        double bareMedian = median(bareRates);
        double opMedian = median(opRates);
        System.out.printf(Locale.ROOT, "%nmedian bare: %,.0f events/s (%.2f us/event)%n", bareMedian, 1e6 / bareMedian);
        System.out.printf(Locale.ROOT, "median operator: %,.0f events/s (%.2f us/event)%n", opMedian, 1e6 / opMedian);
        System.out.printf(Locale.ROOT, "overhead: %.1f%% more time per event (%.2f us/event)%n",
            100.0 * (bareMedian / opMedian - 1.0), 1e6 / opMedian - 1e6 / bareMedian);
        double bc = median(bareCpu);
        double oc = median(opCpu);
        System.out.printf(Locale.ROOT, "on-CPU (whole JVM), median: bare %.1f us/event, operator %.1f us/event, "
            + "overhead %.1f%% (%.1f us/event)%n", bc, oc, 100.0 * (oc / bc - 1.0), oc - bc);
    }

    static double bare(ModelConfig cfg, Event[] data) {
        Map<String, ForecastingLearner> learners = new HashMap<>();
        double sink = 0;
        long c0 = processCpu();
        long t0 = System.nanoTime();
        for (Event e : data) {
            ForecastingLearner l = learners.get(e.key);
            if (l == null) {
                l = new ForecastingLearner(cfg, KeySeeds.seedFor(cfg.seed(), e.key));
                learners.put(e.key, l);
            }
            sink += l.observe(e.values).forecast[0];
        }
        long dt = System.nanoTime() - t0;
        long cpu = processCpu() - c0;
        System.out.printf(Locale.ROOT, "         (bare loop: %.1f us/event wall, %.1f us/event on-CPU, whole JVM)%n",
            dt / 1e3 / data.length, cpu / 1e3 / data.length);
        lastCpuPerEvent = cpu / 1e3 / data.length;
        if (sink == 42.4242) {
            System.out.println(sink);
        }
        return data.length / (dt / 1e9);
    }

    static double operator(ModelConfig cfg, int events, int keys) throws Exception {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        DataGeneratorSource<Event> source =
            new DataGeneratorSource<>(new Generator(keys), events, TypeInformation.of(Event.class));
        Clock.count = 0;
        Clock.expected = events;
        LearnerOperator.apply(env.fromSource(source, WatermarkStrategy.noWatermarks(), "events"), cfg, Duration.ofDays(1))
            .predictions()
            .map(new Clock()).returns(LearnerOperator.PREDICTION_TYPE)
            .sinkTo(new DiscardingSink<>());
        env.execute("operator-benchmark");
        if (Clock.count != events) {
            throw new IllegalStateException("expected " + events + " predictions, saw " + Clock.count);
        }
        System.out.printf(Locale.ROOT, "         (operator: %.1f us/event wall, %.1f us/event on-CPU, whole JVM)%n",
            (Clock.last - Clock.first) / 1e3 / (events - 1), (Clock.lastCpu - Clock.firstCpu) / 1e3 / (events - 1));
        lastCpuPerEvent = (Clock.lastCpu - Clock.firstCpu) / 1e3 / (events - 1);
        return (events - 1) / ((Clock.last - Clock.first) / 1e9);
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
