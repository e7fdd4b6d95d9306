package org.flinkrtrl.core.learner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.flinkrtrl.core.anomaly.AnomalyDetector;
import org.flinkrtrl.core.anomaly.AnomalySettings;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * The per-key online forecaster over a raw numeric stream of d channels: one {@link OnlineLearner}, online
 * normalisation, an anomaly score per event and a divergence guard.
 *
 * <p><b>Model.</b> The network sees {@code [level~_t ; delta~_t]} (2d inputs: each channel's level normalised by
 * its running mean/std, and its last change normalised by the running statistics of changes) and predicts the
 * normalised change to the next event (d outputs). The forecast in raw units is therefore
 * {@code x_t + mean_delta + std_delta * y}: a model that has learnt nothing (y = 0) is the persistence forecast,
 * and learning can only add structure to it. Normalised inputs and targets are clipped to +-{@value #CLIP} for
 * learning, so a single wild value cannot wreck the model; the anomaly score uses the unclipped error.
 *
 * <p><b>Per event</b> x_t, {@link #observe(double[])}:
 * <ol>
 *   <li>validates x_t (dimension, finite, |x| &lt;= {@value #MAX_ABS}) before touching any state;</li>
 *   <li>if a forecast exists, measures its error in the units it was made in (mean squared normalised error,
 *       scored by {@link AnomalyScorer}) and learns from x_t: one gradient step, no update lock;</li>
 *   <li>divergence guard: a non-finite or exploding loss (&gt; divergenceLoss) or non-finite weights
 *       re-initialise this model from its own generator and count a divergence; the statistics are kept;</li>
 *   <li>folds x_t into the statistics, advances the network and forecasts the next event in raw units.</li>
 * </ol>
 * {@code config.inputs} is the number of channels d; the network's own config (2d inputs, d outputs) is derived.
 */
public final class ForecastingLearner {
    /** Bound on normalised inputs and targets used for learning. */
    public static final double CLIP = 8.0;
    /** Largest accepted raw magnitude: beyond it the change and variance statistics could overflow to Inf. */
    public static final double MAX_ABS = 1e100;

    private final ModelConfig config;
    private final OnlineLearner model;
    private final RunningStats levels;
    private final RunningStats deltas;
    private final AnomalyScorer scorer;
    private final AnomalyDetector detector;
    private final int d;
    private final double[] last;
    private final double[] delta;
    private final double[] target;
    private final double[] xin;
    private final double[] tmp;
    private final Result result;
    private final ForecastBand band;
    private final double[] residual;
    private final double[] halfWidth;
    private long divergences;

    /** Result of one event; the object and its arrays are reused by the next call. */
    public static final class Result {
        /** Events seen by this learner, this one included (1, 2, ...). */
        public long steps;
        /** False for the first event (nothing was forecast for it). */
        public boolean scored;
        /** Training loss of the previous forecast against this event, normalised units (NaN when not scored). */
        public double loss;
        /** Mean squared error of the previous forecast, normalised change units, unclipped (NaN when not scored). */
        public double error;
        /** Anomaly score of this event (0 when not scored). */
        public double anomalyScore;
        /** The forecast that was made for this event, raw units (NaN when not scored). */
        public final double[] previousForecast;
        /** Forecast for the next event, raw units. */
        public final double[] forecast;
        /** True when this event triggered the divergence guard. */
        public boolean diverged;
        /** Anomaly components of this event on the score's scale (see AnomalyDetector; 0 when not scored). */
        public double surprise;
        public double likelihood;
        public double level;
        /** The channel that contributed most to the anomaly score (0-based). */
        public int anomalyChannel;
        /** True while the key's anomaly score is warming up (probation). */
        public boolean warmingUp;
        /** Weight with which this event was learned: below 1 when it scored anomalous (protection). */
        public double learnWeight;

        // Probabilistic one-step forecast, per channel, raw units. The next event's distribution is given by
        // location (the point forecast) and scale; [lower, upper] is its central interval of probability
        // intervalLevel. The previous* arrays hold the same for the forecast that was made for THIS event (NaN when
        // not scored): score this event's actual against them.

        /** Central interval probability of lower/upper, e.g. 0.95. */
        public double intervalLevel;
        /** Location of the next event's forecast distribution: the point forecast. The same array as {@link #forecast}. */
        public final double[] location;
        /** Scale of the next event's forecast: the root mean square of recent one-step errors, raw units (> 0). */
        public final double[] scale;
        /** Lower bound of the next event's central interval. */
        public final double[] lower;
        /** Upper bound of the next event's central interval. */
        public final double[] upper;
        /** Location forecast for this event: the same array as {@link #previousForecast} (NaN when not scored). */
        public final double[] previousLocation;
        /** Scale forecast for this event (NaN when not scored). */
        public final double[] previousScale;
        /** Lower bound of the interval forecast for this event (NaN when not scored). */
        public final double[] previousLower;
        /** Upper bound of the interval forecast for this event (NaN when not scored). */
        public final double[] previousUpper;

        Result(int dims) {
            previousForecast = new double[dims];
            forecast = new double[dims];
            location = forecast;
            previousLocation = previousForecast;
            scale = new double[dims];
            lower = new double[dims];
            upper = new double[dims];
            previousScale = new double[dims];
            previousLower = new double[dims];
            previousUpper = new double[dims];
        }

        /** True when channel c's actual lay inside the interval forecast for this event (false when not scored). */
        public boolean covered(int c, double actual) {
            return scored && actual >= previousLower[c] && actual <= previousUpper[c];
        }
    }

    public ForecastingLearner(ModelConfig config) {
        this(config, config.seed);
    }

    public ForecastingLearner(ModelConfig config, long streamSeed) {
        this(config, streamSeed, true);
    }

    /** {@code initialise == false}: an empty shell for {@link #readState} only (see {@link OnlineLearner}). */
    ForecastingLearner(ModelConfig config, long streamSeed, boolean initialise) {
        this(config, streamSeed, initialise, AnomalySettings.DEFAULTS);
    }

    public ForecastingLearner(ModelConfig config, long streamSeed, AnomalySettings anomaly) {
        this(config, streamSeed, true, anomaly);
    }

    ForecastingLearner(ModelConfig config, long streamSeed, boolean initialise, AnomalySettings anomaly) {
        if (config.head != ModelConfig.Head.REGRESSION) {
            throw new IllegalArgumentException("a forecaster needs a regression head, got " + config.head);
        }
        this.config = config;
        this.d = config.inputs;
        this.model = new OnlineLearner(networkConfig(config), streamSeed, initialise);
        this.levels = new RunningStats(d);
        this.deltas = new RunningStats(d);
        this.scorer = new AnomalyScorer(config.anomalyAlpha);
        this.detector = new AnomalyDetector(d, anomaly);
        this.last = new double[d];
        this.delta = new double[d];
        this.target = new double[d];
        this.xin = new double[2 * d];
        this.tmp = new double[d];
        this.result = new Result(d);
        this.band = new ForecastBand(d, INTERVAL_LEVEL);
        this.residual = new double[d];
        this.halfWidth = new double[d];
        result.intervalLevel = INTERVAL_LEVEL;
    }

    /** Central interval probability of the forecast bounds. */
    public static final double INTERVAL_LEVEL = 0.95;

    /** The network's own config for a stream of {@code config.inputs} channels: 2d inputs, d outputs. */
    public static ModelConfig networkConfig(ModelConfig config) {
        return config.toBuilder().inputs(2 * config.inputs).outputs(config.inputs).build();
    }

    /**
     * One event of the key's stream at event time {@code timestampMillis} (epoch milliseconds).
     *
     * @return the reused result (valid until the next call)
     */
    public Result observe(long timestampMillis, double[] raw) {
        return observe(raw);
    }

    /** One event of a stream without event time. */
    public Result observe(double[] raw) {
        checkValues(raw, d);
        Result r = result;
        r.diverged = false;
        boolean first = levels.count() == 0;
        if (!first) {
            for (int i = 0; i < d; i++) {
                delta[i] = raw[i] - last[i];
            }
        }
        if (model.hasOutput()) {
            deltas.normalize(delta, target);
            double[] y = model.output();
            double err = 0.0;
            for (int i = 0; i < d; i++) {
                double e = y[i] - target[i];
                err += e * e;
                target[i] = clip(target[i]);
            }
            err /= d;
            System.arraycopy(r.forecast, 0, r.previousForecast, 0, d);
            System.arraycopy(r.scale, 0, r.previousScale, 0, d);
            System.arraycopy(r.lower, 0, r.previousLower, 0, d);
            System.arraycopy(r.upper, 0, r.previousUpper, 0, d);
            for (int i = 0; i < d; i++) {
                residual[i] = raw[i] - r.previousForecast[i];
                halfWidth[i] = r.previousUpper[i] - r.previousForecast[i];
            }
            AnomalyDetector.Score a = detector.score(raw, r.previousForecast, r.previousScale);
            double w = detector.weight();
            if (w < 1.0) {
                // protection: the squared loss's gradient scaled by w, by moving the target toward the forecast
                for (int i = 0; i < d; i++) {
                    target[i] = y[i] + w * (target[i] - y[i]);
                }
            }
            band.update(residual, halfWidth);
            double loss = model.learn(target);
            scorer.score(err);
            r.scored = true;
            r.loss = loss;
            r.error = err;
            r.anomalyScore = a.score;
            r.surprise = a.surprise;
            r.likelihood = a.likelihood;
            r.level = a.level;
            r.anomalyChannel = a.channel;
            r.warmingUp = a.warmingUp;
            r.learnWeight = w;
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
            r.surprise = 0.0;
            r.likelihood = 0.0;
            r.level = 0.0;
            r.anomalyChannel = 0;
            r.warmingUp = true;
            r.learnWeight = 1.0;
            Arrays.fill(r.previousForecast, Double.NaN);
            Arrays.fill(r.previousScale, Double.NaN);
            Arrays.fill(r.previousLower, Double.NaN);
            Arrays.fill(r.previousUpper, Double.NaN);
        }
        levels.update(raw);
        if (!first) {
            deltas.update(delta);
        }
        levels.normalize(raw, tmp);
        for (int i = 0; i < d; i++) {
            xin[i] = clip(tmp[i]);
        }
        if (!first) {
            deltas.normalize(delta, tmp);
            for (int i = 0; i < d; i++) {
                xin[d + i] = clip(tmp[i]);
            }
        }
        double[] y = model.advance(xin);
        deltas.denormalize(y, r.forecast);
        for (int i = 0; i < d; i++) {
            r.forecast[i] += raw[i];
            double s = band.scale(i, deltas.std(i));
            double w = band.multiplier(i) * s;
            r.scale[i] = s;
            r.lower[i] = r.forecast[i] - w;
            r.upper[i] = r.forecast[i] + w;
        }
        System.arraycopy(raw, 0, last, 0, d);
        r.steps = model.steps();
        return r;
    }

    /**
     * The forecaster's input rules: {@code raw} present, of dimension {@code channels}, finite, |x| &lt;=
     * {@value #MAX_ABS}. Callers that must refuse an event before touching any state (the Flink layer) use it too.
     *
     * @throws InvalidInputException naming the first violation
     */
    public static void checkValues(double[] raw, int channels) {
        Inputs.checkVector("values", raw, channels);
        for (int i = 0; i < channels; i++) {
            if (Math.abs(raw[i]) > MAX_ABS) {
                throw new InvalidInputException("values[" + i + "] = " + raw[i] + " exceeds the accepted magnitude " + MAX_ABS);
            }
        }
    }

    private static double clip(double v) {
        return Math.max(-CLIP, Math.min(CLIP, v));
    }

    public ModelConfig config() { return config; }
    public OnlineLearner model() { return model; }
    public long divergences() { return divergences; }
    public long steps() { return model.steps(); }

    void writeState(DataOutput o) throws IOException {
        o.writeLong(divergences);
        levels.write(o);
        deltas.write(o);
        scorer.write(o);
        StateArrays.write(o, last);
        StateArrays.write(o, delta);
        StateArrays.write(o, result.forecast);
        model.writeState(o);
    }

    void readState(DataInput in) throws IOException {
        divergences = in.readLong();
        levels.read(in);
        deltas.read(in);
        scorer.read(in);
        StateArrays.read(in, last);
        StateArrays.read(in, delta);
        StateArrays.read(in, result.forecast);
        model.readState(in);
    }
}
