package org.flinkrtrl.bench;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.flink.EventOrder;
import org.flinkrtrl.flink.LearnerOperator;
import org.flinkrtrl.flink.StateCacheSize;
import org.flinkrtrl.record.Event;

/**
 * CPU per event of the forecaster operator on the heap backend, on RocksDB without and with the decoded-model
 * cache, against the bare learner loop, all in one JVM and one run (interleaved repeats), so the ratios hold on a
 * shared machine. Generated events, discarding sink, parallelism 1 (local cluster in this JVM); the rate of each
 * job is counted from its first to its last prediction, in whole-JVM CPU time ({@link OperatorBenchmark}'s clock).
 *
 * <p>Arguments (all optional): events (100000), keys (100), hidden (16), rank (4), repeats (3), checkpoint interval
 * in ms (0 = none; with one, every checkpoint writes back the cached models).
 */
public final class StateCacheCost {
    private StateCacheCost() {}

    record Variant(String name, String backend, StateCacheSize cache) {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int hidden = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int rank = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        long checkpointMs = args.length > 5 ? Long.parseLong(args[5]) : 0;
        ModelConfig cfg = ModelConfig.builder().set(HIDDEN, hidden).set(INPUTS, 2).set(OUTPUTS, 2)
            .set(METHOD, Method.OK).set(RANK, rank).build();
        System.out.printf(Locale.ROOT, "n=%d r=%d events=%d keys=%d repeats=%d checkpoint=%dms cores=%d%n", hidden,
            rank, events, keys, repeats, checkpointMs, Runtime.getRuntime().availableProcessors());
        Variant[] variants = {
            new Variant("heap", "hashmap", StateCacheSize.NONE),
            new Variant("rocksdb, no cache", "rocksdb", StateCacheSize.NONE),
            new Variant("rocksdb, cache", "rocksdb", LearnerOperator.DEFAULT_STATE_CACHE),
        };
        Event[] data = new Event[events];
        for (int i = 0; i < events; i++) {
            data[i] = OperatorBenchmark.event(i, keys);
        }
        // JIT warm-up of every path
        OperatorBenchmark.bare(cfg, Arrays.copyOf(data, Math.min(events, 30_000)));
        for (Variant v : variants) {
            job(cfg, Math.min(events, 30_000), keys, v, checkpointMs);
        }
        double[] bare = new double[repeats];
        double[][] cpu = new double[variants.length][repeats];
        for (int r = 0; r < repeats; r++) {
            OperatorBenchmark.bare(cfg, data);
            bare[r] = OperatorBenchmark.lastCpuPerEvent;
            for (int v = 0; v < variants.length; v++) {
                cpu[v][r] = job(cfg, events, keys, variants[v], checkpointMs);
            }
        }
        double b = median(bare);
        System.out.printf(Locale.ROOT, "%n%-20s %12s %16s %14s%n", "median of " + repeats, "us/event", "events/CPU-s",
            "share of bare");
        System.out.printf(Locale.ROOT, "%-20s %12.1f %,16.0f %13.0f%%%n", "bare learner", b, 1e6 / b, 100.0);
        for (int v = 0; v < variants.length; v++) {
            double c = median(cpu[v]);
            System.out.printf(Locale.ROOT, "%-20s %12.1f %,16.0f %13.0f%%%n", variants[v].name(), c, 1e6 / c,
                100.0 * b / c);
        }
    }

    /** On-CPU microseconds per event of one job run (whole JVM, first to last prediction). */
    static double job(ModelConfig cfg, int events, int keys, Variant v, long checkpointMs) throws Exception {
        return job(cfg, events, keys, v, checkpointMs, Duration.ofDays(1));
    }

    /** As {@link #job(ModelConfig, int, int, Variant, long)} with the keys' idle TTL {@code ttl} (0: none). */
    static double job(ModelConfig cfg, int events, int keys, Variant v, long checkpointMs, Duration ttl)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, v.backend());
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        if (checkpointMs > 0) {
            env.enableCheckpointing(checkpointMs);
        }
        DataGeneratorSource<Event> source =
            new DataGeneratorSource<>(new OperatorBenchmark.Generator(keys), events, TypeInformation.of(Event.class));
        OperatorBenchmark.Clock.count = 0;
        OperatorBenchmark.Clock.expected = events;
        LearnerOperator.apply(env.fromSource(source, WatermarkStrategy.noWatermarks(), "events"), cfg,
                ttl, LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, EventOrder.ARRIVAL, MonitorSettings.DEFAULTS, null, null,
                v.cache())
            .predictions()
            .map(new OperatorBenchmark.Clock()).returns(LearnerOperator.PREDICTION_TYPE)
            .sinkTo(new DiscardingSink<>());
        env.execute("state-cache-cost");
        if (OperatorBenchmark.Clock.count != events) {
            throw new IllegalStateException("expected " + events + " predictions, saw " + OperatorBenchmark.Clock.count);
        }
        double us = (OperatorBenchmark.Clock.lastCpu - OperatorBenchmark.Clock.firstCpu) / 1e3 / (events - 1);
        System.out.printf(Locale.ROOT, "         (%s: %.1f us/event on-CPU, whole JVM)%n", v.name(), us);
        return us;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
