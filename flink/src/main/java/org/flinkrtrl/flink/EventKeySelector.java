package org.flinkrtrl.flink;

import org.flinkrtrl.record.Event;

import org.apache.flink.api.java.functions.KeySelector;

/**
 * Keys events by {@link Event#key}. A named class (not a lambda) so the key type is explicit. A missing key maps
 * to the empty string, so the record still reaches the operator, which sends it to the dead letters instead of
 * failing the job on a null key.
 */
public final class EventKeySelector implements KeySelector<Event, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(Event event) {
        return event.key == null ? "" : event.key;
    }
}
