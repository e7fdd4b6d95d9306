package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.OUTPUTS;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.flinkrtrl.core.anomaly.AnomalyDetector;
import org.flinkrtrl.core.anomaly.AnomalySettings;
import org.flinkrtrl.core.optim.StateArrays;

/**
 * The per-key online forecaster over a raw numeric stream of d channels: a probabilistic one-step forecast per
 * channel from a linear path on seasonal and calendar context plus a recurrent network on what the linear path
 * misses, with a calibrated central interval, an anomaly score per event and a divergence guard.
 *
 * <p><b>Units.</b> Each channel is carried internally in units of the magnitude of its first non-zero value
 * ({@code u = x / |x_first|}), and everything downstream is normalised by running statistics whose floors and
 * start values are therefore relative to the series' own magnitude. The same series in any unit (1e-12 ... 1e12,
 * subnormal values included) gives the same forecasts up to the unit and the same scores: bit for bit for
 * power-of-two units, to rounding otherwise. A channel that has only been 0 forecasts exactly 0.
 *
 * <p><b>Linear path</b> (per channel, in the channel's units u): recursive least squares with forgetting
 * ({@link ForecasterOptions#forgetting()}) on {@value #FEATURES} features: 1, the last three values, the seasonal
 * lags of the next event (one day, two days, one week - 1, one week, one week + 1, looked up by time in
 * {@link SeasonalContext}; the running mean when missing), and its calendar features (hour of day, day of week,
 * sin/cos). Its prior is persistence (coefficient 1 on the last value, variance {@value #PRIOR_VARIANCE} per
 * coefficient), so an untrained path forecasts the last value. Each a-priori error is weighted by Huber's rule at
 * {@value #HUBER} mean absolute residuals (closer to the conditional median on heavy-tailed series, robust to a
 * wild value; the mean absolute residual is floored at {@value #MIN_RESIDUAL} change std, so after a perfectly flat
 * stretch the first change cannot throw the coefficients far). Features and target are taken relative to the
 * channel's first value (u - u_first, u_first = +-1), which keeps the intercept apart from the lags (a well
 * conditioned fit from the first events on). The fit runs on the channel's own units rather than
 * on running z-scores: those drift while the statistics settle (a flat start makes the first changes enormous
 * z-scores) and a fit on drifting features learns nonsense.
 *
 * <p><b>Recurrent path.</b> The network sees {@code [level~_t ; delta~_t]} (2d inputs, each channel's level and
 * last change normalised by their running statistics) and predicts the linear path's next residual in units of
 * the channel's change std s (d outputs). The forecast is {@code u_lin + s y}: a network that has learnt
 * nothing (y = 0) leaves the linear forecast. Inputs and targets are clipped to +-{@value #CLIP} for learning.
 *
 * <p><b>Combination.</b> Three forecasts per channel, persistence, the linear path and the linear path plus the
 * network, each kept within the channel's observed range widened by half of it (a guard against a fit that is
 * briefly wrong by orders of magnitude), are averaged with weights {@code (min_j e_j / e_k)^}{@value #EXPERT_POWER},
 * e_k the exponentially weighted mean absolute error of forecast k (rate {@value #EXPERT_RATE}). So the forecaster
 * follows whichever has been best on this key lately and never stays clearly worse than persistence or either
 * path alone; the weights are continuous in the errors, so the same series in another unit takes the same path.
 * Before the first error the combined forecast (linear plus network) is used alone.
 *
 * <p><b>Anomaly path.</b> What the anomaly detector scores against: per channel a plain recursive least-squares
 * fit (forgetting {@value #ANOMALY_FORGETTING}, no Huber weighting, the linear path's prior) on the linear path's
 * features, except that a seasonal lag that is missing reads as the nearest shorter seasonal lag present, else the
 * last value. Unlike the robust linear path it learns a noise-free pattern's jumps within days, so their
 * repetitions stop surprising; it is not part of the forecast.
 *
 * <p><b>Distribution.</b> Per channel, location = the forecast, scale = the RMS of recent one-step errors, and a
 * central interval of probability {@link ForecasterOptions#intervalLevel()} kept honest on every key by an
 * adaptive conformal quantile ({@link ForecastBand}).
 *
 * <p><b>Per event</b> x_t at time t, {@link #observe(long, double[])}:
 * <ol>
 *   <li>validates x_t (dimension, finite, |x| &lt;= {@value #MAX_ABS}, and within {@value #MAX_ABS} of the
 *       channel's unit) before touching any state;</li>
 *   <li>if a forecast exists: scores x_t under the anomaly path's forecast ({@link AnomalyDetector}: surprise,
 *       likelihood, refractory onset and capped level in one score, in the channel's internal units), updates the
 *       anomaly path, the interval, the linear path and the network (one gradient step); a protected event (a run
 *       of anomalous events, see AnomalyDetector#weight) is not learned by the anomaly path, the linear path, the
 *       network or the experts' error record, so an incident is not learned as the new normal;</li>
 *   <li>divergence guard: a non-finite or exploding network loss (&gt; divergenceLoss) or non-finite weights
 *       re-initialise the network from its own generator, a non-finite linear path resets to its prior; both count
 *       as a divergence; the statistics are kept;</li>
 *   <li>folds x_t into the statistics and the context, forecasts the next event.</li>
 * </ol>
 * {@code config.inputs()} is the number of channels d; the network's own config (2d inputs, d outputs) is derived.
 */
