package org.flinkrtrl.experiments;

import static org.flinkrtrl.core.learner.ModelSettings.HIDDEN;
import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.OUTPUTS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.ModelConfig;

/**
 * One key's forecaster on an endless stream: a real series (a NAB CSV, {@code timestamp,value}) replayed back to back
 * {@code --loops} times with its time axis continued, the job's default model otherwise. Per block of
 * {@code --block} events: the recurrent weights' Euclidean norm at the block's end, the divergences in the block
 * (loss explosions and influence resets, {@code Result.diverged}), and the mean absolute one-step error beside
 * persistence's (the previous value as forecast) over the same events. What it answers: whether the weights grow
 * without bound on a long stream and whether that costs accuracy or trips the divergence guard.
 *
 * <pre>
 * experiments/run-experiment.sh LongStreamEval --series ../shared/data/nab-dev/realKnownCause/machine_temperature_system_failure.csv --loops 45
 * </pre>
 */
public final class LongStreamEval {
    private LongStreamEval() {}

    public static void main(String[] argv) throws IOException {
        Args a = new Args(argv);
        Path csv = Paths.get(a.str("series",
            "../shared/data/nab-dev/realKnownCause/machine_temperature_system_failure.csv"));
        int loops = a.integer("loops", 45);
        int hidden = a.integer("hidden", 16);
        int block = a.integer("block", 100_000);
        a.checkAllUsed();
        List<String> lines = Files.readAllLines(csv);
        double[] v = lines.stream().skip(1).filter(l -> !l.isBlank())
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(',') + 1).trim())).toArray();
        System.out.printf(Locale.ROOT, "# %s (%d events) replayed %d times, n = %d, the job's default model otherwise%n",
            csv.getFileName(), v.length, loops, hidden);
        System.out.println("| events | weights' norm | divergences in block | MAE | persistence MAE |");
        System.out.println("|---|---|---|---|---|");
        for (Block b : run(v, loops, hidden, block)) {
            System.out.printf(Locale.ROOT, "| %,d | %.2f | %d | %.4f | %.4f |%n", b.events(), b.weightNorm(),
                b.divergences(), b.mae(), b.persistenceMae());
        }
    }

    /** One block's figures: events so far, the weights' norm at its end, its divergences and errors. */
    record Block(long events, double weightNorm, int divergences, double mae, double persistenceMae) {}

    /** Replays {@code v} {@code loops} times through one forecaster; a row per {@code block} events. */
    static List<Block> run(double[] v, int loops, int hidden, int block) {
        ModelConfig cfg = ModelConfig.builder().set(HIDDEN, hidden).set(INPUTS, 1).set(OUTPUTS, 1).build();
        ForecastingLearner f = new ForecastingLearner(cfg, 1L);
        List<Block> out = new ArrayList<>();
        long t = 1_600_000_000_000L;
        long n = 0;
        int diverged = 0;
        int scored = 0;
        double err = 0;
        double persistence = 0;
        double prev = Double.NaN;
        double[] x = new double[1];
        for (int loop = 0; loop < loops; loop++) {
            for (double value : v) {
                x[0] = value;
                ForecastingLearner.Result r = f.observe(t, x);
                t += 300_000L; // NAB's five-minute cadence, continued across replays
                n++;
                if (r.diverged) {
                    diverged++;
                }
                if (r.scored && Double.isFinite(r.previousForecast[0]) && !Double.isNaN(prev)) {
                    err += Math.abs(value - r.previousForecast[0]);
                    persistence += Math.abs(value - prev);
                    scored++;
                }
                prev = value;
                if (n % block == 0) {
                    double s = 0;
                    for (double w : f.model().recurrentWeights()) {
                        s += w * w;
                    }
                    out.add(new Block(n, Math.sqrt(s), diverged, err / scored, persistence / scored));
                    diverged = 0;
                    scored = 0;
                    err = 0;
                    persistence = 0;
                }
            }
        }
        return out;
    }
}
