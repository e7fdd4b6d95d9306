package org.flinkrtrl.core.logs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.flinkrtrl.core.anomaly.AnomalySettings;
import org.flinkrtrl.core.anomaly.EmpiricalTail;
import org.flinkrtrl.core.anomaly.Tails;

/**
 * A log source's anomaly score from the surprise of its events, calibrated to the source's own history with the
 * sensor detector's stages ({@link EmpiricalTail}, {@link Tails}): p_S is the tail probability of the event's
 * surprise a (nats) under the source's long-run distribution of surprise, p_L (the anomaly-likelihood stage of
 * Ahmad et al. 2017) that of the mean surprise of the last shortWindow events under its long-run distribution,
 * and the score is {@link Tails#score} of p = min(1, 2 min(p_S, p_L)). So a source whose events are routinely
 * surprising (a chatty service with many message shapes) scores low for them, and one threshold means one nominal
 * false-alarm rate on every source; a run of moderately surprising events lifts p_L. Windows and halfDigits come
 * from {@link AnomalySettings}; an event scoring at or above protectScore after warmUp events enters the long-run
 * distributions with weight protectionWeight. Allocation-free. Not thread-safe.
 */
public final class SurpriseCalibration {
    private static final double LN2 = Math.log(2.0);
    private final AnomalySettings settings;
    private final EmpiricalTail surpriseTail = new EmpiricalTail();
    private final EmpiricalTail likelihoodTail = new EmpiricalTail();
    private final double[] ring;
    private long count;
    private double surpriseScore;
    private double likelihoodScore;

    public SurpriseCalibration(AnomalySettings settings) {
        this.settings = settings;
        this.ring = new double[settings.shortWindow()];
    }

    /** Scores an event of surprise {@code nats} (>= 0), then folds it into the long-run distributions. */
    public double score(double nats) {
        double a = Math.max(0.0, nats);
        ring[(int) (count % ring.length)] = a;
        int filled = (int) Math.min(count + 1, ring.length);
        double sum = 0.0;
        for (int i = 0; i < filled; i++) {
            sum += ring[i];
        }
        double mean = sum / filled;
        double lnS = surpriseTail.lnTail(a);
        double lnL = likelihoodTail.lnTail(mean);
        double h = settings.halfDigits();
        double score = Tails.score(Math.min(0.0, Math.min(lnS, lnL) + LN2), h);
        surpriseScore = Tails.score(lnS, h);
        likelihoodScore = Tails.score(lnL, h);
        double w = score >= settings.protectScore() && count >= settings.warmUp() ? settings.protectionWeight() : 1.0;
        count++;
        surpriseTail.add(a, w, settings.longWindow());
        likelihoodTail.add(mean, w, settings.longWindow());
        return score;
    }

    /** The surprise stage of the latest score, on the score's scale. */
    public double surpriseScore() { return surpriseScore; }
    /** The likelihood stage of the latest score, on the score's scale. */
    public double likelihoodScore() { return likelihoodScore; }
    public long count() { return count; }
    public AnomalySettings settings() { return settings; }

    void write(DataOutput o) throws IOException {
        o.writeLong(count);
        o.writeDouble(surpriseScore);
        o.writeDouble(likelihoodScore);
        for (double v : ring) {
            o.writeDouble(v);
        }
        surpriseTail.write(o);
        likelihoodTail.write(o);
    }

    void read(DataInput in) throws IOException {
        count = in.readLong();
        surpriseScore = in.readDouble();
        likelihoodScore = in.readDouble();
        for (int i = 0; i < ring.length; i++) {
            ring[i] = in.readDouble();
        }
        surpriseTail.read(in);
        likelihoodTail.read(in);
    }
}