public final class ForecastingLearner {
    /** Bound on normalised inputs and targets used for learning. */
    public static final double CLIP = 8.0;
    /** Largest accepted raw magnitude, and largest accepted ratio to a channel's unit. */
    public static final double MAX_ABS = 1e100;
    /** Short lags of the linear path, in events. */
    static final int SHORT_LAGS = 3;
    /** Features of the linear path per channel. */
    static final int FEATURES = 1 + SHORT_LAGS + SeasonalContext.LAGS + SeasonalContext.CALENDAR;
    /** Prior variance of each linear coefficient (normalised units). */
    static final double PRIOR_VARIANCE = 100.0;
    /** EWMA rate of the linear residual's mean absolute value (the robust fit's clipping unit). */
    static final double RESIDUAL_RATE = 0.01;
    /** The linear path's a-priori errors enter its update clipped to this many mean absolute residuals. */
    static final double HUBER = 2.5;
    /** Floor of the mean absolute residual behind the Huber bound, normalised level units. */
    static final double MIN_RESIDUAL = 0.01;
    /** Forecasts combined into the output: persistence, the linear path, the linear path plus the network. */
    static final int EXPERTS = 3;
    /** EWMA rate of each expert's absolute error. */
    static final double EXPERT_RATE = 0.01;
    /** Sharpness of the expert weights: w_k proportional to (min_j err_j / err_k)^power. */
    static final double EXPERT_POWER = 8.0;
    /** Forgetting factor of the anomaly path. */
    static final double ANOMALY_FORGETTING = 0.999;
    /** Bound on the linear path's normalised features: far beyond any real series, only there to keep P finite. */
    static final double FEATURE_BOUND = 1e6;

    private final ModelConfig config;
    private final ForecasterOptions options;
    private final OnlineLearner model;
    private final RunningStats levels;
    private final RunningStats deltas;
    private final AnomalyDetector detector;
    private final SeasonalContext context;
    private final RecursiveLeastSquares[] linear;
    private final RecursiveLeastSquares[] anomalyPath;
    private final double[][] anomalyFeatures;
    private final double[] anomalyForecastU;
    /** The context path (per channel): what the detector's sustained-deviation chart measures against. */
    private final RecursiveLeastSquares[] contextPath;
    private final double[] contextFeatures;
    private final double[] contextForecastU;
    private final int[] lagSlots = new int[SeasonalContext.LAGS];
    private final ForecastBand band;
    private final int d;

    private final double[] units;
    private final double[] origin;
    private final double[] last;
    private final double[] delta;
    private final double[] history;
    private final double[][] features;
    private final double[] linearForecastU;
    private final double[] residualMeanAbs;
    private double residualDecay = 1.0;
    private final double[] forecastInternal;
    private final double[] lowest;
    private final double[] highest;
    private final double[] expertForecast;
    private final double[] expertError;
    private double expertDecay = 1.0;
    private final double[] halfWidthInternal;
    private long events;
    private long divergences;

    private final double[] u;
    private final double[] target;
    private final double[] xin;
    private final double[] tmp;
    private final double[] residual;
    private final Result result;
    private String migration;
    private boolean frozen;

    /** Result of one event; the object and its arrays are reused by the next call. */
    public static final class Result {
        /** Events seen by this learner, this one included (1, 2, ...). */
        public long steps;
        /** False for the first event (nothing was forecast for it). */
        public boolean scored;
        /** Training loss of the network on this event, normalised residual units (NaN when not scored). */
        public double loss;
        /** Mean squared error of the previous forecast in units of each channel's change std (NaN when not scored). */
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
        /** Likelihood component: the recent average surprise against its long-run distribution. */
        public double likelihood;
        /** Sustained-deviation (chart) part of this event's anomaly score (see AnomalyDetector; 0 when not scored). */
        public double sustained;
        /** Level component: the values against the key's learned normal range. */
        public double level;
        /** The channel that contributed most to the anomaly score (0-based). */
        public int anomalyChannel;
        /** True while the key's anomaly score is warming up (probation). */
        public boolean warmingUp;
        /** Protection: the detector's learning weight of this event; below 1 the forecaster did not learn from it. */
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
        this(config, config.seed());
    }

    public ForecastingLearner(ModelConfig config, long streamSeed) {
        this(config, streamSeed, true);
    }

