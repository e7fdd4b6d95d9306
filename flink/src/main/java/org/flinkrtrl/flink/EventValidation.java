package org.flinkrtrl.flink;

import org.flinkrtrl.record.DeadLetter;

import org.flinkrtrl.record.Event;

import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.InvalidInputException;

/**
 * Checks an event before it reaches any model state: key present and not blank, then the forecaster's own value
 * rules ({@link ForecastingLearner#checkValues});
 * the reason texts end up in {@link DeadLetter#reason}.
 */
public final class EventValidation {
    private EventValidation() {}

    /** @return null when the event is usable, else why not */
    public static String reason(Event e, int inputs) {
        if (e == null) {
            return "event is null";
        }
        if (e.key == null) {
            return "key is missing";
        }
        if (e.key.isBlank()) {
            return "key is empty";
        }
        try {
            ForecastingLearner.checkValues(e.values, inputs);
        } catch (InvalidInputException ex) {
            return ex.getMessage();
        }
        return null;
    }
}
