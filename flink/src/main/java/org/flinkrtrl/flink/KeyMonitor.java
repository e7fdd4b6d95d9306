package org.flinkrtrl.flink;

import java.io.IOException;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.core.lifecycle.MonitorConfig;

/**
 * The forecaster's per-key lifecycle state ({@link KeyLifecycle}: overrides, applied commands, rolling error, drift
 * test, and the key's last-event time and expiry timer for {@link IdleExpiry}) in its own keyed state
 * {@value #STATE_NAME}, and its metrics under {@code rtrl}:
 * <dl>
 *   <dt>rollingErrorMillionths (histogram)</dt><dd>the rolling error, in millionths (the histogram holds
 *       integers), of the key of each of the last {@value #WINDOW} scored events: its quantiles show how well the
 *       subtask's models do, weighted by traffic.</dd>
 *   <dt>worstKey (gauge, string), worstRollingError (gauge)</dt><dd>the key with the highest rolling error among the
 *       previous {@value #WINDOW} scored events, and that error: the key to look at first.</dd>
 *   <dt>drifts (counter)</dt><dd>drift detections.</dd>
 *   <dt>driftResets (counter)</dt><dd>models replaced by a fresh one because of the reset reaction.</dd>
 * </dl>
 */
final class KeyMonitor {
    /** State name; part of the savepoint layout, do not rename. */
    static final String STATE_NAME = "rtrl-lifecycle";
    /** The log models' monitor state; part of the savepoint layout, do not rename. */
    static final String LOG_STATE_NAME = "rtrl-log-lifecycle";
    static final int WINDOW = 1024;

    private final MonitorConfig config;
    private final ValueState<KeyLifecycle> state;
    final Counter drifts;
    final Counter driftResets;
    private final Histogram rolling;
    private int seen;
    private String windowKey;
    private double windowWorst = Double.NEGATIVE_INFINITY;
    private volatile String worstKey = "";
    private volatile double worstError = Double.NaN;

    KeyMonitor(RuntimeContext ctx, MonitorConfig config) {
        this(ctx, config, STATE_NAME, "rtrl");
    }

    /** With its own state name and metric group (the log models use {@value #LOG_STATE_NAME} and rtrl-log). */
    KeyMonitor(RuntimeContext ctx, MonitorConfig config, String stateName, String group) {
        this.config = config;
        this.state = ctx.getState(stateDescriptor(stateName));
        MetricGroup g = ctx.getMetricGroup().addGroup(group);
        drifts = g.counter("drifts");
        driftResets = g.counter("driftResets");
        rolling = g.histogram("rollingErrorMillionths", new DescriptiveStatisticsHistogram(WINDOW));
        g.gauge("worstKey", (Gauge<String>) () -> worstKey);
        g.gauge("worstRollingError", (Gauge<Double>) () -> worstError);
    }

    /**
     * The state descriptor: no Flink state TTL ({@link IdleExpiry} expires idle keys). State written with the TTL
     * descriptors of earlier builds restores into it (Flink 2.2 drops the TTL wrapper on restore).
     */
    static ValueStateDescriptor<KeyLifecycle> stateDescriptor(String name) {
        return new ValueStateDescriptor<>(name, KeyLifecycleSerializer.INSTANCE);
    }

    MonitorConfig config() {
        return config;
    }

    /** The current key's lifecycle (a fresh one for a key without). */
    KeyLifecycle load() throws IOException {
        KeyLifecycle k = state.value();
        return k != null ? k : new KeyLifecycle();
    }

    /** The current key's stored lifecycle, or null when it has none. */
    KeyLifecycle stored() throws IOException {
        return state.value();
    }

    /** Drops the current key's lifecycle. */
    void clear() {
        state.clear();
    }

    void store(KeyLifecycle k) throws IOException {
        state.update(k);
    }

    /** Counts a scored event's rolling error in the metrics. */
    void record(String key, KeyLifecycle k) {
        double e = k.rollingError();
        if (!Double.isNaN(e)) {
            // the histogram holds longs: the error in millionths
            rolling.update(Math.round(Math.min(e, 1e12) * 1e6));
            if (e > windowWorst) {
                windowWorst = e;
                windowKey = key;
            }
            if (++seen == WINDOW) {
                worstKey = windowKey;
                worstError = windowWorst;
                seen = 0;
                windowWorst = Double.NEGATIVE_INFINITY;
            }
        }
        if (k.drift()) {
            drifts.inc();
        }
    }
}
