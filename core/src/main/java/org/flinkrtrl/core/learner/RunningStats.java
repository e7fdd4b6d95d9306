package org.flinkrtrl.core.learner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * Per-channel running mean and variance (Welford) used to normalise a raw stream: x~ = (x - mean) / std.
 * Until two values are seen std is 1; std is floored at 1e-6 + 1e-4 |mean| so a constant channel cannot blow up.
 */
public final class RunningStats {
    private final double[] mean;
    private final double[] m2;
    private long count;

    public RunningStats(int dims) {
        mean = new double[dims];
        m2 = new double[dims];
    }

    public void update(double[] x) {
        count++;
        for (int i = 0; i < mean.length; i++) {
            double d = x[i] - mean[i];
            mean[i] += d / count;
            m2[i] += d * (x[i] - mean[i]);
        }
    }

    public double std(int i) {
        double s = count < 2 ? 1.0 : Math.sqrt(m2[i] / (count - 1));
        return Math.max(s, 1e-6 + 1e-4 * Math.abs(mean[i]));
    }

    public double mean(int i) {
        return mean[i];
    }

    public long count() {
        return count;
    }

    public void normalize(double[] x, double[] out) {
        for (int i = 0; i < mean.length; i++) {
            out[i] = (x[i] - mean[i]) / std(i);
        }
    }

    public void denormalize(double[] z, double[] out) {
        for (int i = 0; i < mean.length; i++) {
            out[i] = z[i] * std(i) + mean[i];
        }
    }

    public void clear() {
        count = 0;
        Arrays.fill(mean, 0.0);
        Arrays.fill(m2, 0.0);
    }

    void write(DataOutput o) throws IOException {
        o.writeLong(count);
        StateArrays.write(o, mean);
        StateArrays.write(o, m2);
    }

    void read(DataInput in) throws IOException {
        count = in.readLong();
        StateArrays.read(in, mean);
        StateArrays.read(in, m2);
    }
}
