package org.flinkrtrl.core.learner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.flinkrtrl.core.lifecycle.DriftReaction;
import org.flinkrtrl.core.lifecycle.MonitorConfig;

/**
 * The per-key monitor's settings (rolling error and drift detection), declared once beside {@link ModelSettings}:
 * the command line ({@code --drift-threshold}), the Flink configuration ({@code rtrl.monitor.drift-threshold}) and
 * {@code --help} are generated from {@link #ALL}. They are no model settings: they do not enter {@link ModelConfig}
 * or the learner state, so changing one on a restore keeps every key's model.
 */
public final class MonitorSettings {
    private MonitorSettings() {}

    private static final List<ModelSetting<?>> LIST = new ArrayList<>();

    public static final ModelSetting<Integer> ERROR_WINDOW = add("errorWindow", 100, "events",
        v -> v >= 1, "must be >= 1", "horizon of each key's rolling error in the outputs and metrics");
    public static final ModelSetting<Boolean> DRIFT = add("drift", true, "bool",
        v -> true, "", "test each key's error stream for drift (Page-Hinkley) and mark detections");
    // delta 0.5, threshold 25: 1 false alarm in 10^6 stationary chi-square(1) errors, a tenfold rise flagged after a
    // median 15 events, a threefold rise after 39 (PageHinkleyTest); threshold 50 doubles the delays
    public static final ModelSetting<Double> DRIFT_DELTA = add("driftDelta", 0.5, "delta",
        v -> v > 0 && Double.isFinite(v), "must be finite and > 0", "drift test's tolerated rise per event, in mean errors");
    public static final ModelSetting<Double> DRIFT_THRESHOLD = add("driftThreshold", 25.0, "lambda",
        v -> v > 0 && Double.isFinite(v), "must be finite and > 0", "drift test's alarm level, in mean errors");
    public static final ModelSetting<Integer> DRIFT_WINDOW = add("driftWindow", 1000, "events",
        v -> v >= 1, "must be >= 1", "horizon of the drift test's reference mean error");
    public static final ModelSetting<Integer> DRIFT_WARM_UP = add("driftWarmUp", 100, "events",
        v -> v >= 1, "must be >= 1", "errors learned as reference before the drift test runs (again after a drift)");
    public static final ModelSetting<DriftReaction> DRIFT_REACTION = add("driftReaction", DriftReaction.NONE, null,
        v -> true, "", "what a drift does to the key's model: none (mark only), boost (learning rate), reset");
    public static final ModelSetting<Double> DRIFT_BOOST = add("driftBoost", 3.0, "factor",
        v -> v > 0 && Double.isFinite(v), "must be finite and > 0", "learning-rate factor of the boost reaction");
    public static final ModelSetting<Integer> DRIFT_BOOST_EVENTS = add("driftBoostEvents", 200, "events",
        v -> v >= 0, "must be >= 0", "events the boost reaction lasts");

    /** Every monitor setting, in {@link MonitorConfig} component order. */
    public static final List<ModelSetting<?>> ALL = List.copyOf(LIST);

    /** The defaults. */
    public static final MonitorConfig DEFAULTS = build(Map.of());

    private static <T> ModelSetting<T> add(String name, T dflt, String label, Predicate<T> valid, String rule,
                                           String description) {
        ModelSetting<T> s = new ModelSetting<>(LIST.size(), name, null, label, dflt, valid, rule, description, false);
        LIST.add(s);
        return s;
    }

    /**
     * The settings from {@code values} (a setting absent from the map takes its default).
     *
     * @throws IllegalArgumentException {@code "<key> <rule>, got <value>"} for the first invalid value
     */
    public static MonitorConfig build(Map<ModelSetting<?>, Object> values) {
        return new MonitorConfig(get(values, ERROR_WINDOW), get(values, DRIFT), get(values, DRIFT_DELTA),
            get(values, DRIFT_THRESHOLD), get(values, DRIFT_WINDOW), get(values, DRIFT_WARM_UP),
            get(values, DRIFT_REACTION), get(values, DRIFT_BOOST), get(values, DRIFT_BOOST_EVENTS));
    }

    private static <T> T get(Map<ModelSetting<?>, Object> values, ModelSetting<T> s) {
        Object v = values.get(s);
        return s.check(v == null ? s.defaultValue() : s.type().cast(v));
    }
}
