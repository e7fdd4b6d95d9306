package org.flinkrtrl.core.learner;

import java.io.Serializable;
import java.util.List;

/**
 * The parameters a new key's forecaster can start from instead of its random initialisation: the network's
 * recurrent and readout weights and each channel's linear coefficients (optionally with their covariance), taken from one trained
 * forecaster ({@link #of}) or averaged over several of the same configuration ({@link #average}). Nothing else of
 * the trained models is carried: a learner started from a template ({@link ForecastingLearner#warmStart}) keeps its
 * own generator, optimiser moments, hidden and influence state, statistics and anomaly detector.
 *
 * <p>Averaging the linear coefficients (and covariances) of several keys is a plain parameter average. Averaging
 * networks is one too, but the keys' networks start from different random weights, so their hidden units are not
 * aligned; a template of one key keeps its network as it is.
 *
 * <p>Immutable (the arrays are private copies); serializable so an operator can carry it to its subtasks.
 */
public final class WarmStartTemplate implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelConfig config;
    private final double[] recurrent;
    private final double[] readout;
    private final double[][] linear;
    private final double[][] linearCovariance;
    private final int models;

    private WarmStartTemplate(ModelConfig config, double[] recurrent, double[] readout, double[][] linear,
                              double[][] linearCovariance, int models) {
        this.config = config;
        this.recurrent = recurrent;
        this.readout = readout;
        this.linear = linear;
        this.linearCovariance = linearCovariance;
        this.models = models;
    }

    /** The parameters of one trained forecaster (copied); see {@link #average}. */
    public static WarmStartTemplate of(ForecastingLearner l, boolean withCovariance) {
        return average(List.of(l), withCovariance);
    }

    /**
     * The parameter average of {@code learners}, which must share one configuration. {@code withCovariance}: a
     * learner started from the template also takes the (averaged) covariance of the linear coefficients, i.e. their
     * confidence, so its first events move them little; without it, it keeps the prior's covariance, and its first
     * events can overrule the template's coefficients.
     *
     * @throws IllegalArgumentException on an empty list or mixed configurations
     */
    public static WarmStartTemplate average(List<ForecastingLearner> learners, boolean withCovariance) {
        if (learners.isEmpty()) {
            throw new IllegalArgumentException("a warm-start template needs at least one model");
        }
        ForecastingLearner first = learners.get(0);
        ModelConfig cfg = first.config();
        int d = cfg.inputs();
        double[] w = new double[first.model().recurrentWeights().length];
        double[] v = new double[first.model().readoutWeights().length];
        double[][] lin = new double[d][first.linearCoefficients(0).length];
        double[][] cov = withCovariance ? new double[d][first.linearCovariance(0).length] : null;
        for (ForecastingLearner l : learners) {
            if (!l.config().equals(cfg)) {
                throw new IllegalArgumentException("models of a warm-start template must share one configuration: "
                    + cfg + " and " + l.config());
            }
            add(w, l.model().recurrentWeights());
            add(v, l.model().readoutWeights());
            for (int c = 0; c < d; c++) {
                add(lin[c], l.linearCoefficients(c));
                if (cov != null) {
                    add(cov[c], l.linearCovariance(c));
                }
            }
        }
        double n = learners.size();
        scale(w, n);
        scale(v, n);
        for (int c = 0; c < d; c++) {
            scale(lin[c], n);
            if (cov != null) {
                scale(cov[c], n);
            }
        }
        return new WarmStartTemplate(cfg, w, v, lin, cov, learners.size());
    }

    private static void add(double[] sum, double[] x) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += x[i];
        }
    }

    private static void scale(double[] a, double n) {
        for (int i = 0; i < a.length; i++) {
            a[i] /= n;
        }
    }

    /** The configuration the template's models ran; a learner it starts must run the same. */
    public ModelConfig config() { return config; }
    /** How many models were averaged. */
    public int models() { return models; }
    double[] recurrent() { return recurrent; }
    double[] readout() { return readout; }
    double[] linear(int c) { return linear[c]; }
    /** True when a learner started from this template takes its linear covariance too. */
    public boolean withCovariance() { return linearCovariance != null; }
    double[] linearCovariance(int c) { return linearCovariance[c]; }
}
