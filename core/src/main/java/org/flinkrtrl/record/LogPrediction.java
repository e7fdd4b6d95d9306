package org.flinkrtrl.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * The log model's output for one event of a source. A Flink POJO (public fields, no-arg constructor).
 * {@link #probability} and {@link #surprise} refer to the prediction made at the source's previous event (NaN for
 * its first event); {@link #topTypes} / {@link #topProbabilities} are the prediction for the next event.
 */
public class LogPrediction {
    /** Source key (host, service, session). */
    public String key;
    /** Event time, epoch milliseconds. */
    public long timestamp;
    /** Event type id: the mined template id, or the pre-parsed category; "<overflow>" past the miner's cap. */
    public String typeId;
    /** Event type text: the template (with its wildcards) when mined, else the category. */
    public String template;
    /** Probability the model gave this event's class at the previous event (the unseen class for a new type). */
    public double probability;
    /** -log2 probability, bits. */
    public double surprise;
    /** The surprise under each component of the mixture alone: the network, the order-2 context counts and the
     *  order-0 counts (bits; NaN for a source's first event). */
    public double networkSurprise;
    public double contextSurprise;
    public double frequencySurprise;
    /** Surprise of the time gap since the source's previous event ({@code GapModel}), bits; NaN for the first. */
    public double gapSurprise;
    /** Most probable next types, highest first ("<unseen>" for the unseen class). */
    public String[] topTypes;
    public double[] topProbabilities;
    /** True when the type was not in the source's vocabulary (never seen, or the vocabulary was full). */
    public boolean unseen;
    /** Anomaly score in [0, 1): the surprise calibrated to the source's own history ({@code SurpriseCalibration}). */
    public double anomalyScore;
    /**
     * The source's rolling log-loss: the exponentially weighted mean (horizon errorWindow events) of {@link #surprise},
     * bits per event; lower is better. NaN until the source's first scored event.
     */
    public double rollingLogLoss = Double.NaN;
    /** True when this event completed a drift detection on the source's log-loss (Page-Hinkley). */
    public boolean drift;
    /** Ground-truth label carried through, or null. */
    public String label;

    public LogPrediction() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LogPrediction)) {
            return false;
        }
        LogPrediction p = (LogPrediction) o;
        return timestamp == p.timestamp && Objects.equals(key, p.key) && Objects.equals(typeId, p.typeId)
            && Objects.equals(template, p.template) && Double.compare(probability, p.probability) == 0
            && Double.compare(surprise, p.surprise) == 0 && Double.compare(networkSurprise, p.networkSurprise) == 0
            && Double.compare(contextSurprise, p.contextSurprise) == 0
            && Double.compare(frequencySurprise, p.frequencySurprise) == 0
            && Double.compare(gapSurprise, p.gapSurprise) == 0 && Arrays.equals(topTypes, p.topTypes)
            && Arrays.equals(topProbabilities, p.topProbabilities) && unseen == p.unseen
            && Double.compare(anomalyScore, p.anomalyScore) == 0 && Objects.equals(label, p.label)
            && Double.compare(rollingLogLoss, p.rollingLogLoss) == 0 && drift == p.drift;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, timestamp, typeId, probability);
    }

    @Override
    public String toString() {
        return "LogPrediction{key=" + key + ", ts=" + timestamp + ", type=" + typeId + " '" + template + "', p="
            + probability + ", surprise=" + surprise + ", unseen=" + unseen + ", score=" + anomalyScore
            + ", top=" + Arrays.toString(topTypes) + "}";
    }
}
