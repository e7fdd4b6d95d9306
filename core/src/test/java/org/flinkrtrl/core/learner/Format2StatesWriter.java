package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.math.Rng;

/**
 * Writes {@code learners-format2.bin.gz} (see src/test/resources/codec/README.md): the pinned format-2 states that
 * {@link CodecBytesTest#storedFormat2StatesMigrateToFormat3} migrates. It writes the current format; the stored file
 * was written when that was format 2. Run once per format change:
 * {@code java -cp core/target/classes:core/target/test-classes org.flinkrtrl.core.learner.Format2StatesWriter FILE}.
 */
public final class Format2StatesWriter {
    private Format2StatesWriter() {}

    public static void main(String[] args) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(new FileOutputStream(args[0])))) {
            write(out, 6);
            write(out, 16);
        }
    }

    private static void write(DataOutputStream out, int n) throws IOException {
        for (Method m : Method.values()) {
            for (ModelConfig.CellType c : ModelConfig.CellType.values()) {
                if (n == 16 && (m != Method.OK || c != ModelConfig.CellType.TANH)) {
                    continue;
                }
                ModelConfig cfg = ModelConfig.builder().set(CELL, c).set(HIDDEN, n).set(INPUTS, 2).set(METHOD, m)
                    .set(RANK, n == 6 ? 3 : 4).set(TRUNCATION, 5).set(SEED, 11L).build();
                ForecastingLearner l = new ForecastingLearner(cfg, 99);
                Rng data = new Rng(5);
                for (int t = 0; t < 137; t++) {
                    l.observe(t * 1_800_000L, new double[] {data.nextGaussian(), 10 + data.nextGaussian()});
                }
                byte[] b = LearnerCodec.toBytes(l);
                out.writeUTF("n=" + n + " " + m + " " + c);
                out.writeInt(b.length);
                out.write(b);
            }
        }
    }
}
