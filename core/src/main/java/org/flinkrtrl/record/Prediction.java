package org.flinkrtrl.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * One output record per input event: what the key's model saw, how wrong its previous forecast was, and what it
 * forecasts for the key's next event (raw units). A Flink POJO.
 */
public class Prediction {
    public String key;
    /** Event time of the input event, epoch milliseconds. */
    public long timestamp;
    /** The event's values, raw units. */
    public double[] actual;
    /** Forecast for this key's next event, raw units. */
    public double[] forecast;
    /** The forecast that had been made for this event, raw units (NaN entries for a key's first event). */
    public double[] previousForecast;
    /** Scale of the next event's forecast distribution per channel (RMS of recent one-step errors), raw units. */
    public double[] scale;
    /** Lower bound of the next event's central forecast interval (the job's interval level, 95 % by default). */
    public double[] lower;
    /** Upper bound of the next event's central forecast interval. */
    public double[] upper;
    /** Lower bound of the interval that had been forecast for this event (NaN entries for a key's first event). */
    public double[] previousLower;
    /** Upper bound of the interval that had been forecast for this event (NaN entries for a key's first event). */
    public double[] previousUpper;
    /** Training loss of the previous forecast against this event, normalised units (NaN for a key's first event). */
    public double loss;
    /**
     * Anomaly score of this event in [0, 1], calibrated across keys (see AnomalyDetector: a score t means a tail
     * probability of 10^(-5 t / (1 - t)), e.g. 0.5 is 1e-5); 0 for a key's first event.
     */
    public double anomalyScore;
    /** Surprise component: this event's forecast error against the key's history of errors (the score's scale). */
    public double surprise;
    /** Likelihood component: the recent average surprise against its long-run distribution (the score's scale). */
    public double likelihood;
    /** Sustained-deviation component: a quarter day's mean deviation from the context forecast (the score's scale). */
    public double sustained;
    /** Level component: the values against the key's learned normal range (the score's scale). */
    public double level;
    /** The channel (0-based index into actual) that contributed most to the anomaly score. */
    public int anomalyChannel;
    /** True while the key's anomaly score is warming up (probation): scored, but on little history. */
    public boolean warmingUp;
    /** Events seen by this key's model, this one included: (key, steps) identifies an output. */
    public long steps;
    /** True when this event made the divergence guard re-initialise the key's model. */
    public boolean diverged;
    /**
     * True when the anomaly score exceeds the key's anomaly threshold (the job's, or the one a control command set
     * for the key); false for a key's first event.
     */
    public boolean anomalous;
    /**
     * The key's rolling prequential error: the exponentially weighted mean (horizon errorWindow events) of each
     * event's squared forecast error in units of the channel's change variance, averaged over channels; about 1 for
     * a model as good as persistence, lower is better. NaN until the key's first scored event.
     */
    public double rollingError;
    /** True when this event completed a drift detection on the key's error stream (Page-Hinkley). */
    public boolean drift;
    /** The input's label, carried through; null when absent. */
    public String label;

    public Prediction() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Prediction)) {
            return false;
        }
        Prediction p = (Prediction) o;
        return timestamp == p.timestamp && steps == p.steps && diverged == p.diverged
            && Double.compare(loss, p.loss) == 0 && Double.compare(anomalyScore, p.anomalyScore) == 0
            && Double.compare(surprise, p.surprise) == 0 && Double.compare(likelihood, p.likelihood) == 0
            && Double.compare(sustained, p.sustained) == 0
            && Double.compare(level, p.level) == 0 && anomalyChannel == p.anomalyChannel && warmingUp == p.warmingUp
            && anomalous == p.anomalous && Double.compare(rollingError, p.rollingError) == 0 && drift == p.drift
            && Objects.equals(key, p.key) && Arrays.equals(actual, p.actual) && Arrays.equals(forecast, p.forecast)
            && Arrays.equals(previousForecast, p.previousForecast) && Arrays.equals(scale, p.scale)
            && Arrays.equals(lower, p.lower) && Arrays.equals(upper, p.upper)
            && Arrays.equals(previousLower, p.previousLower) && Arrays.equals(previousUpper, p.previousUpper)
            && Objects.equals(label, p.label);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, timestamp, steps);
    }

    @Override
    public String toString() {
        return "Prediction{key=" + key + ", ts=" + timestamp + ", steps=" + steps + ", actual=" + Arrays.toString(actual)
            + ", forecast=" + Arrays.toString(forecast) + ", lower=" + Arrays.toString(lower) + ", upper="
            + Arrays.toString(upper) + ", loss=" + loss + ", anomalyScore=" + anomalyScore
            + " (surprise=" + surprise + ", likelihood=" + likelihood + ", sustained=" + sustained + ", level=" + level + ", channel=" + anomalyChannel
            + (warmingUp ? ", warming up" : "") + ")" + (anomalous ? ", anomalous" : "") + ", rollingError=" + rollingError
            + (drift ? ", drift" : "") + (diverged ? ", diverged" : "") + (label != null ? ", label=" + label : "") + "}";
    }
}
