package org.flinkrtrl.bench;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.math.Rng;
import org.flinkrtrl.flink.LearnerSerializer;

/**
 * CPU cost of one learner's codec round trip, the work the RocksDB backend does on every event: prints thread CPU
 * microseconds per call (median of rounds) for codec encode, codec decode, a learner built by the public
 * constructor and the {@code initialise()} it runs (which draws every weight; the codec's decode skips it and
 * builds an uninitialised learner instead), and the Flink serializer's serialize / deserialize through Flink's own DataOutputSerializer /
 * DataInputDeserializer (what RocksDB state uses). No assertions: a measuring tool, not a test.
 *
 * <pre>java -cp core/target/classes:$(bench/classpath.sh) org.flinkrtrl.bench.CodecCost 16,32 4 2000 7</pre>
 * (hidden sizes, rank, calls per round, rounds, optional cell TANH|GATED and label filter; OK, 2 channels, 300
 * training steps before measuring)
 */
public final class CodecCost {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    static volatile Object sink;
    /** Optional sixth argument: run only the measurements whose label contains it (e.g. for a profiler). */
    private static String only = "";

    public static void main(String[] args) throws Exception {
        String[] sizes = (args.length > 0 ? args[0] : "16,32").split(",");
        int rank = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        String cellName = args.length > 4 ? args[4] : "TANH";
        only = args.length > 5 ? args[5] : "";
        for (String s : sizes) {
            int n = Integer.parseInt(s.trim());
            ModelConfig cfg = ModelConfig.builder().set(CELL, ModelConfig.CellType.valueOf(cellName)).set(HIDDEN, n).set(INPUTS, 2)
                .set(METHOD, Method.OK).set(RANK, rank).set(SEED, 3L).build();
            ForecastingLearner l = new ForecastingLearner(cfg, 7);
            Rng data = new Rng(1);
            for (int t = 0; t < 300; t++) {
                l.observe(new double[] {data.nextGaussian(), 10 + data.nextGaussian()});
            }
            byte[] bytes = LearnerCodec.toBytes(l);
            DataOutputSerializer out = new DataOutputSerializer(bytes.length + 64);
            LearnerSerializer.INSTANCE.serialize(l, out);
            byte[] wire = out.getCopyOfBuffer();
            DataInputDeserializer in = new DataInputDeserializer();

            Runnable encode = () -> sink = LearnerCodec.toBytes(l);
            Runnable decode = () -> {
                try {
                    sink = LearnerCodec.forecastingFromBytes(bytes);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            Runnable construct = () -> sink = new ForecastingLearner(cfg, 7);
            ForecastingLearner scratch = new ForecastingLearner(cfg, 7);
            Runnable initialise = () -> scratch.model().initialise();
            Runnable serialize = () -> {
                try {
                    out.clear();
                    LearnerSerializer.INSTANCE.serialize(l, out);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            Runnable deserialize = () -> {
                try {
                    in.setBuffer(wire);
                    sink = LearnerSerializer.INSTANCE.deserialize(in);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            java.io.ByteArrayOutputStream cfgBytes = new java.io.ByteArrayOutputStream();
            cfg.writeTo(new java.io.DataOutputStream(cfgBytes));
            byte[] cfgWire = cfgBytes.toByteArray();
            Runnable readConfig = () -> {
                try {
                    sink = ModelConfig.readFrom(new org.flinkrtrl.core.optim.StateBytesIn(cfgWire, 0, cfgWire.length));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            System.out.printf("n=%d r=%d %s: %d bytes%n", n, rank, cellName, bytes.length);
            report("codec encode", encode, calls, rounds);
            report("codec decode", decode, calls, rounds);
            report("  of which config read", readConfig, calls, rounds);
            report("new learner (public ctor)", construct, calls, rounds);
            report("  of which initialise()", initialise, calls, rounds);
            report("serializer serialize", serialize, calls, rounds);
            report("serializer deserialize", deserialize, calls, rounds);
        }
    }

    private static void report(String what, Runnable op, int calls, int rounds) {
        if (!what.contains(only)) {
            return;
        }
        for (int i = 0; i < calls; i++) {
            op.run(); // warm-up
        }
        double[] us = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = MX.getCurrentThreadCpuTime();
            for (int i = 0; i < calls; i++) {
                op.run();
            }
            us[r] = (MX.getCurrentThreadCpuTime() - t0) / 1e3 / calls;
        }
        Arrays.sort(us);
        System.out.printf("  %-24s median %7.2f us/call  (min %.2f, max %.2f, %d rounds x %d)%n", what,
            us[rounds / 2], us[0], us[rounds - 1], rounds, calls);
    }
}
