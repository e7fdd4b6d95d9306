package org.flinkrtrl.core.anomaly;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Settings of the per-key anomaly detector.
 *
 * @param warmUp           events per key during which scores are marked as warming up (probation)
 * @param shortWindow      events averaged by the likelihood stage (W' of Ahmad et al. 2017)
 * @param longWindow       horizon, in events, of the long-run distribution of surprise the short average is compared with
 * @param levelWindow      horizon, in events, of the learned normal range of each channel's values
 * @param protectionWeight learning weight, in the detector's own statistics, of an event scored anomalous (1 = no
 *                         protection); below 1, the forecaster does not learn from such an event at all
 * @param protectScore     score at or above which an event counts as anomalous for protection
 * @param halfDigits       tail probability digits that map to score 1/2 (see {@link Tails#score})
 */
public record AnomalySettings(int warmUp, int shortWindow, int longWindow, int levelWindow, double protectionWeight,
                              double protectScore, double halfDigits) {
    public static final AnomalySettings DEFAULTS = new AnomalySettings(300, 10, 2000, 2000, 0.1, 0.5, 5.0);

    public AnomalySettings {
        if (warmUp < 0 || shortWindow < 1 || longWindow < 2 || levelWindow < 2) {
            throw new IllegalArgumentException("anomaly windows must be positive (warmUp >= 0): " + this);
        }
        if (!(protectionWeight >= 0 && protectionWeight <= 1) || !(protectScore > 0 && protectScore <= 1)
            || !(halfDigits > 0)) {
            throw new IllegalArgumentException("protectionWeight in [0, 1], protectScore in (0, 1], halfDigits > 0: " + this);
        }
    }

    void writeTo(DataOutput o) throws IOException {
        o.writeInt(warmUp);
        o.writeInt(shortWindow);
        o.writeInt(longWindow);
        o.writeInt(levelWindow);
        o.writeDouble(protectionWeight);
        o.writeDouble(protectScore);
        o.writeDouble(halfDigits);
    }

    static AnomalySettings readFrom(DataInput in) throws IOException {
        return new AnomalySettings(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readDouble(),
            in.readDouble(), in.readDouble());
    }
}