    /** A forecaster with {@code config}'s network settings and {@code options}' forecaster settings. */
    public ForecastingLearner(ModelConfig config, ForecasterOptions options, long streamSeed) {
        this(options.applyTo(config), streamSeed, true);
    }

    /** As above, with the anomaly detector's settings (the experiment runners compare variants). */
    public ForecastingLearner(ModelConfig config, ForecasterOptions options, long streamSeed, AnomalySettings anomaly) {
        this(options.applyTo(config), streamSeed, true, anomaly);
    }

    /** {@code initialise == false}: an empty shell for {@link #readState} only (see {@link OnlineLearner}). */
    ForecastingLearner(ModelConfig config, long streamSeed, boolean initialise) {
        this(config, streamSeed, initialise, AnomalySettings.DEFAULTS);
    }

    ForecastingLearner(ModelConfig config, long streamSeed, boolean initialise, AnomalySettings anomaly) {
        ForecasterOptions options = ForecasterOptions.of(config);
        if (config.head() != ModelConfig.Head.REGRESSION) {
            throw new IllegalArgumentException("a forecaster needs a regression head, got " + config.head());
        }
        this.config = config;
        this.options = options;
        this.d = config.inputs();
        this.model = new OnlineLearner(networkConfig(config), streamSeed, initialise);
        this.levels = new RunningStats(d);
        this.deltas = new RunningStats(d);
        this.detector = new AnomalyDetector(d, anomaly);
        this.context = new SeasonalContext(d, options);
        double[] prior = new double[FEATURES];
        prior[1] = 1.0;
        this.linear = new RecursiveLeastSquares[d];
        for (int c = 0; c < d; c++) {
            linear[c] = new RecursiveLeastSquares(FEATURES, options.forgetting(), PRIOR_VARIANCE, prior);
        }
        this.anomalyPath = new RecursiveLeastSquares[d];
        for (int c = 0; c < d; c++) {
            anomalyPath[c] = new RecursiveLeastSquares(FEATURES, ANOMALY_FORGETTING, PRIOR_VARIANCE, prior);
        }
        this.anomalyFeatures = new double[d][FEATURES];
        this.anomalyForecastU = new double[d];
        double[] contextPrior = new double[FEATURES];
        contextPrior[1 + SHORT_LAGS] = 1.0;
        this.contextPath = new RecursiveLeastSquares[d];
        for (int c = 0; c < d; c++) {
            contextPath[c] = new RecursiveLeastSquares(FEATURES, ANOMALY_FORGETTING, PRIOR_VARIANCE, contextPrior);
        }
        this.contextFeatures = new double[FEATURES];
        this.contextForecastU = new double[d];
        this.band = new ForecastBand(d, options.intervalLevel());
        this.units = new double[d];
        this.origin = new double[d];
        this.last = new double[d];
        this.delta = new double[d];
        this.history = new double[SHORT_LAGS * d];
        this.features = new double[d][FEATURES];
        this.linearForecastU = new double[d];
        this.residualMeanAbs = new double[d];
        this.forecastInternal = new double[d];
        this.lowest = new double[d];
        this.highest = new double[d];
        this.expertForecast = new double[EXPERTS * d];
        this.expertError = new double[EXPERTS * d];
        this.halfWidthInternal = new double[d];
        this.u = new double[d];
        this.target = new double[d];
        this.xin = new double[2 * d];
        this.tmp = new double[d];
        this.residual = new double[d];
        this.result = new Result(d);
        result.intervalLevel = options.intervalLevel();
    }

    /** The network's own config for a stream of {@code config.inputs()} channels: 2d inputs, d outputs. */
    public static ModelConfig networkConfig(ModelConfig config) {
        return config.toBuilder().set(INPUTS, 2 * config.inputs()).set(OUTPUTS, config.inputs()).build();
    }

    /**
     * One event of the key's stream at event time {@code timestampMillis} (epoch milliseconds): scores the forecast
     * made for it, learns from it, forecasts the next event.
     *
     * @return the reused result (valid until the next call)
     * @throws InvalidInputException on an invalid value; the state is untouched
     */
    public Result observe(long timestampMillis, double[] raw) {
        return step(timestampMillis, true, raw);
    }

    /** One event of a stream without event time: no seasonal lags, no calendar features. */
    public Result observe(double[] raw) {
        return step(events, false, raw);
    }

