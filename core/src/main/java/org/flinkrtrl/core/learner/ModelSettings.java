package org.flinkrtrl.core.learner;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig.CellType;
import org.flinkrtrl.core.learner.ModelConfig.Head;
import org.flinkrtrl.core.learner.ModelConfig.OptimizerType;

/**
 * Every model setting, declared once: key, default, validation rule and description. {@link ModelConfig} has one
 * component per setting, in this order; the command line ({@code --hidden}), the Flink configuration
 * ({@code rtrl.model.hidden}) and {@code --help} are generated from {@link #ALL}.
 *
 * <p>Adding a setting costs two lines here and there: a component at the end of the {@link ModelConfig} record and
 * one declaration at the end of this list (same name, same type, same place; the class refuses to load otherwise).
 * {@code ModelConfig.builder().set(NEW, v)}, validation, {@code --new-key}, {@code rtrl.model.new-key} and the help
 * text follow from the declaration. Then the state: every learner state holds its config, and the operator replaces a
 * stored model whose config differs from the job's; a setting left out of {@link ModelConfig#writeTo} comes back as
 * its default, so a job that sets another value would start every restored key afresh. Write and read it in
 * {@link ModelConfig#writeTo} / {@link ModelConfig#readFrom} with a new {@link LearnerCodec#VERSION} whose reader
 * gives states of the older version the default.
 */
public final class ModelSettings {
    private ModelSettings() {}

    private static final List<ModelSetting<?>> LIST = new ArrayList<>();

