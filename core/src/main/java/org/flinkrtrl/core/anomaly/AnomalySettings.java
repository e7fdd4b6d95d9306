package org.flinkrtrl.core.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Settings of the per-key anomaly detector (see {@link AnomalyDetector} for what each part does).
 *
 * @param warmUp           events per key during which scores are marked as warming up (probation); no protection then
 * @param shortWindow      events averaged by the likelihood stage (W' of Ahmad et al. 2017)
 * @param longWindow       horizon, in events, of the long-run mean and variance the short average is compared with
 * @param scaleWindow      horizon, in events, of the residual scale (exponentially weighted mean square residual)
 * @param refractory       events after an alarm during which the onset score is held below the alarm level
 * @param alarmDigits      surprise, in decimal digits of improbability, that raises an alarm (and starts the refractory period)
 * @param levelWindow      horizon, in events, of the learned normal range of each channel's values; the level
 *                         component counts from this many learned events on
 * @param levelCap         the level component's score is at most this (below the alarm level, so one threshold
 *                         separates onsets from a sustained abnormal level)
 * @param protectDigits    surprise, in digits, at or above which an event counts as anomalous for protection
 * @param protectRun       protection starts at the protectRun-th consecutive anomalous event (an isolated spike is learned)
 * @param protectMax       at most this many consecutive events are protected (a lasting change becomes the new normal)
 * @param protectionWeight learning weight of a protected event in the detector's statistics (1 = no protection);
 *                         below 1, the forecasters do not learn from such an event at all
 * @param halfDigits       tail probability digits that map to score 1/2 (see {@link Tails#score})
 * @param chartWindow      horizon, in events, of the sustained-deviation chart of a key whose day is unknown (no
 *                         event time); a key with a known cadence uses a quarter of its day
 * @param chartHorizon     horizon, in events, of the chart's long-run mean and variance
 * @param chartWeight      weight of the chart's digits in the onset (0 = no chart)
 */
public record AnomalySettings(int warmUp, int shortWindow, int longWindow, int scaleWindow, int refractory,
                              double alarmDigits, int levelWindow, double levelCap, double protectDigits,
                              int protectRun, int protectMax, double protectionWeight, double halfDigits,
                              int chartWindow, int chartHorizon, double chartWeight) {
    public static final AnomalySettings DEFAULTS =
        new AnomalySettings(300, 5, 1000, 100, 400, 10.0, 2000, 0.6, 5.0, 3, 200, 0.0, 5.0, 64, 5000, 3.0);

    public AnomalySettings {
        if (warmUp < 0 || shortWindow < 1 || longWindow < 1 || scaleWindow < 1 || refractory < 0 || levelWindow < 1
            || protectRun < 1 || protectMax < 0 || chartWindow < 1 || chartHorizon < 1) {
            throw new IllegalArgumentException("anomaly windows must be positive (warmUp, refractory, protectMax >= 0): " + this);
        }
        if (!(protectionWeight >= 0 && protectionWeight <= 1) || !(halfDigits > 0) || !(alarmDigits > 0)
            || !(protectDigits > 0) || !(levelCap >= 0 && levelCap <= 1) || !(chartWeight >= 0)) {
            throw new IllegalArgumentException("protectionWeight and levelCap in [0, 1], digits > 0, chartWeight >= 0: " + this);
        }
    }

    /** The onset score's ceiling during a refractory period: just below the alarm's score. */
    public double refractoryCeiling() {
        return Math.nextDown(alarmDigits / (alarmDigits + halfDigits));
    }

    /** The same settings with another warm-up. */
    public AnomalySettings withWarmUp(int events) {
        return new AnomalySettings(events, shortWindow, longWindow, scaleWindow, refractory, alarmDigits, levelWindow,
            levelCap, protectDigits, protectRun, protectMax, protectionWeight, halfDigits, chartWindow, chartHorizon,
            chartWeight);
    }

    /** Writes the settings of state format 4 (all but the chart's); {@link #writeChartTo} writes the chart's. */
    void writeTo(DataOutput o) throws IOException {
        o.writeInt(warmUp);
        o.writeInt(shortWindow);
        o.writeInt(longWindow);
        o.writeInt(scaleWindow);
        o.writeInt(refractory);
        o.writeDouble(alarmDigits);
        o.writeInt(levelWindow);
        o.writeDouble(levelCap);
        o.writeDouble(protectDigits);
        o.writeInt(protectRun);
        o.writeInt(protectMax);
        o.writeDouble(protectionWeight);
        o.writeDouble(halfDigits);
    }

    /** The chart's settings (state format 5's block). */
    void writeChartTo(DataOutput o) throws IOException {
        o.writeInt(chartWindow);
        o.writeInt(chartHorizon);
        o.writeDouble(chartWeight);
    }

    /** Reads what {@link #writeTo} wrote; the chart's settings are this record's until {@link #readChart}. */
    AnomalySettings readFrom(DataInput in) throws IOException {
        return new AnomalySettings(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readDouble(),
            in.readInt(), in.readDouble(), in.readDouble(), in.readInt(), in.readInt(), in.readDouble(), in.readDouble(),
            chartWindow, chartHorizon, chartWeight);
    }

    /** These settings with the chart's read from what {@link #writeChartTo} wrote. */
    AnomalySettings readChart(DataInput in) throws IOException {
        return new AnomalySettings(warmUp, shortWindow, longWindow, scaleWindow, refractory, alarmDigits, levelWindow,
            levelCap, protectDigits, protectRun, protectMax, protectionWeight, halfDigits, in.readInt(), in.readInt(),
            in.readDouble());
    }

    /** Reads and drops the settings as state format 2 wrote them (seven fields). */
    static void skipFormat2(DataInput in) throws IOException {
        in.readInt();
        in.readInt();
        in.readInt();
        in.readInt();
        in.readDouble();
        in.readDouble();
        in.readDouble();
    }
}
