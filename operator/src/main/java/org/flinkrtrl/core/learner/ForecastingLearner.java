package org.flinkrtrl.core.learner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The per-key online forecaster: one {@link OnlineLearner} (regression head, outputs = inputs) on a raw numeric
 * stream, with online normalisation, an anomaly score per event and a divergence guard.
 *
 * <p>Per event x_t (raw units), {@link #observe(double[])}:
 * <ol>
 *   <li>validates x_t (dimension, finite) before touching any state;</li>
 *   <li>if a forecast exists, normalises x_t with the statistics the forecast was made in, scores it (loss,
 *       anomaly score of {@link AnomalyScorer}) and learns from it: one gradient step, no update lock;</li>
 *   <li>divergence guard: a non-finite or exploding loss (&gt; divergenceLoss) or non-finite weights re-initialise
 *       this model from its own generator and count a divergence; the normaliser is kept;</li>
 *   <li>folds x_t into the running statistics, advances the network on the normalised x_t and forecasts the next
 *       event, returned in raw units.</li>
 * </ol>
 */
public final class ForecastingLearner {
    private final ModelConfig config;
    private final OnlineLearner model;
    private final RunningStats stats;
    private final AnomalyScorer scorer;
    private final double[] target;
    private final double[] xin;
    private final Result result;
    private long divergences;

    /** Result of one event; the object and its arrays are reused by the next call. */
    public static final class Result {
        /** Events seen by this learner, this one included (1, 2, ...). */
        public long steps;
        /** False for the first event (nothing was forecast for it). */
        public boolean scored;
        /** Training loss of the previous forecast against this event, normalised units (NaN when not scored). */
        public double loss;
        /** Mean squared error of the previous forecast, normalised units (NaN when not scored). */
        public double error;
        /** Anomaly score of this event (0 when not scored). */
        public double anomalyScore;
        /** The forecast that was made for this event, raw units (NaN when not scored). */
        public final double[] previousForecast;
        /** Forecast for the next event, raw units. */
        public final double[] forecast;
        /** True when this event triggered the divergence guard. */
        public boolean diverged;

        Result(int dims) {
            previousForecast = new double[dims];
            forecast = new double[dims];
        }
    }

    public ForecastingLearner(ModelConfig config) {
        this(config, config.seed);
    }

    public ForecastingLearner(ModelConfig config, long streamSeed) {
        if (config.head != ModelConfig.Head.REGRESSION || config.outputs != config.inputs) {
            throw new IllegalArgumentException("a forecaster needs a regression head with outputs == inputs, got "
                + config.head + " with " + config.outputs + " outputs for " + config.inputs + " inputs");
        }
        this.config = config;
        this.model = new OnlineLearner(config, streamSeed);
        this.stats = new RunningStats(config.inputs);
        this.scorer = new AnomalyScorer(config.anomalyAlpha);
        this.target = new double[config.inputs];
        this.xin = new double[config.inputs];
        this.result = new Result(config.inputs);
    }

    public Result observe(double[] raw) {
        Inputs.checkVector("values", raw, config.inputs);
        Result r = result;
        r.diverged = false;
        if (model.hasOutput()) {
            stats.normalize(raw, target);
            double err = 0.0;
            double[] f = model.output();
            for (int i = 0; i < target.length; i++) {
                double e = f[i] - target[i];
                err += e * e;
            }
            err /= target.length;
            System.arraycopy(r.forecast, 0, r.previousForecast, 0, r.forecast.length);
            double loss = model.learn(target);
            r.scored = true;
            r.loss = loss;
            r.error = err;
            r.anomalyScore = scorer.score(err);
            if (!Double.isFinite(loss) || loss > config.divergenceLoss || !model.isFinite()) {
                model.initialise();
                divergences++;
                r.diverged = true;
            }
        } else {
            r.scored = false;
            r.loss = Double.NaN;
            r.error = Double.NaN;
            r.anomalyScore = 0.0;
            java.util.Arrays.fill(r.previousForecast, Double.NaN);
        }
        stats.update(raw);
        stats.normalize(raw, xin);
        double[] y = model.advance(xin);
        stats.denormalize(y, r.forecast);
        r.steps = model.steps();
        return r;
    }

    public ModelConfig config() { return config; }
    public OnlineLearner model() { return model; }
    public RunningStats stats() { return stats; }
    public long divergences() { return divergences; }
    public long steps() { return model.steps(); }

    void writeState(DataOutput o) throws IOException {
        o.writeLong(divergences);
        stats.write(o);
        scorer.write(o);
        o.writeInt(result.forecast.length);
        for (double v : result.forecast) {
            o.writeDouble(v);
        }
        model.writeState(o);
    }

    void readState(DataInput in) throws IOException {
        divergences = in.readLong();
        stats.read(in);
        scorer.read(in);
        int d = in.readInt();
        if (d != result.forecast.length) {
            throw new IOException("forecast dimension " + d + " does not match " + result.forecast.length);
        }
        for (int i = 0; i < d; i++) {
            result.forecast[i] = in.readDouble();
        }
        model.readState(in);
    }
}
