package org.flinkrtrl.flink;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.flinkrtrl.core.learner.LogLearner;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSetting;
import org.flinkrtrl.core.learner.ModelSettings;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.core.lifecycle.MonitorConfig;

/**
 * The model's settings as typed Flink options, read from the Flink configuration or from job parameters
 * ({@code --rtrl.model.hidden 32}): one {@code rtrl.model.<key>} option per user setting of {@link ModelSettings},
 * with its default and description. {@link #toModelConfig} validates every value and names the offending option in
 * the error. The inputs, outputs and head are no options: the job sets them from its value fields.
 */
public final class ModelOptions {
    private ModelOptions() {}

    /** Prefix of the model options' keys. */
    public static final String PREFIX = "rtrl.model.";

    private static final Map<ModelSetting<?>, ConfigOption<?>> OPTIONS = new LinkedHashMap<>();

    static {
        for (ModelSetting<?> s : ModelSettings.options()) {
            OPTIONS.put(s, build(PREFIX, s));
        }
    }

    /** Every model option, in declaration order. */
    public static final List<ConfigOption<?>> MODEL = List.copyOf(OPTIONS.values());

    /** Prefix of the per-key monitor's options. */
    public static final String MONITOR_PREFIX = "rtrl.monitor.";

    private static final Map<ModelSetting<?>, ConfigOption<?>> MONITOR_OPTIONS = new LinkedHashMap<>();

    static {
        for (ModelSetting<?> s : MonitorSettings.ALL) {
            MONITOR_OPTIONS.put(s, build(MONITOR_PREFIX, s));
        }
    }

    /** Every monitor option ({@link MonitorSettings}), in declaration order. */
    public static final List<ConfigOption<?>> MONITOR = List.copyOf(MONITOR_OPTIONS.values());

    public static final ConfigOption<Duration> STATE_TTL = ConfigOptions.key("rtrl.state.ttl")
        .durationType().defaultValue(Duration.ofDays(7))
        .withDescription("Idle time (processing time since the key's last event) after which a key's model is dropped:"
            + " a key that comes back starts fresh, and a per-key timer removes the state of one that does not within"
            + " the TTL plus max(1 s, TTL / 8). 0 disables expiry.");
    public static final ConfigOption<String> STATE_CACHE = ConfigOptions.key("rtrl.state.cache")
        .stringType().defaultValue("auto")
        .withDescription("Decoded models kept per subtask between events on the RocksDB backend, in bytes of encoded "
            + "model (each written back to the state before every checkpoint and when evicted), so that steady-state "
            + "events do not decode and re-encode their key's model. auto = a quarter of the TaskManager's heap "
            + "divided by its slots; 0.4heap = another share; 512mb = a fixed size; 0 disables the cache. Unused on "
            + "the heap backend, which keeps the models as objects.");
    public static final ConfigOption<Double> ANOMALY_THRESHOLD = ConfigOptions.key("rtrl.metrics.anomaly-threshold")
        .doubleType().defaultValue(0.5).withDescription("Anomaly score above which an event counts in the anomaly metrics.");

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