    private Result step(long time, boolean timed, double[] raw) {
        checkValues(raw, d);
        toInternal(raw);
        Result r = result;
        r.diverged = false;
        boolean first = events == 0;
        if (!first) {
            for (int i = 0; i < d; i++) {
                delta[i] = u[i] - last[i];
            }
            learn(r);
        } else {
            r.scored = false;
            r.loss = Double.NaN;
            r.error = Double.NaN;
            r.anomalyScore = 0.0;
            r.surprise = 0.0;
            r.likelihood = 0.0;
            r.sustained = 0.0;
            r.level = 0.0;
            r.anomalyChannel = 0;
            r.warmingUp = true;
            r.learnWeight = 1.0;
            Arrays.fill(r.previousForecast, Double.NaN);
            Arrays.fill(r.previousScale, Double.NaN);
            Arrays.fill(r.previousLower, Double.NaN);
            Arrays.fill(r.previousUpper, Double.NaN);
        }
        levels.update(u);
        if (!first) {
            deltas.update(delta);
        }
        for (int c = 0; c < d; c++) {
            lowest[c] = first ? u[c] : Math.min(lowest[c], u[c]);
            highest[c] = first ? u[c] : Math.max(highest[c], u[c]);
        }
        context.observe(time, u);
        for (int i = SHORT_LAGS - 1; i > 0; i--) {
            System.arraycopy(history, (i - 1) * d, history, i * d, d);
        }
        System.arraycopy(u, 0, history, 0, d);
        System.arraycopy(u, 0, last, 0, d);
        events++;
        forecast(timed, r);
        r.steps = events;
        return r;
    }

    /**
     * Channel units: each channel's unit is the magnitude of its first non-zero value, u = x / unit. Every constant
     * inside (statistics' floors, priors, clips) is thereby relative to the series' own magnitude.
     */
    private void toInternal(double[] raw) {
        for (int c = 0; c < d; c++) {
            double unit = units[c];
            if (unit == 0.0) {
                unit = Math.abs(raw[c]);
            }
            double v = unit == 0.0 ? 0.0 : raw[c] / unit;
            if (Math.abs(v) > MAX_ABS) {
                throw new InvalidInputException("values[" + c + "] = " + raw[c] + " is more than " + MAX_ABS
                    + " times the channel's first non-zero magnitude " + unit);
            }
            u[c] = v;
        }
        for (int c = 0; c < d; c++) {
            if (units[c] == 0.0 && raw[c] != 0.0) {
                units[c] = Math.abs(raw[c]);
                origin[c] = Math.signum(raw[c]);
            }
        }
    }

    /** Back to raw units; a channel that has only been 0 stays exactly 0. */
    private double toRaw(double v, int c) {
        return v * units[c];
    }

    private void learn(Result r) {
        System.arraycopy(r.forecast, 0, r.previousForecast, 0, d);
        System.arraycopy(r.scale, 0, r.previousScale, 0, d);
        System.arraycopy(r.lower, 0, r.previousLower, 0, d);
        System.arraycopy(r.upper, 0, r.previousUpper, 0, d);
        double err = 0.0;
        for (int c = 0; c < d; c++) {
            residual[c] = u[c] - forecastInternal[c];
            double e = residual[c] / deltas.std(c);
            err += e * e;
        }
        err /= d;
        // scored in the channel's internal units (the same numbers on every power-of-two scale) against the anomaly
        // path's forecast
        long cadence = context.cadence();
        detector.setDay(cadence > 0 && cadence <= SeasonalContext.DAY_MS / 2
            ? (int) Math.round((double) SeasonalContext.DAY_MS / cadence) : 0);
        AnomalyDetector.Score a = detector.score(u, anomalyForecastU, contextForecastU);
        double w = detector.weight();
        if (w == 1.0) {
            for (int c = 0; c < d; c++) {
                contextInput(c);
                contextPath[c].update(contextFeatures, u[c] - origin[c]);
                if (!contextPath[c].isFinite()) {
                    contextPath[c].reset();
                }
                anomalyPath[c].update(anomalyFeatures[c], u[c] - origin[c]);
                if (!anomalyPath[c].isFinite()) {
                    anomalyPath[c].reset();
                }
            }
        }
        band.update(residual, halfWidthInternal);
        // protection: an anomalous event leaves the experts' error record alone, so the mix does not switch to
        // whichever path follows the incident (persistence, typically)
        double expertRate = w < 1.0 ? 0.0 : EXPERT_RATE;
        for (int k = 0; k < EXPERTS * d; k++) {
            double e = Math.abs(u[k % d] - expertForecast[k]);
            expertError[k] = (1.0 - expertRate) * expertError[k] + expertRate * e;
        }
        expertDecay *= 1.0 - expertRate;

        boolean linearFailed = false;
        double lossNoNet = 0.0;
        for (int c = 0; c < d; c++) {
            double z = u[c] - origin[c];
            double res = u[c] - linearForecastU[c];
            if (options.linear() && w == 1.0 && !frozen) {
                double mad = residualDecay < 1.0 ? residualMeanAbs[c] / (1.0 - residualDecay) : 0.0;
                linear[c].update(features[c], z, HUBER * Math.max(mad, MIN_RESIDUAL * deltas.std(c)));
                linearFailed |= !linear[c].isFinite();
            }
            double t = res / networkUnit(c);
            target[c] = clip(t);
            lossNoNet += 0.5 * t * t;
            residualMeanAbs[c] = (1.0 - RESIDUAL_RATE) * residualMeanAbs[c] + RESIDUAL_RATE * Math.abs(res);
        }
        residualDecay *= 1.0 - RESIDUAL_RATE;
        // protection: neither path learns from an event scored anomalous. (Scaling the network's gradient by w would
        // not do: Adam divides by the gradient's running RMS, so a persistently scaled gradient soon takes full steps;
        // a scaled innovation in the linear path still updates its covariance in full.)
        double loss = !options.recurrent() ? lossNoNet : w < 1.0 || frozen ? model.evaluate(target) : model.learn(target);
        r.scored = true;
        r.loss = loss;
        r.error = err;
        r.anomalyScore = a.score;
        r.surprise = a.surprise;
        r.likelihood = a.likelihood;
        r.sustained = a.sustained;
        r.level = a.level;
        r.anomalyChannel = a.channel;
        r.warmingUp = a.warmingUp;
        r.learnWeight = w;
        if (options.recurrent() && (!Double.isFinite(loss) || loss > config.divergenceLoss() || !model.isFinite())) {
            model.initialise();
            divergences++;
            r.diverged = true;
        }
        if (linearFailed) {
            for (int c = 0; c < d; c++) {
                linear[c].reset();
            }
            divergences++;
            r.diverged = true;
        }
    }

