package org.flinkrtrl.core.grad;

import org.flinkrtrl.core.cell.CellStep;
import org.flinkrtrl.core.math.Rng;

/**
 * Runs N independent estimator trajectories over fixed cell steps (fixed theta) and accumulates the statistics of
 * spec F.4: E||G~ - G||^2 with its standard error, and ||mean(G~) - G|| / ||G|| against the noise floor
 * sqrt(E||G~ - G||^2 / N) / ||G|| expected for an unbiased estimator.
 */
final class MonteCarlo {
    final int samples;
    final double variance;
    /** Standard error of {@link #variance} (sample sd of ||G~ - G||^2 over sqrt(N)). */
    final double varianceStdErr;
    final double relMeanErr;
    final double noiseFloor;

    private MonteCarlo(int samples, double variance, double varianceStdErr, double relMeanErr, double noiseFloor) {
        this.samples = samples;
        this.variance = variance;
        this.varianceStdErr = varianceStdErr;
        this.relMeanErr = relMeanErr;
        this.noiseFloor = noiseFloor;
    }

    /** Estimator of the influence after all steps; one instance reused via reset(). */
    static MonteCarlo run(GradientEstimator est, double[] w, CellStep[] steps, double[] exactG, int samples,
                          long seed) {
        Rng rng = new Rng(seed);
        int len = exactG.length;
        double[] g = new double[len];
        double[] sum = new double[len];
        double s1 = 0.0;
        double s2 = 0.0;
        for (int run = 0; run < samples; run++) {
            est.reset();
            for (CellStep s : steps) {
                est.step(w, s, rng);
            }
            est.influence(g);
            double e = 0.0;
            for (int i = 0; i < len; i++) {
                sum[i] += g[i];
                double d = g[i] - exactG[i];
                e += d * d;
            }
            s1 += e;
            s2 += e * e;
        }
        double var = s1 / samples;
        double sd = Math.sqrt(Math.max(0.0, s2 / samples - var * var) * samples / (samples - 1.0));
        double gn = ToyProblem.norm(exactG);
        double me = 0.0;
        for (int i = 0; i < len; i++) {
            double d = sum[i] / samples - exactG[i];
            me += d * d;
        }
        return new MonteCarlo(samples, var, sd / Math.sqrt(samples), Math.sqrt(me) / gn,
                Math.sqrt(var / samples) / gn);
    }

    double biasRatio() {
        return relMeanErr / noiseFloor;
    }

    @Override
    public String toString() {
        return String.format("N=%d E||err||^2=%.5g (se %.3g) rel.err(mean)=%.3g floor=%.3g ratio=%.2f", samples,
                variance, varianceStdErr, relMeanErr, noiseFloor, biasRatio());
    }
}
