package org.flinkrtrl.record;

import java.util.Objects;

/**
 * A record that could not be used, with the reason: unparseable bytes from a connector, or an event the model
 * refused (wrong dimension, NaN, missing key). Nothing is dropped silently. A Flink POJO.
 */
public class DeadLetter {
    /** Where it was rejected: "parse" (connector) or "validate" (operator). */
    public String stage;
    /** Human-readable reason, e.g. "values has dimension 3, expected 2". */
    public String reason;
    /** The original record as text (UTF-8 decoded bytes, or the event's toString). */
    public String payload;
    /** The key when known, else null. */
    public String key;
    /** Event time when known, else Long.MIN_VALUE. */
    public long timestamp = Long.MIN_VALUE;

    public DeadLetter() {}

    public DeadLetter(String stage, String reason, String payload, String key, long timestamp) {
        this.stage = stage;
        this.reason = reason;
        this.payload = payload;
        this.key = key;
        this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeadLetter)) {
            return false;
        }
        DeadLetter d = (DeadLetter) o;
        return timestamp == d.timestamp && Objects.equals(stage, d.stage) && Objects.equals(reason, d.reason)
            && Objects.equals(payload, d.payload) && Objects.equals(key, d.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stage, reason, payload, key, timestamp);
    }

    @Override
    public String toString() {
        return "DeadLetter{stage=" + stage + ", reason=" + reason + ", key=" + key + ", payload=" + payload + "}";
    }
}
