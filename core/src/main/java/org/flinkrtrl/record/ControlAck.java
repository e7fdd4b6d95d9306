package org.flinkrtrl.record;

import java.util.Objects;

/**
 * The acknowledgement of a control command: once when the operator accepted it ({@link #key} null, {@link #status}
 * "accepted"), then once per key it was applied to ({@link #status} "applied") with the effect. A Flink POJO.
 */
public class ControlAck {
    public static final String ACCEPTED = "accepted";
    public static final String APPLIED = "applied";

    public String id;
    public String op;
    /** The command's event time. */
    public long time;
    public String status;
    /** The key it was applied to (null for "accepted"). */
    public String key;
    /** Event time of the key's event at which it was applied (Long.MIN_VALUE for "accepted"). */
    public long appliedAt = Long.MIN_VALUE;
    /** Events the key's model had seen before the command applied (-1 for "accepted"). */
    public long steps = -1;
    /** What changed, e.g. "learning rate 0.001 -> 0.003". */
    public String effect;

    public ControlAck() {}

    public ControlAck(String id, String op, long time, String status, String key, long appliedAt, long steps,
                      String effect) {
        this.id = id;
        this.op = op;
        this.time = time;
        this.status = status;
        this.key = key;
        this.appliedAt = appliedAt;
        this.steps = steps;
        this.effect = effect;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ControlAck a)) {
            return false;
        }
        return time == a.time && appliedAt == a.appliedAt && steps == a.steps && Objects.equals(id, a.id)
            && Objects.equals(op, a.op) && Objects.equals(status, a.status) && Objects.equals(key, a.key)
            && Objects.equals(effect, a.effect);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, key, status);
    }

    @Override
    public String toString() {
        return "ControlAck{" + id + " " + op + " @" + time + " " + status + (key == null ? "" : " key=" + key + " at "
            + appliedAt + " after " + steps + " events") + (effect == null ? "" : ": " + effect) + "}";
    }
}
