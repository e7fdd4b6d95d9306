package org.flinkrtrl.core.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * Per-key anomaly score of an event under its one-step forecast, in [0, 1]: every part is a Gaussian tail
 * probability p written as L = -log10 p (decimal digits of improbability) and mapped by {@link Tails#score}
 * (score = L / (L + halfDigits)), so a threshold t means L = halfDigits t / (1 - t) digits on every key.
 *
 * <p><b>Parts</b>, per event with actual x_c and forecast m_c for channels c = 1..d:
 * <ul>
 *   <li><b>surprise</b>: z_c = |x_c - m_c| / max(r_c, eps_c), r_c the channel's residual scale (root of the
 *       exponentially weighted mean square residual over about scaleWindow events, started at the first squared
 *       residual), eps_c = max(1e-9 (|x_c| + |m_c|) + 4.9e-324, 0.03 sd_c) with sd_c the channel's level spread
 *       (below), so a flat, integer or noise-free series whose residuals vanish divides by no zero and a change far
 *       below the series' own variation does not read as many digits. L_S = max(0, -log10 min_c P(|Z| &gt;= z_c) - log10 d) (Bonferroni over channels).</li>
 *   <li><b>likelihood</b> (the anomaly-likelihood stage of Ahmad et al. 2017, "Unsupervised real-time anomaly
 *       detection for streaming data", implemented from the paper's description): the mean of L_S over the last
 *       shortWindow events against a Gaussian fitted to that mean's long-run history (exponentially weighted mean
 *       and variance, horizon longWindow, from the 31st event on; the standard deviation floored at 0.03 digits):
 *       L_L = -log10 P(Z &gt;= (mean - mu) / sd) when the mean is above mu, else 0. A burst of moderate surprises scores; so does a single large one.</li>
 *   <li><b>sustained</b> (an exponentially weighted moving average control chart): per channel the exponentially
 *       weighted mean of the residual x_c - k_c against a context forecast k_c (a forecast from the key's seasonal
 *       lags and calendar only, not from its last values, so a deviation of a whole part of a day stays in its
 *       residuals), over a quarter of the key's day in events (chartWindow events when the day is unknown), against
 *       a Gaussian fitted to that mean's long-run history (exponentially weighted, horizon chartHorizon, from twice
 *       the window on): L_C = chartWeight max(0, -log10 min_c P(|Z| &gt;= z_c) - log10 d). The chart's values are
 *       strongly autocorrelated, so its digits are not per-event tail probabilities; chartWeight puts them on the
 *       onset's scale, and the chart counts only from alarmDigits on: it is an alarm rule with its own control
 *       limit, so below the alarm level the score keeps the calibration of surprise and likelihood.</li>
 *   <li><b>onset</b> = max(L_S, L_L, L_C if L_C &gt;= alarmDigits), scored as is, except during a <b>refractory period</b>: after an onset of
 *       alarmDigits or more, the onset score stays just below the alarm's score for the next refractory events, so one
 *       incident raises one alarm rather than a run of them.</li>
 *   <li><b>level</b>: each channel's learned normal range, an exponentially weighted mean and variance of its values
 *       over about levelWindow events; L_V = max(0, -log10 min_c P(|Z| &gt;= |x_c - mean_c| / sd_c) - log10 d),
 *       counted once levelWindow events have been learned, and scored at most levelCap
 *       (levelCap L_V / (L_V + halfDigits)). It keeps a sustained abnormal state ranked above normal events after
 *       the forecast has followed it, below the onset alarms.</li>
 * </ul>
 * The score is max(onset score, level score); the parts are reported on the score's scale (surprise and likelihood
 * uncapped, level capped).
 *
 * <p><b>Protection.</b> An event is protected when the key is past its warm-up, its onset is protectDigits or more,
 * and so were the protectRun - 1 events before it, for at most protectMax consecutive events. A protected event
 * is learned with weight protectionWeight by the residual scale and the level statistics, and (when that weight is
 * below 1) not at all by the forecasters (see {@link #weight()}), so a sustained incident is not learned as the
 * key's normal behaviour, while an isolated spike still is, and a change lasting longer than protectMax events
 * becomes the new normal.
 *
 * <p><b>Warm-up.</b> The first warmUp events of a key are scored but marked {@link Score#warmingUp}.
 *
 * <p>The per-event step allocates nothing.
 */
public final class AnomalyDetector {
    private static final double LN10 = Math.log(10.0);
    /** Relative floor of a residual scale or level spread. */
    private static final double REL_EPS = 1e-9;
    /** Absolute floor of a scale (positive, so z is finite for any finite residual). */
    private static final double ABS_EPS = Double.MIN_VALUE;
    /**
     * Floor of a residual scale relative to the channel's level spread: on a series without noise the residuals
     * of a learnt pattern shrink towards rounding error, and a change far below the series' own variation would
     * otherwise read as many digits.
     */
    static final double SPREAD_FLOOR = 0.03;
    /** Events before the likelihood stage's long-run fit is used. */
    static final int LIKELIHOOD_START = 30;
    /** Floor of the likelihood stage's standard deviation, in digits. */
    static final double LIKELIHOOD_SD_FLOOR = 0.03;
    /** The chart's window as a fraction of the key's day. */
    static final double CHART_DAY_FRACTION = 0.25;
    /** Floor of the chart's standard deviation relative to the channel's level spread. */
    static final double CHART_SPREAD_FLOOR = 1e-3;

    private AnomalySettings settings;
    private final int d;
    private final double log10D;
    private final double[] residualSquare;
    private final double[] levelMean;
    private final double[] levelVar;
    private double[] ring;
    private double likelihoodMean;
    private double likelihoodVar;
    private long count;
    private long levelCount;
    private long lastAlarm = Long.MIN_VALUE / 2;
    private int anomalousRun;
    private int protectedRun;
    private double lastWeight = 1.0;
    private final Score out = new Score();
    // the sustained-deviation chart (state format 5's block)
    private final double[] chart;
    private final double[] chartMean;
    private final double[] chartVar;
    private long chartCount;
    private int chartSpan;
    /** The key's day in events, 0 when unknown; set by the forecaster before each event (derived, not state). */
    private int day;

    /** The outcome of one event, reused by the next call. */
    public static final class Score {
        /** The anomaly score in [0, 1]. */
        public double score;
        /** Surprise part on the score's scale. */
        public double surprise;
        /** Likelihood part on the score's scale. */
        public double likelihood;
        /** Sustained-deviation (chart) part on the score's scale. */
        public double sustained;
        /** Level part on the score's scale (at most levelCap). */
        public double level;
        /** The channel with the largest surprise, or with the largest level deviation when level dominates (0-based). */
        public int channel;
        /** True during the key's warm-up (probation). */
        public boolean warmingUp;
    }

    public AnomalyDetector(int channels, AnomalySettings settings) {
        this.settings = settings;
        this.d = channels;
        this.log10D = Math.log10(channels);
        this.residualSquare = new double[channels];
        this.levelMean = new double[channels];
        this.levelVar = new double[channels];
        this.ring = new double[settings.shortWindow()];
        this.chart = new double[channels];
        this.chartMean = new double[channels];
        this.chartVar = new double[channels];
    }

    /**
     * The key's day in events (0 when unknown): the chart's window is a quarter of it. A change of window restarts
     * the chart.
     */
    public void setDay(int eventsPerDay) {
        day = Math.max(0, eventsPerDay);
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
            settings = settings.withWarmUp(events);
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

    /** Mean surprise (decimal digits) over the recent window, the likelihood stage's input; 0 before any event. */
    public double recentSurprise() {
        int filled = (int) Math.min(count, ring.length);
        double sum = 0.0;
        for (int i = 0; i < filled; i++) {
            sum += ring[i];
        }
        return filled == 0 ? 0.0 : sum / filled;
    }

    /** The learning weight the last scored event earned: protectionWeight if it was protected, else 1. */
    public double weight() {
        return lastWeight;
    }

    /**
     * Scores an event from its values and the one-step forecast that was made for it, the forecast also serving as
     * the chart's context forecast; see {@link #score(double[], double[], double[])}.
     */
    public Score score(double[] actual, double[] forecast) {
        return score(actual, forecast, forecast);
    }

    /**
     * Scores an event from its values, the one-step forecast that was made for it and the context forecast (from
     * seasonal lags and calendar only) the chart measures against, then folds it in.
     */
    public Score score(double[] actual, double[] forecast, double[] context) {
        Score s = out;
        AnomalySettings st = settings;
        double h = st.halfDigits();
        double lnRaw = 0.0;
        int chS = 0;
        for (int c = 0; c < d; c++) {
            double x = actual[c];
            double m = forecast[c];
            double r = x - m;
            if (count == 0) {
                residualSquare[c] = r * r;
            }
            double floor = Math.max(REL_EPS * (Math.abs(x) + Math.abs(m)) + ABS_EPS, SPREAD_FLOOR * Math.sqrt(levelVar[c]));
            double lp = Tails.logTwoSided(Math.abs(r) / Math.max(Math.sqrt(residualSquare[c]), floor));
            if (lp < lnRaw || c == 0) {
                lnRaw = lp;
                chS = c;
            }
        }
        double surprise = digits(lnRaw, log10D);

        ring[(int) (count % ring.length)] = surprise;
        int filled = (int) Math.min(count + 1, ring.length);
        double sum = 0.0;
        for (int i = 0; i < filled; i++) {
            sum += ring[i];
        }
        double mean = sum / filled;
        double likelihood = 0.0;
        if (count >= LIKELIHOOD_START) {
            double z = (mean - likelihoodMean) / (Math.sqrt(likelihoodVar) + LIKELIHOOD_SD_FLOOR);
            likelihood = z > 0 ? digits(Tails.logUpper(z), 0.0) : 0.0;
        }
        double rate = Math.max(1.0 / (count + 1), 1.0 / st.longWindow());
        double dm = mean - likelihoodMean;
        likelihoodMean += rate * dm;
        likelihoodVar = (1.0 - rate) * (likelihoodVar + rate * dm * dm);

        int chC = chartStep(actual, context);
        double sustained = chC < 0 ? 0.0 : chartDigits;
        double onset = Math.max(surprise, likelihood);
        double onsetAll = sustained >= st.alarmDigits() ? Math.max(onset, sustained) : onset;
        double onsetScore = onsetAll / (onsetAll + h);
        if (count - lastAlarm < st.refractory()) {
            onsetScore = Math.min(onsetScore, st.refractoryCeiling());
        } else if (onsetAll >= st.alarmDigits()) {
            lastAlarm = count;
        }

        double levelScore = 0.0;
        int chV = 0;
        if (levelCount >= st.levelWindow()) {
            double best = 0.0;
            for (int c = 0; c < d; c++) {
                double x = actual[c];
                double floor = REL_EPS * Math.abs(levelMean[c]) + ABS_EPS;
                double lp = Tails.logTwoSided(Math.abs(x - levelMean[c]) / Math.max(Math.sqrt(levelVar[c]), floor));
                if (lp < best || c == 0) {
                    best = lp;
                    chV = c;
                }
            }
            double lv = digits(best, log10D);
            levelScore = st.levelCap() * lv / (lv + h);
        }

        s.score = Math.max(onsetScore, levelScore);
        s.surprise = surprise / (surprise + h);
        s.likelihood = likelihood / (likelihood + h);
        s.sustained = sustained / (sustained + h);
        s.level = levelScore;
        s.channel = levelScore > onsetScore ? chV : sustained > onset ? chC : chS;
        s.warmingUp = count < st.warmUp();

        anomalousRun = onset >= st.protectDigits() ? anomalousRun + 1 : 0;
        boolean protect = !s.warmingUp && anomalousRun >= st.protectRun() && protectedRun < st.protectMax();
        protectedRun = protect ? protectedRun + 1 : 0;
        double w = protect ? st.protectionWeight() : 1.0;
        lastWeight = w;
        count++;

        double scaleRate = w / st.scaleWindow();
        for (int c = 0; c < d; c++) {
            double r = actual[c] - forecast[c];
            residualSquare[c] = (1.0 - scaleRate) * residualSquare[c] + scaleRate * r * r;
        }
        chartLearn(w);
        if (w > 0.0) {
            levelCount++;
            double lr = w * Math.max(1.0 / levelCount, 1.0 / st.levelWindow());
            for (int c = 0; c < d; c++) {
                double dv = actual[c] - levelMean[c];
                levelMean[c] += lr * dv;
                levelVar[c] = (1.0 - lr) * (levelVar[c] + lr * dv * dv);
            }
        }
        return s;
    }

    private double chartDigits;

    /**
     * Folds the event's context residuals into the chart and scores it: sets {@link #chartDigits} and returns the
     * channel with the largest deviation, or -1 while the chart is not yet scored.
     */
    private int chartStep(double[] actual, double[] context) {
        AnomalySettings st = settings;
        if (st.chartWeight() == 0.0) {
            return -1;
        }
        int span = day > 0 ? Math.max(2, (int) Math.round(CHART_DAY_FRACTION * day)) : st.chartWindow();
        if (span != chartSpan) {
            chartSpan = span;
            chartCount = 0;
            java.util.Arrays.fill(chart, 0.0);
            java.util.Arrays.fill(chartMean, 0.0);
            java.util.Arrays.fill(chartVar, 0.0);
        }
        double rate = Math.max(1.0 / (chartCount + 1), 1.0 / span);
        boolean scored = chartCount >= 2L * span && count >= LIKELIHOOD_START;
        double best = 0.0;
        int ch = -1;
        for (int c = 0; c < d; c++) {
            chart[c] += rate * ((actual[c] - context[c]) - chart[c]);
            if (scored) {
                double floor = Math.max(REL_EPS * (Math.abs(chart[c]) + Math.abs(chartMean[c])) + ABS_EPS,
                    CHART_SPREAD_FLOOR * Math.sqrt(levelVar[c]));
                double lp = Tails.logTwoSided(Math.abs(chart[c] - chartMean[c]) / Math.max(Math.sqrt(chartVar[c]), floor));
                if (lp < best || ch < 0) {
                    best = lp;
                    ch = c;
                }
            }
        }
        chartDigits = ch < 0 ? 0.0 : Math.min(Tails.MAX_DIGITS, st.chartWeight() * digits(best, log10D));
        return ch;
    }

    /** Folds the chart's values into its long-run mean and variance with the event's learning weight. */
    private void chartLearn(double w) {
        if (settings.chartWeight() == 0.0) {
            return;
        }
        double rate = w * Math.max(1.0 / (chartCount + 1), 1.0 / settings.chartHorizon());
        for (int c = 0; c < d; c++) {
            double dm = chart[c] - chartMean[c];
            chartMean[c] += rate * dm;
            chartVar[c] = (1.0 - rate) * (chartVar[c] + rate * dm * dm);
        }
        chartCount++;
    }

    /**
     * Decimal digits of improbability of a tail probability given as ln p, less {@code less} digits (a Bonferroni
     * correction), within [0, {@link Tails#MAX_DIGITS}]: a probability below the smallest double counts as that double.
     */
    private static double digits(double lnP, double less) {
        return Math.min(Tails.MAX_DIGITS, Math.max(0.0, -lnP / LN10 - less));
    }

    /**
     * Writes the settings and the state but the chart's (state format 4's detector); {@link #read} restores both (a
     * restored key keeps the settings it ran with); {@link #writeChart} writes the rest.
     */
    public void write(DataOutput o) throws IOException {
        settings.writeTo(o);
        o.writeLong(count);
        o.writeLong(levelCount);
        o.writeLong(lastAlarm);
        o.writeInt(anomalousRun);
        o.writeInt(protectedRun);
        o.writeDouble(lastWeight);
        o.writeDouble(likelihoodMean);
        o.writeDouble(likelihoodVar);
        StateArrays.write(o, residualSquare);
        StateArrays.write(o, levelMean);
        StateArrays.write(o, levelVar);
        StateArrays.write(o, ring);
    }

    /** Writes the chart's settings and state (state format 5's block); {@link #readChart} restores both. */
    public void writeChart(DataOutput o) throws IOException {
        settings.writeChartTo(o);
        o.writeLong(chartCount);
        o.writeInt(chartSpan);
        StateArrays.write(o, chart);
        StateArrays.write(o, chartMean);
        StateArrays.write(o, chartVar);
    }

    public void readChart(DataInput in) throws IOException {
        settings = settings.readChart(in);
        chartCount = in.readLong();
        chartSpan = in.readInt();
        StateArrays.read(in, chart);
        StateArrays.read(in, chartMean);
        StateArrays.read(in, chartVar);
    }

    /**
     * Starts the chart fresh (a state of format 4 has none); the rest of the detector and its settings, the chart's
     * included (those it was constructed with), are kept.
     */
    public void startChartFresh() {
        chartCount = 0;
        chartSpan = 0;
        java.util.Arrays.fill(chart, 0.0);
        java.util.Arrays.fill(chartMean, 0.0);
        java.util.Arrays.fill(chartVar, 0.0);
    }

    /**
     * Reads the settings and state of state format 4 (all but the chart; {@link #readChart} or
     * {@link #startChartFresh} follows).
     */
    public void read(DataInput in) throws IOException {
        AnomalySettings stored = settings.readFrom(in);
        if (!stored.equals(settings)) {
            settings = stored;
            ring = new double[stored.shortWindow()];
        }
        count = in.readLong();
        levelCount = in.readLong();
        lastAlarm = in.readLong();
        anomalousRun = in.readInt();
        protectedRun = in.readInt();
        lastWeight = in.readDouble();
        likelihoodMean = in.readDouble();
        likelihoodVar = in.readDouble();
        StateArrays.read(in, residualSquare);
        StateArrays.read(in, levelMean);
        StateArrays.read(in, levelVar);
        StateArrays.read(in, ring);
    }

    /**
     * Reads and drops a detector as state format 2 wrote it (settings, counters, level statistics, the likelihood
     * ring and two empirical tails of the earlier surprise calibration): a migrated key's detector starts fresh.
     */
    public static void skipFormat2(DataInput in, int channels) throws IOException {
        AnomalySettings.skipFormat2(in);
        in.readLong();
        in.readDouble();
        StateArrays.read(in, new double[channels]);
        StateArrays.read(in, new double[channels]);
        int ringLength = in.readInt();
        StateArrays.readDoubles(in, new double[ringLength], ringLength);
        new EmpiricalTail().read(in);
        new EmpiricalTail().read(in);
    }
}