    /** The context path's features of channel c: the anomaly path's without the last values (zero). */
    private void contextInput(int c) {
        System.arraycopy(anomalyFeatures[c], 0, contextFeatures, 0, FEATURES);
        for (int i = 0; i < SHORT_LAGS; i++) {
            contextFeatures[1 + i] = 0.0;
        }
    }

    /** The network's output unit for channel c: the std of the channel's changes. */
    private double networkUnit(int c) {
        return deltas.std(c);
    }

    private void forecast(boolean timed, Result r) {
        for (int i = 0; i < SeasonalContext.LAGS; i++) {
            lagSlots[i] = context.lagSlot(i);
        }
        for (int c = 0; c < d; c++) {
            double mean = levels.mean(c);
            double[] f = features[c];
            double[] af = anomalyFeatures[c];
            f[0] = 1.0;
            for (int i = 0; i < SHORT_LAGS; i++) {
                int back = (int) Math.min(i, events - 1);
                f[1 + i] = history[back * d + c] - origin[c];
            }
            for (int i = 0; i < SeasonalContext.LAGS; i++) {
                int slot = lagSlots[i];
                f[1 + SHORT_LAGS + i] = (slot < 0 ? mean : context.value(slot, c)) - origin[c];
                // the anomaly path: a missing lag reads as the nearest shorter seasonal lag present, else the last value
                int near = slot;
                for (int j = i - 1; near < 0 && j >= 0; j--) {
                    near = lagSlots[j];
                }
                af[1 + SHORT_LAGS + i] = (near < 0 ? history[c] : context.value(near, c)) - origin[c];
            }
            context.calendar(timed, f, 1 + SHORT_LAGS + SeasonalContext.LAGS);
            System.arraycopy(f, 0, af, 0, 1 + SHORT_LAGS);
            System.arraycopy(f, 1 + SHORT_LAGS + SeasonalContext.LAGS, af, 1 + SHORT_LAGS + SeasonalContext.LAGS,
                SeasonalContext.CALENDAR);
            linearForecastU[c] = linear[c].predict(f) + origin[c];
            anomalyForecastU[c] = anomalyPath[c].predict(af) + origin[c];
            contextInput(c);
            contextForecastU[c] = contextPath[c].predict(contextFeatures) + origin[c];
        }
        double[] y = null;
        if (options.recurrent()) {
            levels.normalize(u, tmp);
            for (int i = 0; i < d; i++) {
                xin[i] = clip(tmp[i]);
            }
            if (deltas.count() > 0) {
                deltas.normalize(delta, tmp);
                for (int i = 0; i < d; i++) {
                    xin[d + i] = clip(tmp[i]);
                }
            }
            y = model.advance(xin);
            if (model.influenceWasReset()) {
                // the influence estimate had exploded (expanding dynamics on an endless stream): zeroed, counted
                divergences++;
                r.diverged = true;
            }
        }
        for (int c = 0; c < d; c++) {
            double mean = levels.mean(c);
            double std = levels.std(c);
            double linearForecast = inRange(linearForecastU[c], c);
            double combined = y == null ? linearForecast : inRange(linearForecastU[c] + networkUnit(c) * y[c], c);
            expertForecast[c] = u[c];
            expertForecast[d + c] = linearForecast;
            expertForecast[2 * d + c] = combined;
            double fc = combine(c);
            forecastInternal[c] = fc;
            double s = band.scale(c, deltas.std(c));
            double w = band.multiplier(c) * s;
            halfWidthInternal[c] = w;
            r.forecast[c] = toRaw(fc, c);
            r.scale[c] = toRaw(s, c);
            r.lower[c] = toRaw(fc - w, c);
            r.upper[c] = toRaw(fc + w, c);
        }
    }