    // name (the ModelConfig component), default, help label, short command-line alias, rule, description
    public static final ModelSetting<CellType> CELL = add("cell", CellType.TANH, null, null,
        v -> true, "", "recurrent cell");
    public static final ModelSetting<Integer> HIDDEN = add("hidden", 16, "n", null,
        v -> v >= 1 && v <= 4096, "must be >= 1 and <= 4096", "hidden units n per key");
    public static final ModelSetting<Integer> INPUTS = fromData("inputs", 1,
        v -> v >= 1, "must be >= 1", "input size: the number of value fields");
    public static final ModelSetting<Integer> OUTPUTS = fromData("outputs", 1,
        v -> v >= 1, "must be >= 1", "regression outputs or softmax classes (the job forecasts every value field)");
    public static final ModelSetting<Head> HEAD = fromData("head", Head.REGRESSION,
        v -> true, "", "output head: regression (forecasting) or softmax (classification)");
    public static final ModelSetting<Double> HUBER_DELTA = add("huberDelta", 0.0, "delta", null,
        v -> v >= 0 && Double.isFinite(v), "must be finite and >= 0",
        "Huber threshold of the loss in normalised units, 0 = squared error");
    public static final ModelSetting<Method> METHOD = add("method", Method.OK, null, null,
        v -> true, "", "gradient method: ok (r-OK), kf, uoro, rtrl (exact), tbptt, lru");
    public static final ModelSetting<Integer> RANK = add("rank", 4, "r", null,
        v -> v >= 1, "must be >= 1", "rank r of r-OK");
    public static final ModelSetting<Integer> TRUNCATION = add("truncation", 16, "T", null,
        v -> v >= 1, "must be >= 1", "TBPTT window T");
    public static final ModelSetting<OptimizerType> OPTIMIZER = add("optimizer", OptimizerType.ADAM, null, null,
        v -> true, "", "optimiser");
    // 0.001: on the bundled sensor data (docs/sensor-results.md) 0.0003-0.001 beat persistence on MAE by ~1-1.5 %,
    // 0.003 ties it and 0.01 loses; anomaly AUC is the same (0.65-0.66). 0.01 for the softmax head (log models, short
    // streams per source): on Moby-Dick cut into 135 streams of 300 characters (experiments/scripts/moby_streams.py)
    // the network alone gives 4.250 / 4.191 / 4.176 / 4.731 bits per event at 0.001 / 0.003 / 0.01 / 0.03; the
    // bundled fail2ban logs agree (docs/log-results.md: 3.949 at 0.001, 2.406 at 0.01).
    public static final ModelSetting<Double> LEARNING_RATE = add("learningRate", 1e-3, "rate", "lr",
        v -> v > 0 && Double.isFinite(v), "must be finite and > 0",
        "learning rate (log models, softmax head: default 0.01)").withSoftmaxDefault(1e-2);
    public static final ModelSetting<Double> BETA1 = add("beta1", 0.9, "beta", null,
        v -> v >= 0 && v < 1, "must be in [0, 1)", "Adam first-moment decay");
    public static final ModelSetting<Double> BETA2 = add("beta2", 0.999, "beta", null,
        v -> v >= 0 && v < 1, "must be in [0, 1)", "Adam second-moment decay");
    public static final ModelSetting<Double> EPSILON = add("epsilon", 1e-8, "eps", null,
        v -> v > 0, "must be > 0", "Adam denominator offset");
    public static final ModelSetting<Double> CLIP_NORM = add("clipNorm", 1.0, "norm", "clip",
        v -> v >= 0, "must be >= 0", "max L2 norm of the recurrent-weight gradient, 0 = no clipping");
    public static final ModelSetting<Double> READOUT_CLIP_NORM = add("readoutClipNorm", 0.0, "norm", null,
        v -> v >= 0, "must be >= 0", "max L2 norm of the readout gradient, 0 = no clipping");
    public static final ModelSetting<Integer> RESET_PERIOD = add("resetPeriod", 0, "events", null,
        v -> v >= 0, "must be >= 0", "reset hidden and influence state every this many events, 0 = never");
    public static final ModelSetting<Long> SEED = add("seed", 42L, "long", null,
        v -> true, "", "job seed; each key's model seed is derived from it and the key");
    public static final ModelSetting<Double> INIT_GAIN = add("initGain", 1.0, "gain", null,
        v -> v >= 0 && Double.isFinite(v), "must be finite and >= 0", "recurrent init gain: W ~ N(0, gain^2 / fan-in)");
    public static final ModelSetting<Double> READOUT_INIT_STD = add("readoutInitStd", 0.01, "std", null,
        v -> v >= 0 && Double.isFinite(v), "must be finite and >= 0", "readout init: V ~ N(0, std^2)");
    public static final ModelSetting<Double> ANOMALY_ALPHA = add("anomalyAlpha", 0.01, "rate", null,
        v -> v > 0 && v <= 1, "must be in (0, 1]", "EWMA rate of the anomaly scorer's error statistics");
    public static final ModelSetting<Double> DIVERGENCE_LOSS = add("divergenceLoss", 1e6, "loss", null,
        v -> v > 0, "must be > 0", "a loss above this (normalised units) re-initialises the key's model");
    // The online LRU's initial ring of eigenvalues (method lru only; docs/spec-lru.md). (0.4, 0.99, pi): on the bundled
    // sensor data the rings (0, 0.9), (0.9, 0.999), (0.4, 0.99) with phases pi/10 .. 2 pi differed by less than the
    // seed-to-seed spread (docs/lru-results.md).
    public static final ModelSetting<Double> LRU_R_MIN = add("lruRMin", 0.4, "r", null,
        v -> v >= 0 && v < 1, "must be in [0, 1)", "lru: smallest initial |lambda| (must be below lru-r-max)");
    public static final ModelSetting<Double> LRU_R_MAX = add("lruRMax", 0.99, "r", null,
        v -> v > 0 && v < 1, "must be in (0, 1)", "lru: largest initial |lambda|");
    public static final ModelSetting<Double> LRU_MAX_PHASE = add("lruMaxPhase", Math.PI, "radians", null,
        v -> v > 0 && v <= 2 * Math.PI, "must be in (0, 2 pi]", "lru: largest initial phase of lambda");
    // The online LRU's readout: 0 = linear on [Re h, Im h, x] (the cheapest; on the bundled forecasting data within
    // 1 % of r-OK n = 32 and of the MLP readout, docs/lru-results.md), else an MLP with this many tanh features.
    public static final ModelSetting<Integer> LRU_READOUT_WIDTH = add("lruReadoutWidth", 0, "features", null,
        v -> v >= 0 && v <= 4096, "must be >= 0 and <= 4096",
        "lru: tanh features of the MLP readout, 0 = linear");
    // The forecaster around the network (docs/forecast-results.md): all on by default.
    public static final ModelSetting<Boolean> SEASONAL_CONTEXT = add("seasonalContext", true, "bool", null,
        v -> true, "", "seasonal lags (1 day, 1 week) and calendar features per key");
    public static final ModelSetting<Boolean> LINEAR_PATH = add("linearPath", true, "bool", null,
        v -> true, "", "linear path (recursive least squares); off = persistence");
    public static final ModelSetting<Boolean> RECURRENT_PATH = add("recurrentPath", true, "bool", null,
        v -> true, "", "recurrent network on the linear residual; off = linear only");
    public static final ModelSetting<Double> INTERVAL_LEVEL = add("intervalLevel", 0.95, "p", null,
        v -> v > 0 && v < 1, "must be in (0, 1)", "probability of the central forecast interval");
    public static final ModelSetting<String> TIME_ZONE = add("timeZone", "UTC", "zone", null,
        ModelSettings::isZone, "must be a time-zone id such as UTC or Europe/Paris", "time zone of the calendar features");
    public static final ModelSetting<Integer> MAX_LAG_STEPS = add("maxLagSteps", 2100, "events", null,
        v -> v >= 0 && v <= 1_000_000, "must be in [0, 1000000]", "largest seasonal lag buffer per key, in events");
    public static final ModelSetting<Double> LINEAR_FORGETTING = add("linearForgetting", 0.999, "lambda", null,
        v -> v > 0 && v <= 1, "must be in (0, 1]", "forgetting factor of the linear path");
    // One optimiser step per this many gradients, from their mean; the influence state still propagates every step.
    public static final ModelSetting<Integer> UPDATE_PERIOD = add("updatePeriod", 1, "steps", null,
        v -> v >= 1 && v <= 1_000_000, "must be in [1, 1000000]",
        "gradients averaged per optimiser step, 1 = every step");

