package org.flinkrtrl.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * A live change to the per-key models, applied from its event time on: to one key ({@link #key}) or to every key
 * ({@link #key} null). Commands apply in the order of (time, id); a key applies each command once, at its first event
 * whose time is at or after the command's. A Flink POJO.
 */
public class ControlCommand {
    /** What a command does. */
    public enum Op {
        /** Sets the network's learning rate ({@link #value} > 0), or back to the job's (NaN). */
        LEARNING_RATE,
        /** Sets the anomaly threshold ({@link #value}), or back to the job's (NaN). */
        ANOMALY_THRESHOLD,
        /** Sets the anomaly warm-up in events ({@link #value}, an integer >= 0), or back to the default (NaN). */
        WARM_UP,
        /** Stops learning: weights and linear path stay, scoring and forecasting go on. */
        FREEZE,
        /** Resumes learning. */
        UNFREEZE,
        /** Replaces the model by a fresh one (the key's first-event model). */
        RESET,
        /** Replaces the model by the one in {@link #state} (learner codec bytes). */
        REPLACE,
        /** Drops every override (learning rate, threshold, warm-up, frozen) of the key. */
        CLEAR
    }

    /** Unique id; with {@link #time} it orders the commands. */
    public String id;
    /** Event time (epoch ms) from which the command applies. */
    public long time;
    /** The key it applies to; null for every key. */
    public String key;
    public Op op;
    /** The new value (NaN for none, or back to the job's). */
    public double value = Double.NaN;
    /** REPLACE: the model, as learner codec bytes; else null. */
    public byte[] state;

    public ControlCommand() {}

    public ControlCommand(String id, long time, String key, Op op, double value, byte[] state) {
        this.id = id;
        this.time = time;
        this.key = key;
        this.op = op;
        this.value = value;
        this.state = state;
    }

    /** Why the command's value does not fit its op, or null when it does. */
    public String invalid() {
        if (op == null) {
            return "op is missing";
        }
        switch (op) {
            case LEARNING_RATE:
                return Double.isNaN(value) || (value > 0 && Double.isFinite(value)) ? null
                    : "learning-rate needs a finite value > 0 (or null for the job's), got " + value;
            case ANOMALY_THRESHOLD:
                return Double.isNaN(value) || Double.isFinite(value) ? null
                    : "anomaly-threshold needs a finite value (or null for the job's), got " + value;
            case WARM_UP:
                return Double.isNaN(value) || (value >= 0 && value <= Integer.MAX_VALUE && value == Math.rint(value))
                    ? null : "warm-up needs a whole number of events >= 0 (or null for the default), got " + value;
            case REPLACE:
                return state != null && state.length > 0 ? null : "replace needs the model's state";
            default:
                return null;
        }
    }

    /** True when the command applies to {@code k}. */
    public boolean appliesTo(String k) {
        return key == null || key.equals(k);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ControlCommand c)) {
            return false;
        }
        return time == c.time && Objects.equals(id, c.id) && Objects.equals(key, c.key) && op == c.op
            && Double.compare(value, c.value) == 0 && Arrays.equals(state, c.state);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, time, key, op);
    }

    @Override
    public String toString() {
        return "ControlCommand{id=" + id + ", time=" + time + ", key=" + (key == null ? "*" : key) + ", op=" + op
            + (Double.isNaN(value) ? "" : ", value=" + value) + (state == null ? "" : ", state=" + state.length + " B")
            + "}";
    }
}
