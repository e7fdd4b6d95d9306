package org.flinkrtrl.bench;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import java.util.concurrent.TimeUnit;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.OnlineLearner;
import org.flinkrtrl.core.math.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full per-event training step of one per-key model: {@link OnlineLearner#advance} (forward,
 * influence propagation, the OK r+1 -> r reduction) followed by {@link OnlineLearner#learn} (loss, gradient,
 * clipping, Adam). Vanilla tanh cell, one input, one regression output, defaults of {@link ModelConfig} otherwise
 * (Adam, clip 1.0), sequence reset every 1,000 events (as {@link StepCost}). The input is a noisy sine so the state stays in a realistic, non-saturated
 * regime; the learner is warmed up for 2,000 events before measurement so the influence state has full rank.
 *
 * <p>Score = events (training steps) per second. Run e.g.
 * {@code java -cp ... org.openjdk.jmh.Main TrainingStepBench -f 1 -wi 3 -i 5 -p method=OK -p n=32 -p r=4 -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrainingStepBench {
    @Param({"OK"})
    public String method;

    @Param({"32"})
    public int n;

    @Param({"4"})
    public int r;

    @Param({"TANH"})
    public String cell;

    private static final int SERIES = 4096;

    private OnlineLearner learner;
    private double[][] inputs;
    private double[][] targets;
    private int t;

    @Setup(Level.Trial)
    public void setup() {
        ModelConfig cfg = ModelConfig.builder()
            .set(CELL, ModelConfig.CellType.valueOf(cell))
            .set(HIDDEN, n)
            .set(INPUTS, 1)
            .set(OUTPUTS, 1)
            .set(METHOD, Method.valueOf(method))
            .set(RANK, r)
            .set(RESET_PERIOD, StepCost.RESET_PERIOD)
            .set(SEED, 7L)
            .build();
        learner = new OnlineLearner(cfg);
        Rng noise = new Rng(11L);
        inputs = new double[SERIES + 1][1];
        for (int i = 0; i <= SERIES; i++) {
            inputs[i][0] = Math.sin(2 * Math.PI * i / 37.0) + 0.5 * Math.sin(2 * Math.PI * i / 11.0)
                + 0.1 * noise.nextGaussian();
        }
        targets = new double[SERIES][];
        for (int i = 0; i < SERIES; i++) {
            targets[i] = inputs[i + 1];
        }
        for (int i = 0; i < 2000; i++) {
            step();
        }
    }

    private double step() {
        int i = t;
        t = (i + 1) & (SERIES - 1);
        learner.advance(inputs[i]);
        return learner.learn(targets[i]);
    }

    @Benchmark
    public double trainStep() {
        return step();
    }
}
