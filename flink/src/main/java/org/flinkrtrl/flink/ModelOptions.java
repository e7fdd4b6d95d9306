package org.flinkrtrl.flink;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;

/**
 * The model's settings as typed Flink options, read from the Flink configuration or from job parameters
 * ({@code --rtrl.model.hidden 32}). {@link #toModelConfig} validates every value and names the offending option in
 * the error. The number of inputs is not an option: it is the number of value fields, which the job knows.
 */
public final class ModelOptions {
    private ModelOptions() {}

    public static final ConfigOption<ModelConfig.CellType> CELL = ConfigOptions.key("rtrl.model.cell")
        .enumType(ModelConfig.CellType.class).defaultValue(ModelConfig.CellType.TANH)
        .withDescription("Recurrent cell: TANH or GATED.");
    public static final ConfigOption<Integer> HIDDEN = ConfigOptions.key("rtrl.model.hidden")
        .intType().defaultValue(16).withDescription("Hidden units n per key, 1..4096.");
    public static final ConfigOption<String> METHOD = ConfigOptions.key("rtrl.model.method")
        .stringType().defaultValue("ok").withDescription("Gradient method: ok, kf, uoro, rtrl or tbptt.");
    public static final ConfigOption<Integer> RANK = ConfigOptions.key("rtrl.model.rank")
        .intType().defaultValue(4).withDescription("Rank r of r-OK, >= 1.");
    public static final ConfigOption<Integer> TRUNCATION = ConfigOptions.key("rtrl.model.truncation")
        .intType().defaultValue(16).withDescription("TBPTT window T, >= 1.");
    public static final ConfigOption<ModelConfig.OptimizerType> OPTIMIZER = ConfigOptions.key("rtrl.model.optimizer")
        .enumType(ModelConfig.OptimizerType.class).defaultValue(ModelConfig.OptimizerType.ADAM)
        .withDescription("Optimiser: ADAM or SGD.");
    public static final ConfigOption<Double> LEARNING_RATE = ConfigOptions.key("rtrl.model.learning-rate")
        .doubleType().defaultValue(1e-3).withDescription("Learning rate, > 0.");
    public static final ConfigOption<Double> CLIP_NORM = ConfigOptions.key("rtrl.model.clip-norm")
        .doubleType().defaultValue(1.0).withDescription("Max L2 norm of the recurrent gradient; 0 disables.");
    public static final ConfigOption<Double> READOUT_CLIP_NORM = ConfigOptions.key("rtrl.model.readout-clip-norm")
        .doubleType().defaultValue(0.0).withDescription("Max L2 norm of the readout gradient; 0 disables.");
    public static final ConfigOption<Integer> RESET_PERIOD = ConfigOptions.key("rtrl.model.reset-period")
        .intType().defaultValue(0).withDescription("Reset h and the influence state every this many events; 0 = never.");
    public static final ConfigOption<Long> SEED = ConfigOptions.key("rtrl.model.seed")
        .longType().defaultValue(42L).withDescription("Job seed; each key's model seed is derived from it and the key.");
    public static final ConfigOption<Double> HUBER_DELTA = ConfigOptions.key("rtrl.model.huber-delta")
        .doubleType().defaultValue(0.0).withDescription("Huber threshold of the loss (normalised units); 0 = squared error.");
    public static final ConfigOption<Double> ANOMALY_ALPHA = ConfigOptions.key("rtrl.model.anomaly-alpha")
        .doubleType().defaultValue(0.01).withDescription("EWMA rate of the anomaly scorer's error statistics, (0, 1].");
    public static final ConfigOption<Double> DIVERGENCE_LOSS = ConfigOptions.key("rtrl.model.divergence-loss")
        .doubleType().defaultValue(1e6).withDescription("A loss above this re-initialises the key's model, > 0.");
    public static final ConfigOption<Double> INIT_GAIN = ConfigOptions.key("rtrl.model.init-gain")
        .doubleType().defaultValue(1.0).withDescription("Recurrent init gain (std = gain / sqrt(fan-in)), >= 0.");
    public static final ConfigOption<Duration> STATE_TTL = ConfigOptions.key("rtrl.state.ttl")
        .durationType().defaultValue(Duration.ofDays(7))
        .withDescription("Idle time (processing time, refreshed on every event) after which a key's model is dropped;"
            + " a key that comes back starts fresh. 0 disables expiry.");
    public static final ConfigOption<Double> ANOMALY_THRESHOLD = ConfigOptions.key("rtrl.metrics.anomaly-threshold")
        .doubleType().defaultValue(3.0).withDescription("Anomaly score above which an event counts in the anomaly metrics.");

    public static final ConfigOption<EventOrder.Mode> ORDER_MODE = ConfigOptions.key("rtrl.order.mode")
        .enumType(EventOrder.Mode.class).defaultValue(EventOrder.Mode.EVENT_TIME)
        .withDescription("EVENT_TIME: buffer each key's events and learn them in timestamp order once the watermark "
            + "passes them; ARRIVAL: learn in arrival order, no buffer (for sources already ordered per key).");
    public static final ConfigOption<Duration> ALLOWED_LATENESS = ConfigOptions.key("rtrl.order.allowed-lateness")
        .durationType().defaultValue(Duration.ZERO)
        .withDescription("Event time past the watermark during which an event is still put in order; later events "
            + "go to the late events. Every event waits this long too. >= 0.");
    public static final ConfigOption<Integer> MAX_BUFFERED_PER_KEY = ConfigOptions.key("rtrl.order.max-buffered-per-key")
        .intType().defaultValue(EventOrder.DEFAULT_MAX_BUFFERED_PER_KEY)
        .withDescription("Bound of a key's ordering buffer; beyond it the oldest event is released early. >= 1.");

