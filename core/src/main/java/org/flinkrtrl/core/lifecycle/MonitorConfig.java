package org.flinkrtrl.core.lifecycle;

import java.io.Serializable;

/**
 * Values of the per-key monitor's settings (declared once, with defaults, rules and descriptions, in
 * {@link org.flinkrtrl.core.learner.MonitorSettings}).
 *
 * @param errorWindow     horizon, in events, of each key's rolling error (an exponentially weighted mean)
 * @param drift           whether each key's error stream is tested for drift
 * @param driftDelta      Page-Hinkley tolerance per event, in reference mean errors
 * @param driftThreshold  Page-Hinkley alarm level, in reference mean errors
 * @param driftWindow     horizon, in events, of the reference mean error
 * @param driftWarmUp     errors learned into the reference before the test runs (after a start or a detection)
 * @param driftReaction   what a detection does to the key's model
 * @param driftBoost      learning-rate factor of the boost reaction
 * @param driftBoostEvents events the boost lasts
 */
public record MonitorConfig(int errorWindow, boolean drift, double driftDelta, double driftThreshold, int driftWindow,
                            int driftWarmUp, DriftReaction driftReaction, double driftBoost, int driftBoostEvents)
    implements Serializable {
    /** Largest contribution of one error to the drift statistic, in reference mean errors. */
    public static final double DRIFT_CAP = 5.0;

    public MonitorConfig {
        if (errorWindow < 1 || driftWindow < 1 || driftWarmUp < 1 || driftBoostEvents < 0 || !(driftDelta > 0)
            || !(driftThreshold > 0) || !(driftBoost > 0) || !Double.isFinite(driftBoost) || driftReaction == null) {
            throw new IllegalArgumentException("invalid monitor settings: " + this);
        }
    }

    /** A fresh detector of these settings. */
    public PageHinkley newDetector() {
        return new PageHinkley(driftDelta, driftThreshold, DRIFT_CAP, driftWindow, driftWarmUp);
    }

    /** True when {@code p} runs with these settings. */
    public boolean runs(PageHinkley p) {
        return p.hasSettings(driftDelta, driftThreshold, DRIFT_CAP, driftWindow, driftWarmUp);
    }
}
