package org.flinkrtrl.flink;

import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.Inputs;
import org.flinkrtrl.core.learner.InvalidInputException;

/**
 * Checks an event before it reaches any model state, with the same rules as {@link ForecastingLearner#observe}
 * (key present, values present, of the model's dimension, finite, |x| &lt;= {@link ForecastingLearner#MAX_ABS});
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
            Inputs.checkVector("values", e.values, inputs);
        } catch (InvalidInputException ex) {
            return ex.getMessage();
        }
        for (int i = 0; i < e.values.length; i++) {
            if (Math.abs(e.values[i]) > ForecastingLearner.MAX_ABS) {
                // the forecaster's own bound (same wording), checked here so the key's model is never touched
                return "values[" + i + "] = " + e.values[i] + " exceeds the accepted magnitude " + ForecastingLearner.MAX_ABS;
            }
        }
        return null;
    }
}
