package org.flinkrtrl.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * One parsed input event of a keyed stream. A Flink POJO (public fields, no-arg constructor), so it is serialised
 * by Flink's PojoSerializer, never Kryo.
 */
public class Event {
    /** Stream key (sensor id, log source). */
    public String key;
    /** Event time, epoch milliseconds. */
    public long timestamp;
    /** Numeric channels to forecast, raw units. */
    public double[] values;
    /** Optional categorical value (log level, status code); null when absent. */
    public String category;
    /** Optional ground-truth label carried through to the outputs; null when absent. */
    public String label;

    public Event() {}

    public Event(String key, long timestamp, double[] values, String category, String label) {
        this.key = key;
        this.timestamp = timestamp;
        this.values = values;
        this.category = category;
        this.label = label;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Event)) {
            return false;
        }
        Event e = (Event) o;
        return timestamp == e.timestamp && Objects.equals(key, e.key) && Arrays.equals(values, e.values)
            && Objects.equals(category, e.category) && Objects.equals(label, e.label);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, timestamp, Arrays.hashCode(values), category, label);
    }

    @Override
    public String toString() {
        return "Event{key=" + key + ", ts=" + timestamp + ", values=" + Arrays.toString(values)
            + (category != null ? ", category=" + category : "") + (label != null ? ", label=" + label : "") + "}";
    }
}