    private static boolean isZone(String id) {
        try {
            java.time.ZoneId.of(id);
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    /** Every setting, in {@link ModelConfig} component order. */
    public static final List<ModelSetting<?>> ALL = List.copyOf(LIST);

    private static final List<ModelSetting<?>> OPTIONS = ALL.stream().filter(s -> !s.fromData()).toList();

    private static final java.lang.reflect.Method[] ACCESSORS;
    private static final MethodHandle CANONICAL;

    static {
        RecordComponent[] rc = ModelConfig.class.getRecordComponents();
        if (rc.length != LIST.size()) {
            throw new IllegalStateException("ModelConfig has " + rc.length + " components but " + LIST.size()
                + " settings are declared");
        }
        ACCESSORS = new java.lang.reflect.Method[rc.length];
        Class<?>[] types = new Class<?>[rc.length];
        for (int i = 0; i < rc.length; i++) {
            ModelSetting<?> s = LIST.get(i);
            Class<?> boxed = MethodType.methodType(rc[i].getType()).wrap().returnType();
            if (!rc[i].getName().equals(s.name()) || boxed != s.type()) {
                throw new IllegalStateException("ModelConfig component " + i + " is " + rc[i].getType().getSimpleName()
                    + " " + rc[i].getName() + " but setting " + i + " is " + s.type().getSimpleName() + " " + s.name());
            }
            ACCESSORS[i] = rc[i].getAccessor();
            types[i] = rc[i].getType();
        }
        try {
            CANONICAL = MethodHandles.lookup().findConstructor(ModelConfig.class, MethodType.methodType(void.class, types))
                .asSpreader(Object[].class, types.length);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> ModelSetting<T> add(String name, T dflt, String label, String alias, Predicate<T> valid,
                                           String rule, String description) {
        ModelSetting<T> s = new ModelSetting<>(LIST.size(), name, alias, label, dflt, valid, rule, description, false);
        LIST.add(s);
        return s;
    }

    private static <T> ModelSetting<T> fromData(String name, T dflt, Predicate<T> valid, String rule, String description) {
        ModelSetting<T> s = new ModelSetting<>(LIST.size(), name, null, null, dflt, valid, rule, description, true);
        LIST.add(s);
        return s;
    }

    /** The settings a user sets (command line, Flink configuration); the others come from the job's data. */
    public static List<ModelSetting<?>> options() {
        return OPTIONS;
    }

    static Object[] defaults() {
        Object[] v = new Object[ALL.size()];
        for (ModelSetting<?> s : ALL) {
            v[s.index()] = s.defaultValue();
        }
        return v;
    }

    static Object component(ModelConfig config, int index) {
        try {
            return ACCESSORS[index].invoke(config);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }

    static Object[] values(ModelConfig config) {
        Object[] v = new Object[ALL.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = component(config, i);
        }
        return v;
    }

    /** Validates every value (messages {@code "<key> <rule>, got <value>"}) and builds the config. */
    static ModelConfig build(Object[] values) {
        for (ModelSetting<?> s : ALL) {
            checkOne(s, values[s.index()]);
        }
        if (values[HEAD.index()] == Head.SOFTMAX && (Integer) values[OUTPUTS.index()] < 2) {
            throw new IllegalArgumentException("softmax needs >= 2 classes, got " + values[OUTPUTS.index()]);
        }
        if (values[METHOD.index()] != Method.LRU) {
            // used by lru only, and written into the state only for lru (ModelConfig.writeTo): another method's config
            // holds the defaults, so it equals itself after a restore
            for (ModelSetting<?> lru : List.of(LRU_R_MIN, LRU_R_MAX, LRU_MAX_PHASE, LRU_READOUT_WIDTH)) {
                values[lru.index()] = lru.defaultValue();
            }
        }
        if (!((Double) values[LRU_R_MIN.index()] < (Double) values[LRU_R_MAX.index()])) {
            throw new IllegalArgumentException(LRU_R_MIN.key() + " must be below " + LRU_R_MAX.key() + ", got "
                + values[LRU_R_MIN.index()] + " and " + values[LRU_R_MAX.index()]);
        }
        try {
            return (ModelConfig) CANONICAL.invoke(values);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static <T> void checkOne(ModelSetting<T> s, Object value) {
        s.check(s.type().cast(value));
    }
}
