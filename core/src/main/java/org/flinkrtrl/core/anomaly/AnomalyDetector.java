package org.flinkrtrl.core.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * Per-key anomaly score of an event under its one-step probabilistic forecast, in [0, 1] and calibrated across keys:
 * every component is a tail probability p, and the score is the map {@link Tails#score} of the smallest (times 3,
 * for the three components), so one threshold t means one nominal false-alarm rate, at most
 * 10^(-h t / (1 - t)) per component, on every key (h = halfDigits).
 *
 * <p><b>Components</b>, per event with actual x_c, forecast location m_c and scale s_c for channels c = 1..d:
 * <ul>
 *   <li><b>surprise</b>: z_c = |x_c - m_c| / max(s_c, eps_c) with a relative floor
 *       eps_c = 1e-9 (|x_c| + |m_c| + sd_c) + 4.9e-324 (sd_c the channel's level spread), so a flat or integer series
 *       whose residual scale vanishes divides by no zero. The event's raw surprise in nats is
 *       a = -ln min(1, d min_c P(|Z| &gt;= z_c)) (Bonferroni over channels; Exp(1) under a calibrated Gaussian
 *       forecast), and the channel attaining it is reported. Real forecast errors are heavier-tailed than any fitted
 *       scale says, so a is then calibrated to the key's own history: p_S is its tail probability under the key's
 *       long-run distribution of a ({@link EmpiricalTail}, about longWindow events).</li>
 *   <li><b>likelihood</b> (the anomaly-likelihood stage of Ahmad et al. 2017, "Unsupervised real-time anomaly
 *       detection for streaming data"): the average of a over the last shortWindow events compared with the
 *       long-run distribution of that average. The paper fits a Gaussian to the long-run raw scores; here the
 *       comparison is the empirical tail probability p_L of the average, because a is heavy-tailed. A burst of
 *       moderate surprises, unremarkable event by event, lifts the average and scores.</li>
 *   <li><b>level</b>: each channel's learned normal range, an exponentially weighted mean and variance of its values
 *       over about levelWindow events; p_V = min(1, d min_c P(|Z| &gt;= |x_c - mean_c| / sd_c)), counted once
 *       levelWindow events have been seen (a range learnt from fewer events fires on ordinary excursions). A
 *       sustained abnormal state keeps p_V small while the forecast has already followed it.</li>
 * </ul>
 * The event's p = min(1, 3 min(p_S, p_L, p_V)); the components are reported on the score's scale.
 *
 * <p><b>Protection.</b> An event scoring at or above protectScore after the warm-up is learned with weight
 * protectionWeight by this detector's own long-run and level statistics, and (when that weight is below 1) not at
 * all by the forecaster (see {@link #weight()}), so an incident does not become the key's normal behaviour within a
 * few events.
 *
 * <p><b>Warm-up.</b> The first warmUp events of a key are scored but marked {@link Score#warmingUp}.
 *
 * <p>The per-event step allocates nothing.
 */
public final class AnomalyDetector {
    private static final double LN3 = Math.log(3.0);
    /** Relative floor of a forecast scale or level spread. */
    private static final double REL_EPS = 1e-9;
    /** Absolute floor of a scale (positive, so z is finite for any finite residual). */
    private static final double ABS_EPS = Double.MIN_VALUE;

    private AnomalySettings settings;
    private final int d;
    private final double lnD;
    private final double[] levelMean;
    private final double[] levelVar;
    private double[] ring;
    private final EmpiricalTail surpriseTail = new EmpiricalTail();
    private final EmpiricalTail likelihoodTail = new EmpiricalTail();
    private long count;
    private double lastWeight = 1.0;
    private final Score out = new Score();

    /** The outcome of one event, reused by the next call. */
    public static final class Score {
        /** The anomaly score in [0, 1]. */
        public double score;
        /** Surprise component on the score's scale. */
        public double surprise;
        /** Likelihood component on the score's scale. */
        public double likelihood;
        /** Level component on the score's scale. */
        public double level;
        /** The channel with the largest surprise, or with the largest level deviation when level dominates (0-based). */
        public int channel;
        /** True during the key's warm-up (probation). */
        public boolean warmingUp;
    }

    public AnomalyDetector(int channels, AnomalySettings settings) {
        this.settings = settings;
        this.d = channels;
        this.lnD = Math.log(channels);
        this.levelMean = new double[channels];
        this.levelVar = new double[channels];
        this.ring = new double[settings.shortWindow()];
    }

    public AnomalySettings settings() {
        return settings;
    }

    /**
     * Sets the warm-up (the first {@code events} events are marked warming up); the other settings and the
     * statistics stay. The settings, warm-up included, are part of the state.
     */
    public void setWarmUp(int events) {
        if (events != settings.warmUp()) {
            AnomalySettings s = settings;
            settings = new AnomalySettings(events, s.shortWindow(), s.longWindow(), s.levelWindow(), s.protectionWeight(),
                s.protectScore(), s.halfDigits());
        }
    }

    /** Events scored so far. */
    public long count() {
        return count;
    }

    /** True while the key is in its warm-up (the next event is scored as warming up). */
    public boolean warmingUp() {
        return count < settings.warmUp();
    }

    /** Channel c's learned normal level (exponentially weighted mean of its values). */
    public double levelMean(int c) {
        return levelMean[c];
    }

    /** Channel c's learned normal spread (exponentially weighted standard deviation of its values). */
    public double levelStd(int c) {
        return Math.sqrt(levelVar[c]);
    }

    /** Mean raw surprise (nats) over the recent window, the likelihood component's input; 0 before any event. */
    public double recentSurprise() {
        int filled = (int) Math.min(count, ring.length);
        double sum = 0.0;
        for (int i = 0; i < filled; i++) {
            sum += ring[i];
        }
        return filled == 0 ? 0.0 : sum / filled;
    }

    /** The learning weight the last scored event earned: protectionWeight if it scored anomalous, else 1. */
    public double weight() {
        return lastWeight;
    }

    /**
     * Scores an event from its values and the forecast that was made for it (location and scale per channel; a
     * scale that is not a positive finite number reads as the floor), then folds the event into the statistics.
     */
    public Score score(double[] actual, double[] location, double[] scale) {
        Score s = out;
        double h = settings.halfDigits();
        double lnRaw = Double.POSITIVE_INFINITY;
        int chS = 0;
        for (int c = 0; c < d; c++) {
            double x = actual[c];
            double m = location[c];
            double floor = REL_EPS * (Math.abs(x) + Math.abs(m) + Math.sqrt(levelVar[c])) + ABS_EPS;
            double sc = scale[c] > floor && scale[c] < Double.POSITIVE_INFINITY ? scale[c] : floor;
            double lp = Tails.logTwoSided(Math.abs(x - m) / sc);
            if (lp < lnRaw) {
                lnRaw = lp;
                chS = c;
            }
        }
        double a = -Math.min(0.0, lnRaw + lnD);
        double lnV = 0.0;
        int chV = 0;
        if (count >= settings.levelWindow()) {
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < d; c++) {
                double x = actual[c];
                double floor = REL_EPS * (Math.abs(x) + Math.abs(levelMean[c])) + ABS_EPS;
                double lp = Tails.logTwoSided(Math.abs(x - levelMean[c]) / Math.max(Math.sqrt(levelVar[c]), floor));
                if (lp < best) {
                    best = lp;
                    chV = c;
                }
            }
            lnV = Math.min(0.0, best + lnD);
        }
        ring[(int) (count % ring.length)] = a;
        int filled = (int) Math.min(count + 1, ring.length);
        double sum = 0.0;
        for (int i = 0; i < filled; i++) {
            sum += ring[i];
        }
        double mean = sum / filled;
        double lnS = surpriseTail.lnTail(a);
        double lnL = likelihoodTail.lnTail(mean);
        double lnP = Math.min(0.0, Math.min(lnS, Math.min(lnL, lnV)) + LN3);
        s.score = Tails.score(lnP, h);
        s.surprise = Tails.score(lnS, h);
        s.likelihood = Tails.score(lnL, h);
        s.level = Tails.score(lnV, h);
        s.channel = lnV < Math.min(lnS, lnL) ? chV : chS;
        s.warmingUp = count < settings.warmUp();
        double w = s.score >= settings.protectScore() && !s.warmingUp ? settings.protectionWeight() : 1.0;
        lastWeight = w;
        count++;
        surpriseTail.add(a, w, settings.longWindow());
        likelihoodTail.add(mean, w, settings.longWindow());
        double rate = w * Math.max(1.0 / count, 1.0 / settings.levelWindow());
        for (int c = 0; c < d; c++) {
            double dv = actual[c] - levelMean[c];
            levelMean[c] += rate * dv;
            levelVar[c] = (1.0 - rate) * (levelVar[c] + rate * dv * dv);
        }
        return s;
    }

    /** Writes the settings and the state; {@link #read} restores both (a restored key keeps the settings it ran with). */
    public void write(DataOutput o) throws IOException {
        settings.writeTo(o);
        o.writeLong(count);
        o.writeDouble(lastWeight);
        StateArrays.write(o, levelMean);
        StateArrays.write(o, levelVar);
        StateArrays.write(o, ring);
        surpriseTail.write(o);
        likelihoodTail.write(o);
    }

    public void read(DataInput in) throws IOException {
        AnomalySettings stored = AnomalySettings.readFrom(in);
        if (!stored.equals(settings)) {
            settings = stored;
            ring = new double[stored.shortWindow()];
        }
        count = in.readLong();
        lastWeight = in.readDouble();
        StateArrays.read(in, levelMean);
        StateArrays.read(in, levelVar);
        StateArrays.read(in, ring);
        surpriseTail.read(in);
        likelihoodTail.read(in);
    }
}