    /** v kept within channel c's observed range widened by half of it on either side. */
    private double inRange(double v, int c) {
        double half = 0.5 * (highest[c] - lowest[c]);
        return Math.max(lowest[c] - half, Math.min(highest[c] + half, v));
    }

    /** Channel c's forecast: the experts' forecasts weighted by their recent errors (see the class comment). */
    private double combine(int c) {
        if (expertDecay == 1.0) {
            return expertForecast[2 * d + c];
        }
        double best = Double.POSITIVE_INFINITY;
        for (int k = 0; k < EXPERTS; k++) {
            best = Math.min(best, expertError[k * d + c]);
        }
        double sum = 0.0;
        double weights = 0.0;
        for (int k = 0; k < EXPERTS; k++) {
            double e = expertError[k * d + c];
            double w = best == 0.0 ? (e == 0.0 ? 1.0 : 0.0) : Math.pow(best / e, EXPERT_POWER);
            sum += w * expertForecast[k * d + c];
            weights += w;
        }
        return sum / weights;
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

    private static double bound(double v) {
        return Math.max(-FEATURE_BOUND, Math.min(FEATURE_BOUND, v));
    }

    private static double clip(double v) {
        return Math.max(-CLIP, Math.min(CLIP, v));
    }

    public ModelConfig config() { return config; }
    public ForecasterOptions options() { return options; }

    /**
     * Multiplies the network's configured learning rate by {@code factor} from the next event on (1 = as
     * configured). A runtime setting, not part of this learner's state: the operator keeps a key's override beside
     * the model and sets it before every event.
     */
    public void setLearningRateFactor(double factor) {
        model.setLearningRateFactor(factor);
    }

    /**
     * Frozen: the network's weights and the linear path's coefficients stay as they are; the event is still scored
     * and forecast, and the statistics (normalisers, interval, anomaly detector, the experts' error record) still
     * follow the stream. A runtime setting like {@link #setLearningRateFactor}.
     */
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    public boolean frozen() { return frozen; }

    /** Sets the anomaly detector's warm-up (events marked warming up); kept in the detector's settings. */
    public void setAnomalyWarmUp(int events) {
        detector.setWarmUp(events);
    }

    /** The anomaly detector's warm-up, in events. */
    public int anomalyWarmUp() { return detector.settings().warmUp(); }
    public OnlineLearner model() { return model; }
    public long divergences() { return divergences; }
    /** Events seen. */
    public long steps() { return events; }
    /** The key's estimated cadence in ms (0 while unknown or without event time). */
    public long cadenceMillis() { return context.cadence(); }
    /** Seasonal lags in use, in events (empty while the cadence is unknown or when the ring would be too large). */
    public int[] seasonalLags() {
        int[] a = new int[context.lagCount()];
        for (int i = 0; i < a.length; i++) {
            a[i] = context.lagSteps(i);
        }
        return a;
    }
    /** Channel c's linear coefficients (live view): 1, lags 1..3, seasonal lags, calendar sin/cos. Do not modify. */
    public double[] linearCoefficients(int c) { return linear[c].coefficients(); }
    /** The interval's current half-width multiplier of channel c (in scales). */
    public double intervalMultiplier(int c) { return band.multiplier(c); }

    /** The anomaly detector (read its statistics; do not score with it). */
    public AnomalyDetector detector() { return detector; }
    /** Channel c's unit: the magnitude of its first non-zero value (0 while it has only been 0). */
    public double unit(int c) { return units[c]; }
    /** Channel c's running level mean, internal units. */
    public double levelMean(int c) { return levels.mean(c); }
    /** Channel c's running level std, internal units. */
    public double levelStd(int c) { return levels.std(c); }
    /** Channel c's running std of changes, internal units. */
    public double changeStd(int c) { return deltas.std(c); }
    /** Channel c's forecast scale (RMS of recent one-step errors), internal units. */
    public double scale(int c) { return band.scale(c, deltas.std(c)); }
    /** Forecasts mixed per channel: persistence, the linear path, the linear path plus the network. */
    public static final String[] EXPERT_NAMES = {"persistence", "linear", "combined"};
    /**
     * Recent mean absolute one-step error of forecast {@code expert} ({@link #EXPERT_NAMES}) on channel c, internal
     * units: the exponentially weighted mean (rate {@value #EXPERT_RATE}) corrected for its zero start; NaN before
     * the first error.
     */
    public double recentAbsError(int expert, int c) {
        return expertDecay == 1.0 ? Double.NaN : expertError[expert * d + c] / (1.0 - expertDecay);
    }
    /** Channel c's linear covariance (live view, row-major). Do not modify. */
    double[] linearCovariance(int c) { return linear[c].covariance(); }

    /**
     * Starts this fresh learner from a template's parameters: the network's weights and each channel's linear
     * coefficients (with the template's coefficient covariance when it carries one, else the prior's). The
     * generator, optimiser moments, hidden and influence state, statistics, context, interval and anomaly detector
     * stay this learner's own and fresh.
     *
     * @throws IllegalStateException when this learner has seen events
     * @throws IllegalArgumentException when the template was built for another configuration
     */
    public void warmStart(WarmStartTemplate t) {
        if (events != 0) {
            throw new IllegalStateException("warm start applies to a new learner, this one has seen " + events + " events");
        }
        if (!t.config().equals(config)) {
            throw new IllegalArgumentException("the warm-start template was built for another model configuration: "
                + t.config() + ", this learner runs " + config);
        }
        System.arraycopy(t.recurrent(), 0, model.recurrentWeights(), 0, t.recurrent().length);
        System.arraycopy(t.readout(), 0, model.readoutWeights(), 0, t.readout().length);
        for (int c = 0; c < d; c++) {
            if (t.withCovariance()) {
                linear[c].start(t.linear(c), t.linearCovariance(c));
            } else {
                double[] p0 = linear[c].covariance().clone();
                linear[c].start(t.linear(c), p0);
            }
        }
    }

    /**
     * Why this learner was migrated when it was decoded from an older state format (null otherwise); cleared by
     * {@link #clearMigration()} once the caller has counted and logged it.
     */
    public String migration() { return migration; }
    public void clearMigration() { migration = null; }

    void writeState(DataOutput o) throws IOException {
        o.writeLong(events);
        o.writeLong(divergences);
        StateArrays.write(o, units);
        StateArrays.write(o, origin);
        levels.write(o);
        deltas.write(o);
        StateArrays.write(o, last);
        StateArrays.write(o, delta);
        StateArrays.write(o, history);
        context.write(o);
        for (int c = 0; c < d; c++) {
            linear[c].write(o);
            StateArrays.write(o, features[c]);
        }
        StateArrays.write(o, linearForecastU);
        StateArrays.write(o, residualMeanAbs);
        o.writeDouble(residualDecay);
        band.write(o);
        StateArrays.write(o, forecastInternal);
        StateArrays.write(o, halfWidthInternal);
        StateArrays.write(o, lowest);
        StateArrays.write(o, highest);
        StateArrays.write(o, expertForecast);
        StateArrays.write(o, expertError);
        o.writeDouble(expertDecay);
        StateArrays.write(o, result.forecast);
        StateArrays.write(o, result.scale);
        StateArrays.write(o, result.lower);
        StateArrays.write(o, result.upper);
        model.writeState(o);
        writeAnomalyState(o);
        writeChartState(o);
    }

    /** The detector's sustained-deviation chart and its context path: the last block of the state (format 5). */
    private void writeChartState(DataOutput o) throws IOException {
        detector.writeChart(o);
        for (int c = 0; c < d; c++) {
            contextPath[c].write(o);
        }
        StateArrays.write(o, contextForecastU);
    }

    private void readChartState(DataInput in) throws IOException {
        detector.readChart(in);
        for (int c = 0; c < d; c++) {
            contextPath[c].read(in);
        }
        StateArrays.read(in, contextForecastU);
    }

    /**
     * A fresh chart and context path (already, from the constructor) whose pending forecast is the anomaly path's,
     * for a state migrated from a format without them.
     */
    private void startChartFresh() {
        detector.startChartFresh();
        System.arraycopy(anomalyForecastU, 0, contextForecastU, 0, d);
    }

    /** The anomaly detector (but its chart) and its forecast path: the block format 4 added at the end. */
    private void writeAnomalyState(DataOutput o) throws IOException {
        detector.write(o);
        for (int c = 0; c < d; c++) {
            anomalyPath[c].write(o);
            StateArrays.write(o, anomalyFeatures[c]);
        }
        StateArrays.write(o, anomalyForecastU);
    }

    private void readAnomalyState(DataInput in) throws IOException {
        detector.read(in);
        for (int c = 0; c < d; c++) {
            anomalyPath[c].read(in);
            StateArrays.read(in, anomalyFeatures[c]);
        }
        StateArrays.read(in, anomalyForecastU);
    }

    /**
     * A fresh anomaly detector (already, from the constructor) and a fresh anomaly path whose pending forecast is the
     * linear path's, for a state migrated from a format without them.
     */
    private void startAnomalyFresh() {
        for (int c = 0; c < d; c++) {
            System.arraycopy(features[c], 0, anomalyFeatures[c], 0, FEATURES);
            anomalyForecastU[c] = linearForecastU[c];
        }
    }

    /** Reads what {@link #writeState} wrote. */
    void readState(DataInput in) throws IOException {
        readState(in, LearnerCodec.VERSION);
    }

    /**
     * Reads what {@link #writeState} wrote in codec format {@code version} (2 or later). Formats 2 and 3 held the
     * earlier detector in the middle of the state and no anomaly path: that detector is read and dropped, the
     * detector and its path start fresh (a new warm-up), and {@link #migration()} says so.
     */
    void readState(DataInput in, int version) throws IOException {
        events = in.readLong();
        divergences = in.readLong();
        StateArrays.read(in, units);
        StateArrays.read(in, origin);
        levels.read(in);
        deltas.read(in);
        if (version < 4) {
            AnomalyDetector.skipFormat2(in, d);
        }
        StateArrays.read(in, last);
        StateArrays.read(in, delta);
        StateArrays.read(in, history);
        context.read(in);
        for (int c = 0; c < d; c++) {
            linear[c].read(in);
            StateArrays.read(in, features[c]);
        }
        StateArrays.read(in, linearForecastU);
        StateArrays.read(in, residualMeanAbs);
        residualDecay = in.readDouble();
        band.read(in);
        StateArrays.read(in, forecastInternal);
        StateArrays.read(in, halfWidthInternal);
        StateArrays.read(in, lowest);
        StateArrays.read(in, highest);
        StateArrays.read(in, expertForecast);
        StateArrays.read(in, expertError);
        expertDecay = in.readDouble();
        StateArrays.read(in, result.forecast);
        StateArrays.read(in, result.scale);
        StateArrays.read(in, result.lower);
        StateArrays.read(in, result.upper);
        model.readState(in, version);
        if (version < 4) {
            startAnomalyFresh();
            startChartFresh();
            migration = "state format " + version + ": anomaly detector and its forecast path started fresh";
        } else {
            readAnomalyState(in);
            if (version < 5) {
                startChartFresh();
                migration = "state format 4: the anomaly detector's sustained-deviation chart and its context path"
                    + " started fresh";
            } else {
                readChartState(in);
            }
        }
    }

    /**
     * Reads a format-1 state (the persistence-plus-network forecaster): its statistics (the old anomaly scorer's
     * state is read and dropped), last value and
     * pending forecast carry over in raw units (unit 1), the network's state too when its shape matches
     * this build's, else the network starts fresh and {@link #migration()} says so. The context, the linear path
     * and the interval start fresh: the first forecast after the restore is the stored one, with a band from the
     * change std.
     */
    void readStateV1(DataInput in) throws IOException {
        divergences = in.readLong();
        levels.read(in);
        deltas.read(in);
        new AnomalyScorer(config.anomalyAlpha()).read(in); // the old scorer's state: dropped, the detector starts fresh
        StateArrays.read(in, last);
        StateArrays.read(in, delta);
        StateArrays.read(in, result.forecast);
        ModelConfig v1Network = config.toBuilder().set(INPUTS, 2 * d).set(OUTPUTS, d).build();
        if (ConfigShape.same(v1Network, model.config())) {
            model.readState(in, 1);
            migration = "state format 1: network kept; linear path, seasonal context and interval started fresh";
        } else {
            new OnlineLearner(v1Network, config.seed(), false).readState(in, 1);
            model.initialise();
            migration = "state format 1: network shape " + v1Network.inputs() + " inputs no longer matches this build's "
                + model.config().inputs() + ", replaced by a fresh one; linear path, seasonal context and interval"
                + " started fresh";
        }
        Arrays.fill(units, 1.0);
        events = levels.count();
        for (int i = 0; i < SHORT_LAGS; i++) {
            System.arraycopy(last, 0, history, i * d, d);
        }
        System.arraycopy(result.forecast, 0, forecastInternal, 0, d);
        for (int c = 0; c < d; c++) {
            double s = band.scale(c, deltas.std(c));
            double w = band.multiplier(c) * s;
            halfWidthInternal[c] = w;
            result.scale[c] = s;
            result.lower[c] = result.forecast[c] - w;
            result.upper[c] = result.forecast[c] + w;
            linearForecastU[c] = last[c];
            lowest[c] = levels.mean(c) - 3 * levels.std(c);
            highest[c] = levels.mean(c) + 3 * levels.std(c);
            for (int k = 0; k < EXPERTS; k++) {
                expertForecast[k * d + c] = result.forecast[c];
            }
            double[] f = features[c];
            f[0] = 1.0;
            for (int i = 0; i < SHORT_LAGS; i++) {
                f[1 + i] = linearForecastU[c];
            }
        }
        startAnomalyFresh();
        startChartFresh();
    }

    /** Network shapes: same inputs and outputs. */
    private static final class ConfigShape {
        static boolean same(ModelConfig a, ModelConfig b) {
            return a.inputs() == b.inputs() && a.outputs() == b.outputs();
        }
    }

    /** Bytes of this learner's state in the codec (excluding the header), for memory reports. */
    public long stateBytes() {
        return LearnerCodec.toBytes(this).length;
    }
}
