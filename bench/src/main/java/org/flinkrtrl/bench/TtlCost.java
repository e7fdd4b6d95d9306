package org.flinkrtrl.bench;

import static org.flinkrtrl.core.learner.ModelSettings.HIDDEN;
import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.METHOD;
import static org.flinkrtrl.core.learner.ModelSettings.OUTPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.RANK;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.flink.StateCacheSize;
import org.flinkrtrl.record.Event;

/**
 * CPU per event of the forecaster operator on the heap backend with and without the keys' idle TTL, against the
 * bare learner loop, in one JVM (interleaved repeats; {@link StateCacheCost}'s job: generated events, discarding
 * sink, parallelism 1, first to last prediction, whole-JVM CPU). The difference is what the idle expiry costs per
 * event (the last-event time kept in the lifecycle state, the per-key timer chain).
 *
 * <p>Arguments (all optional): events (200000), keys (1), hidden (16), rank (4), repeats (5).
 */
public final class TtlCost {
    private TtlCost() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int hidden = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int rank = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        ModelConfig cfg = ModelConfig.builder().set(HIDDEN, hidden).set(INPUTS, 2).set(OUTPUTS, 2)
            .set(METHOD, Method.OK).set(RANK, rank).build();
        System.out.printf(Locale.ROOT, "n=%d r=%d events=%d keys=%d repeats=%d%n", hidden, rank, events, keys, repeats);
        StateCacheCost.Variant heap = new StateCacheCost.Variant("heap", "hashmap", StateCacheSize.NONE);
        Duration[] ttls = {Duration.ZERO, Duration.ofDays(7)};
        Event[] data = new Event[events];
        for (int i = 0; i < events; i++) {
            data[i] = OperatorBenchmark.event(i, keys);
        }
        OperatorBenchmark.bare(cfg, Arrays.copyOf(data, Math.min(events, 30_000)));
        for (Duration t : ttls) {
            StateCacheCost.job(cfg, Math.min(events, 30_000), keys, heap, 0, t);
        }
        double[] bare = new double[repeats];
        double[][] cpu = new double[ttls.length][repeats];
        for (int r = 0; r < repeats; r++) {
            OperatorBenchmark.bare(cfg, data);
            bare[r] = OperatorBenchmark.lastCpuPerEvent;
            for (int v = 0; v < ttls.length; v++) {
                cpu[v][r] = StateCacheCost.job(cfg, events, keys, heap, 0, ttls[v]);
            }
        }
        System.out.printf(Locale.ROOT, "%n%-14s %s%n", "us/event", "repeats (min / median / max)");
        print("bare learner", bare);
        for (int v = 0; v < ttls.length; v++) {
            print("heap, ttl " + (ttls[v].isZero() ? "none" : ttls[v].toDays() + "d"), cpu[v]);
        }
        double[] diff = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            diff[r] = cpu[1][r] - cpu[0][r];
        }
        print("ttl - none", diff);
    }

    private static void print(String name, double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%-18s %6.2f / %6.2f / %6.2f%n", name, s[0], s[s.length / 2], s[s.length - 1]);
    }
}