    /** Options from job parameters, e.g. {@code ParameterTool.fromArgs(args).toMap()}. */
    public static Configuration fromMap(Map<String, String> params) {
        return Configuration.fromMap(params);
    }

    /**
     * The model configuration of a forecaster over {@code inputs} value fields.
     *
     * @throws IllegalArgumentException naming the option, when a value cannot be parsed or is out of range
     */
    public static ModelConfig toModelConfig(ReadableConfig conf, int inputs) {
        if (inputs < 1) {
            throw new IllegalArgumentException("the job must declare at least one value field, got " + inputs);
        }
        int hidden = get(conf, HIDDEN);
        require(hidden >= 1 && hidden <= 4096, HIDDEN, hidden, "must be in [1, 4096]");
        int rank = get(conf, RANK);
        require(rank >= 1, RANK, rank, "must be >= 1");
        int truncation = get(conf, TRUNCATION);
        require(truncation >= 1, TRUNCATION, truncation, "must be >= 1");
        double lr = get(conf, LEARNING_RATE);
        require(lr > 0 && Double.isFinite(lr), LEARNING_RATE, lr, "must be finite and > 0");
        double clip = get(conf, CLIP_NORM);
        require(clip >= 0 && !Double.isNaN(clip), CLIP_NORM, clip, "must be >= 0 (0 disables clipping)");
        double readoutClip = get(conf, READOUT_CLIP_NORM);
        require(readoutClip >= 0 && !Double.isNaN(readoutClip), READOUT_CLIP_NORM, readoutClip,
            "must be >= 0 (0 disables clipping)");
        int resetPeriod = get(conf, RESET_PERIOD);
        require(resetPeriod >= 0, RESET_PERIOD, resetPeriod, "must be >= 0 (0 = never)");
        double huber = get(conf, HUBER_DELTA);
        require(huber >= 0 && Double.isFinite(huber), HUBER_DELTA, huber, "must be finite and >= 0 (0 = squared error)");
        double alpha = get(conf, ANOMALY_ALPHA);
        require(alpha > 0 && alpha <= 1, ANOMALY_ALPHA, alpha, "must be in (0, 1]");
        double divergence = get(conf, DIVERGENCE_LOSS);
        require(divergence > 0, DIVERGENCE_LOSS, divergence, "must be > 0");
        double gain = get(conf, INIT_GAIN);
        require(gain >= 0 && Double.isFinite(gain), INIT_GAIN, gain, "must be finite and >= 0");
        Method method;
        try {
            method = Method.parse(get(conf, METHOD));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option '" + METHOD.key() + "': " + e.getMessage(), e);
        }
        ModelConfig.CellType cell = get(conf, CELL);
        ModelConfig.OptimizerType optimizer = get(conf, OPTIMIZER);
        long seed = get(conf, SEED);
        try {
            return ModelConfig.builder()
                .cell(cell).hidden(hidden).inputs(inputs).outputs(inputs).head(ModelConfig.Head.REGRESSION)
                .method(method).rank(rank).truncation(truncation).optimizer(optimizer).learningRate(lr)
                .clipNorm(clip).readoutClipNorm(readoutClip).resetPeriod(resetPeriod).seed(seed)
                .huberDelta(huber).anomalyAlpha(alpha).divergenceLoss(divergence).initGain(gain).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid model options: " + e.getMessage(), e);
        }
    }

    /** Idle-key TTL; {@link Duration#ZERO} means no expiry. */
    public static Duration stateTtl(ReadableConfig conf) {
        Duration ttl = get(conf, STATE_TTL);
        require(!ttl.isNegative(), STATE_TTL, ttl, "must be >= 0 (0 disables expiry)");
        return ttl;
    }

    public static double anomalyThreshold(ReadableConfig conf) {
        double t = get(conf, ANOMALY_THRESHOLD);
        require(Double.isFinite(t), ANOMALY_THRESHOLD, t, "must be finite");
        return t;
    }

    /** How each key's events reach its learner. */
    public static EventOrder eventOrder(ReadableConfig conf) {
        EventOrder.Mode mode = get(conf, ORDER_MODE);
        Duration lateness = get(conf, ALLOWED_LATENESS);
        require(!lateness.isNegative(), ALLOWED_LATENESS, lateness, "must be >= 0");
        int bound = get(conf, MAX_BUFFERED_PER_KEY);
        require(bound >= 1, MAX_BUFFERED_PER_KEY, bound, "must be >= 1");
        return new EventOrder(mode, lateness, bound);
    }

    private static <T> T get(ReadableConfig conf, ConfigOption<T> option) {
        try {
            return conf.get(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option '" + option.key() + "' could not be parsed: " + e.getMessage(), e);
        }
    }

    private static void require(boolean ok, ConfigOption<?> option, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("option '" + option.key() + "' " + rule + ", got " + value);
        }
    }
}
