package org.flinkrtrl.core.learner;

/**
 * What {@link LogLearner#observe} reports for one event; one instance is reused, so copy what must be kept.
 * Probabilities refer to the model's prediction made at the source's previous event; the top-k list is the new
 * prediction for the next event.
 */
public final class LogStep {
    /** Class the event was scored against: its vocabulary class, or {@link TypeVocabulary#UNSEEN}. */
    public int scoredClass;
    /** Class the event now has in the vocabulary ({@link TypeVocabulary#UNSEEN} if it overflowed). */
    public int inputClass;
    /** True when the type was not in the vocabulary at this event (first sight, or vocabulary full). */
    public boolean unseen;
    /** True when the type was not in the vocabulary and the vocabulary was full. */
    public boolean overflow;
    /** P(this event's class) under the previous prediction; NaN for a source's first event. */
    public double probability;
    /** -log2 {@link #probability}; NaN for a source's first event. */
    public double surpriseBits;
    /** Number of valid entries in {@link #topClasses} / {@link #topProbabilities}. */
    public int topCount;
    public final int[] topClasses;
    public final double[] topProbabilities;

    public LogStep(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
        }
        topClasses = new int[k];
        topProbabilities = new double[k];
    }

    /** True when the event was scored (it is not the source's first). */
    public boolean scored() {
        return !Double.isNaN(probability);
    }
}
