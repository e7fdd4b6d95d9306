package org.flinkrtrl.flink;

import org.flinkrtrl.core.learner.ModelConfig;

/**
 * Cheap per-event check that a stored model was built with the job's configuration. {@link ModelConfig#equals}
 * formats both configs as strings, far too slow for every event, so this compares the fields directly.
 * {@code ConfigMatchTest} fails when ModelConfig gains a field that is not listed in {@link #FIELDS}.
 */
final class ConfigMatch {
    /** Every ModelConfig field compared below. */
    static final String[] FIELDS = {
        "cell", "hidden", "inputs", "outputs", "head", "huberDelta", "method", "rank", "truncation", "optimizer",
        "learningRate", "beta1", "beta2", "epsilon", "clipNorm", "readoutClipNorm", "resetPeriod", "seed",
        "initGain", "readoutInitStd", "anomalyAlpha", "divergenceLoss"};

    private ConfigMatch() {}

    static boolean sameModel(ModelConfig a, ModelConfig b) {
        if (a == b) {
            return true;
        }
        return a.cell == b.cell && a.hidden == b.hidden && a.inputs == b.inputs && a.outputs == b.outputs
            && a.head == b.head && same(a.huberDelta, b.huberDelta) && a.method == b.method && a.rank == b.rank
            && a.truncation == b.truncation && a.optimizer == b.optimizer && same(a.learningRate, b.learningRate)
            && same(a.beta1, b.beta1) && same(a.beta2, b.beta2) && same(a.epsilon, b.epsilon)
            && same(a.clipNorm, b.clipNorm) && same(a.readoutClipNorm, b.readoutClipNorm)
            && a.resetPeriod == b.resetPeriod && a.seed == b.seed && same(a.initGain, b.initGain)
            && same(a.readoutInitStd, b.readoutInitStd) && same(a.anomalyAlpha, b.anomalyAlpha)
            && same(a.divergenceLoss, b.divergenceLoss);
    }

    private static boolean same(double x, double y) {
        return Double.doubleToLongBits(x) == Double.doubleToLongBits(y);
    }
}
