package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.math.Rng;

/**
 * Writes {@code lru-format5.bin.gz} (see src/test/resources/codec/README.md): forecasters of method lru, which
 * {@link CodecBytesTest#storedFormat5LruStatesMigrateWithTheirMlpReadout} migrates. It writes the current format;
 * the stored file was written when that was format 5 (the MLP readout's width was then the number of units):
 * {@code java -Dflinkrtrl.kernels=plain -cp core/target/classes:core/target/test-classes
 * org.flinkrtrl.core.learner.LruStatesWriter FILE}.
 */
public final class LruStatesWriter {
    private LruStatesWriter() {}

    public static void main(String[] args) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(new FileOutputStream(args[0])))) {
            for (int n : new int[] {6, 8}) {
                ForecastingLearner l = new ForecastingLearner(config(n), 99);
                Rng data = new Rng(5);
                for (int t = 0; t < 137; t++) {
                    l.observe(t * 1_800_000L, new double[] {data.nextGaussian(), 10 + data.nextGaussian()});
                }
                byte[] b = LearnerCodec.toBytes(l);
                out.writeUTF("n=" + n + " LRU");
                out.writeInt(b.length);
                out.write(b);
            }
        }
    }

    /** The stored learners' config (readout clipping 1, as the forecaster runs the LRU in docs/lru-results.md). */
    static ModelConfig config(int n) {
        return ModelConfig.builder().set(HIDDEN, n).set(INPUTS, 2).set(METHOD, Method.LRU).set(SEED, 11L)
            .set(READOUT_CLIP_NORM, 1.0).build();
    }
}
