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
import org.flinkrtrl.flink.EventOrder;
import org.flinkrtrl.flink.LearnerOperator;
import org.flinkrtrl.record.Event;

/**
 * What event-time ordering costs on an input that is already in order: the same generated events (timestamps
 * increasing, 5 s bounded-out-of-orderness watermarks) through the operator in arrival and in event-time mode, one
 * after the other in each repeat so a change of machine load hits both alike. Prints the whole JVM's on-CPU time
 * per event of each job (cluster start included, the same for both) and the difference. Not a test.
 *
 * <p>Arguments (all optional): events (200000), keys (10), hidden (4), repeats (3), backend (hashmap).
 */
public final class OrderCost {
    private OrderCost() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int hidden = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        String backend = args.length > 4 ? args[4] : "hashmap";
        ModelConfig cfg = ModelConfig.builder().set(HIDDEN, hidden).set(INPUTS, 2).set(OUTPUTS, 2)
            .set(METHOD, Method.OK).set(RANK, 2).build();
        System.out.printf(Locale.ROOT, "events=%d keys=%d hidden=%d repeats=%d backend=%s cores=%d%n", events, keys,
            hidden, repeats, backend, Runtime.getRuntime().availableProcessors());
        run(cfg, Math.min(events, 50_000), keys, EventOrder.ARRIVAL, backend); // JIT warm-up
        run(cfg, Math.min(events, 50_000), keys, EventOrder.EVENT_TIME, backend);
        double[] arrival = new double[repeats];
        double[] eventTime = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            arrival[r] = run(cfg, events, keys, EventOrder.ARRIVAL, backend);
            eventTime[r] = run(cfg, events, keys, EventOrder.EVENT_TIME, backend);
            System.out.printf(Locale.ROOT, "repeat %d: arrival %.2f us/event, event-time %.2f us/event on-CPU%n", r + 1,
                arrival[r], eventTime[r]);
        }
        double a = median(arrival);
        double e = median(eventTime);
        System.out.printf(Locale.ROOT, "median on-CPU: arrival %.2f us/event, event-time %.2f us/event: ordering adds "
            + "%.2f us/event (%.1f%%)%n", a, e, e - a, 100 * (e / a - 1));
    }

    static double run(ModelConfig cfg, int events, int keys, EventOrder order, String backend) throws Exception {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        DataGeneratorSource<Event> source = new DataGeneratorSource<>(new OperatorBenchmark.Generator(keys), events,
            TypeInformation.of(Event.class));
        WatermarkStrategy<Event> wm = WatermarkStrategy.<Event>forBoundedOutOfOrderness(Duration.ofSeconds(5))
            .withTimestampAssigner((ev, previous) -> ev.timestamp);
        LearnerOperator.apply(env.fromSource(source, wm, "events"), cfg, Duration.ofDays(1),
                LearnerOperator.DEFAULT_ANOMALY_THRESHOLD, order)
            .predictions().sinkTo(new DiscardingSink<>());
        long c0 = OperatorBenchmark.processCpu();
        env.execute("order-cost");
        return (OperatorBenchmark.processCpu() - c0) / 1e3 / events;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
