package org.flinkrtrl.core.learner;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * The forecaster's settings of a {@link ModelConfig} in one value: seasonal and calendar context, the linear path,
 * the recurrent path, the interval level, the time zone of the calendar features, the lag bound and the linear
 * path's forgetting. Each is a declared setting of {@link ModelSettings} (seasonalContext ... linearForgetting)
 * and travels in the config; {@link #of} reads them, {@link #applyTo} sets them.
 *
 * @param context      seasonal lags (one day, two days, one week +- 1 event, in steps of the key's cadence) and
 *                     calendar features (hour of day, day of week as sin/cos) from event time
 * @param linear       the recursive-least-squares path; off = the linear part stays persistence
 * @param recurrent    the recurrent network on the linear path's residual; off = linear forecast only
 * @param intervalLevel probability of the central forecast interval, in (0, 1)
 * @param timeZone     zone id of the calendar features, e.g. "UTC", "America/New_York"
 * @param maxLagSteps  largest seasonal lag buffer in events; a period that needs more is not used
 * @param forgetting   the linear path's forgetting factor, in (0, 1]
 */
public record ForecasterOptions(boolean context, boolean linear, boolean recurrent, double intervalLevel,
                                String timeZone, int maxLagSteps, double forgetting) implements Serializable {

    /** Defaults: context, linear path and recurrent path on, 95 % intervals, UTC, 2,100-event lag buffer, 0.999. */
    public static final ForecasterOptions DEFAULTS = of(ModelConfig.builder().build());

    public ForecasterOptions {
        if (!(intervalLevel > 0 && intervalLevel < 1)) {
            throw new IllegalArgumentException("interval level must be in (0, 1), got " + intervalLevel);
        }
        try {
            ZoneId.of(timeZone);
        } catch (DateTimeException | NullPointerException e) {
            throw new IllegalArgumentException("unknown time zone '" + timeZone + "'");
        }
        if (maxLagSteps < 0 || maxLagSteps > 1_000_000) {
            throw new IllegalArgumentException("max lag steps must be in [0, 1000000], got " + maxLagSteps);
        }
        if (!(forgetting > 0 && forgetting <= 1)) {
            throw new IllegalArgumentException("forgetting factor must be in (0, 1], got " + forgetting);
        }
    }

    public ForecasterOptions withContext(boolean v) {
        return new ForecasterOptions(v, linear, recurrent, intervalLevel, timeZone, maxLagSteps, forgetting);
    }

    public ForecasterOptions withLinear(boolean v) {
        return new ForecasterOptions(context, v, recurrent, intervalLevel, timeZone, maxLagSteps, forgetting);
    }

    public ForecasterOptions withRecurrent(boolean v) {
        return new ForecasterOptions(context, linear, v, intervalLevel, timeZone, maxLagSteps, forgetting);
    }

    public ForecasterOptions withIntervalLevel(double v) {
        return new ForecasterOptions(context, linear, recurrent, v, timeZone, maxLagSteps, forgetting);
    }

    public ForecasterOptions withTimeZone(String v) {
        return new ForecasterOptions(context, linear, recurrent, intervalLevel, v, maxLagSteps, forgetting);
    }

    public ForecasterOptions withMaxLagSteps(int v) {
        return new ForecasterOptions(context, linear, recurrent, intervalLevel, timeZone, v, forgetting);
    }

    public ForecasterOptions withForgetting(double v) {
        return new ForecasterOptions(context, linear, recurrent, intervalLevel, timeZone, maxLagSteps, v);
    }

    /** The forecaster settings of {@code config}. */
    public static ForecasterOptions of(ModelConfig config) {
        return new ForecasterOptions(config.seasonalContext(), config.linearPath(), config.recurrentPath(),
            config.intervalLevel(), config.timeZone(), config.maxLagSteps(), config.linearForgetting());
    }

    /** {@code config} with these forecaster settings. */
    public ModelConfig applyTo(ModelConfig config) {
        return config.toBuilder().set(ModelSettings.SEASONAL_CONTEXT, context).set(ModelSettings.LINEAR_PATH, linear)
            .set(ModelSettings.RECURRENT_PATH, recurrent).set(ModelSettings.INTERVAL_LEVEL, intervalLevel)
            .set(ModelSettings.TIME_ZONE, timeZone).set(ModelSettings.MAX_LAG_STEPS, maxLagSteps)
            .set(ModelSettings.LINEAR_FORGETTING, forgetting).build();
    }
}
