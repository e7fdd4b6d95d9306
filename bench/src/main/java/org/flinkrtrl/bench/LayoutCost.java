package org.flinkrtrl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.jobs.JobOptions;
import org.flinkrtrl.record.Event;

/**
 * Does the learner's speed depend on where its arrays sit in the heap? One key's learner (the job's model at
 * --hidden n) runs over JobThroughput's event set; every chunk of events it is copied through the codec (same bits,
 * so the run continues identically) after a random-sized padding allocation, so its arrays land at other addresses.
 * Prints the thread CPU per event of every chunk.
 *
 * <pre>
 * java -cp core/target/classes:$(bench/classpath.sh) org.flinkrtrl.bench.LayoutCost 16 40 20000
 * </pre>
 */
public final class LayoutCost {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int chunks = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int per = args.length > 2 ? Integer.parseInt(args[2]) : 20000;
        ModelConfig cfg = JobOptions.parse(new String[] {"--hidden", String.valueOf(n), "--key-field", "key",
            "--time-field", "time", "--value-fields", "a,b"}).modelConfig();
        Event[] data = JobThroughput.events(chunks * per, 1);
        ForecastingLearner l = new ForecastingLearner(cfg, 1L);
        SplittableRandom rnd = new SplittableRandom(7);
        Object[] keep = new Object[64];
        double sink = 0;
        for (int c = 0; c < chunks; c++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            for (int i = c * per; i < (c + 1) * per; i++) {
                sink += l.observe(data[i].timestamp, data[i].values).forecast[0];
            }
            long t1 = THREADS.getCurrentThreadCpuTime();
            System.out.printf(Locale.ROOT, "chunk %3d: %.2f us/event%n", c, (t1 - t0) / 1e3 / per);
            // move it: padding of a random size, then a copy through the codec
            keep[c % keep.length] = new byte[rnd.nextInt(1, 4096)];
            l = LearnerCodec.forecastingFromBytes(LearnerCodec.toBytes(l));
        }
        if (sink == 42.4242) {
            System.out.println(sink);
        }
    }
}