    /** The Flink option of a user setting. */
    @SuppressWarnings("unchecked")
    public static <T> ConfigOption<T> option(ModelSetting<T> setting) {
        ConfigOption<?> o = OPTIONS.get(setting);
        if (o == null) {
            throw new IllegalArgumentException(setting.key() + " is set from the job's data, not by an option");
        }
        return (ConfigOption<T>) o;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> ConfigOption<T> build(String prefix, ModelSetting<T> s) {
        ConfigOptions.OptionBuilder b = ConfigOptions.key(prefix + s.key());
        String rule = s.rule().isEmpty() ? "" : " (" + s.rule() + ")";
        String description = capitalised(s.description()) + rule + ".";
        Class<T> t = s.type();
        ConfigOption<?> o;
        if (t == Integer.class) {
            o = b.intType().defaultValue((Integer) s.defaultValue()).withDescription(description);
        } else if (t == Long.class) {
            o = b.longType().defaultValue((Long) s.defaultValue()).withDescription(description);
        } else if (t == Double.class) {
            o = b.doubleType().defaultValue((Double) s.defaultValue()).withDescription(description);
        } else if (t == Boolean.class) {
            o = b.booleanType().defaultValue((Boolean) s.defaultValue()).withDescription(description);
        } else if (t == String.class) {
            o = b.stringType().defaultValue((String) s.defaultValue()).withDescription(description);
        } else if (t.isEnum()) {
            o = b.enumType((Class) t).defaultValue((Enum) s.defaultValue())
                .withDescription(capitalised(s.description()) + ": one of " + s.choices() + ".");
        } else {
            throw new IllegalStateException("no Flink option type for " + t);
        }
        return (ConfigOption<T>) o;
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

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
        ModelConfig.Builder b = ModelConfig.builder()
            .set(ModelSettings.INPUTS, inputs).set(ModelSettings.OUTPUTS, inputs)
            .set(ModelSettings.HEAD, ModelConfig.Head.REGRESSION);
        for (ModelSetting<?> s : ModelSettings.options()) {
            read(conf, s, b, ModelConfig.Head.REGRESSION);
        }
        return b.build();
    }

    /**
     * The model configuration of a log source's model over {@code capacity} event types ({@link LogLearner#config}):
     * an option that is not set takes the softmax head's default ({@link ModelSetting#defaultFor}: the learning rate
     * 0.01 instead of 0.001).
     *
     * @throws IllegalArgumentException naming the option, when a value cannot be parsed or is out of range
     */
    public static ModelConfig toLogModelConfig(ReadableConfig conf, int capacity) {
        ModelConfig.Builder b = ModelConfig.builder();
        for (ModelSetting<?> s : ModelSettings.options()) {
            read(conf, s, b, ModelConfig.Head.SOFTMAX);
        }
        return LogLearner.config(b.build(), capacity);
    }

    private static <T> void read(ReadableConfig conf, ModelSetting<T> s, ModelConfig.Builder b, ModelConfig.Head head) {
        ConfigOption<T> option = option(s);
        T v = isSet(conf, option) ? get(conf, option) : s.defaultFor(head);
        require(s.isValid(v), option, v, s.rule());
        b.set(s, v);
    }

    /** The Flink option of a monitor setting. */
    @SuppressWarnings("unchecked")
    public static <T> ConfigOption<T> monitorOption(ModelSetting<T> setting) {
        ConfigOption<?> o = MONITOR_OPTIONS.get(setting);
        if (o == null) {
            throw new IllegalArgumentException(setting.key() + " is no monitor setting");
        }
        return (ConfigOption<T>) o;
    }

    /**
     * The per-key monitor's settings.
     *
     * @throws IllegalArgumentException naming the option, when a value cannot be parsed or is out of range
     */
    public static MonitorConfig monitorConfig(ReadableConfig conf) {
        Map<ModelSetting<?>, Object> values = new LinkedHashMap<>();
        for (ModelSetting<?> s : MonitorSettings.ALL) {
            values.put(s, readMonitor(conf, s));
        }
        return MonitorSettings.build(values);
    }

    private static <T> T readMonitor(ReadableConfig conf, ModelSetting<T> s) {
        ConfigOption<T> option = monitorOption(s);
        T v = get(conf, option);
        require(s.isValid(v), option, v, s.rule());
        return v;
    }

    /** Idle-key TTL; {@link Duration#ZERO} means no expiry. */
    public static Duration stateTtl(ReadableConfig conf) {
        Duration ttl = get(conf, STATE_TTL);
        require(!ttl.isNegative(), STATE_TTL, ttl, "must be >= 0 (0 disables expiry)");
        return ttl;
    }

    /** Bound of the decoded-model cache per subtask (resolved on the TaskManager). */
    public static StateCacheSize stateCache(ReadableConfig conf) {
        String text = get(conf, STATE_CACHE);
        try {
            return StateCacheSize.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option '" + STATE_CACHE.key() + "' = '" + text + "': " + e.getMessage(), e);
        }
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

    private static boolean isSet(ReadableConfig conf, ConfigOption<?> option) {
        try {
            return conf.getOptional(option).isPresent();
        } catch (IllegalArgumentException e) {
            return true; // present but unparsable: get() names the option
        }
    }

    private static void require(boolean ok, ConfigOption<?> option, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("option '" + option.key() + "' " + rule + ", got " + value);
        }
    }
}
