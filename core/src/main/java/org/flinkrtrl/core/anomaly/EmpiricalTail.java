package org.flinkrtrl.core.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * The long-run distribution of a non-negative statistic v (a surprise in nats), as exponentially decayed counts in
 * {@value #BINS} bins of {@value #BIN} nats (the last bin open-ended), and the tail probability of a new value under
 * it: p = (weight at or above v's bin + 1) / (total weight + 1). A value beyond every value seen so far gets the
 * smallest empirical p, 1 / (total + 1), times exp(-(v - top)) for its excess over the top bin's edge, so a larger
 * record scores higher. This calibrates the statistic to each key's own history: a statistic that is routinely
 * large on one key (a forecast that is often wrong there) scores low there, and under stationarity P(p &lt;= a)
 * is about a on every key.
 */
public final class EmpiricalTail {
    static final int BINS = 256;
    static final double BIN = 0.25;
    private final double[] counts = new double[BINS];
    private double total;

    private static int bin(double v) {
        return (int) Math.min(BINS - 1, Math.max(0.0, v / BIN));
    }

    /** ln of the tail probability of v (0 while nothing has been seen). */
    public double lnTail(double v) {
        if (total <= 0.0) {
            return 0.0;
        }
        int b = bin(v);
        double above = 0.0;
        int top = -1;
        for (int k = 0; k < BINS; k++) {
            if (k >= b) {
                above += counts[k];
            }
            if (counts[k] > 1e-6) {
                top = k;
            }
        }
        double lp = Math.log((above + 1.0) / (total + 1.0));
        if (b > top) {
            lp -= v - (top + 1) * BIN;
        }
        return Math.min(0.0, lp);
    }

    /** Folds v in with weight w; older weight decays by the factor 1 - w / horizon. */
    public void add(double v, double w, int horizon) {
        double keep = 1.0 - w / horizon;
        for (int k = 0; k < BINS; k++) {
            counts[k] *= keep;
        }
        counts[bin(v)] += w;
        total = total * keep + w;
    }

    public void write(DataOutput o) throws IOException {
        o.writeDouble(total);
        StateArrays.write(o, counts);
    }

    public void read(DataInput in) throws IOException {
        total = in.readDouble();
        StateArrays.read(in, counts);
    }
}
