package org.flinkrtrl.jobs.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deterministic synthetic anomaly scores for the NAB dev files, for checking {@link NabScorer} against NAB's own
 * scorer: a splitmix64 hash of (variant, file, row) gives u in [0, 1); rows inside a window fire (score near 1)
 * with some probability, other rows score u^8, so the optimal threshold is neither trivial nor at an extreme.
 * Variant "fine" keeps full doubles; variant "ties" rounds to multiples of 0.05 (many equal scores).
 *
 * <p>Writing the predictions NAB's scorer reads (JSON lines: key, ts, anomalyScore):
 * {@code java -cp jobs/target/classes:jobs/target/test-classes:$(cat cp.txt) org.flinkrtrl.jobs.eval.NabFixtureScores
 * ../shared/data/nab-dev fine /tmp/fine.jsonl}
 */
public final class NabFixtureScores {
    private NabFixtureScores() {}

    static Map<String, double[]> scores(NabCorpus corpus, String variant) {
        long salt = variant.equals("fine") ? 17 : 29;
        Map<String, double[]> out = new LinkedHashMap<>();
        int f = 0;
        for (NabCorpus.File file : corpus.files()) {
            long[] ts = file.timestamps();
            double[] s = new double[ts.length];
            for (int i = 0; i < ts.length; i++) {
                boolean inWindow = false;
                for (long[] w : file.windows()) {
                    inWindow |= ts[i] >= w[0] && ts[i] <= w[1];
                }
                double u = unit(mix(salt * 1_000_003L + f * 100_000L + i));
                double v = unit(mix(~(salt * 1_000_003L + f * 100_000L + i)));
                double x = inWindow && v < 0.02 ? 0.9 + 0.1 * u : Math.pow(u, 8);
                s[i] = variant.equals("ties") ? Math.round(x * 20) / 20.0 : x;
            }
            out.put(file.key(), s);
            f++;
        }
        return out;
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double unit(long z) {
        return (z >>> 11) * 0x1.0p-53;
    }

    public static void main(String[] args) throws IOException {
        NabCorpus corpus = NabCorpus.read(Paths.get(args[0]));
        Map<String, double[]> s = scores(corpus, args[1]);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(args[2])))) {
            for (NabCorpus.File file : corpus.files()) {
                double[] x = s.get(file.key());
                for (int i = 0; i < x.length; i++) {
                    w.println("{\"key\":\"" + file.key() + "\",\"ts\":" + file.timestamps()[i] + ",\"anomalyScore\":" + x[i] + "}");
                }
            }
        }
    }
}
