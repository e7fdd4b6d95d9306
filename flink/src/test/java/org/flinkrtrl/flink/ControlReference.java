package org.flinkrtrl.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flinkrtrl.core.anomaly.AnomalySettings;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.flinkrtrl.core.lifecycle.MonitorConfig;
import org.flinkrtrl.record.ControlCommand;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;

/**
 * The control semantics written sequentially, one key after the other: before a key's event at time t, every
 * command with time &lt;= t that the key has not applied yet applies, in (time, id) order. What the operator must
 * emit on any parallelism and in any interleaving of commands and events.
 */
final class ControlReference {
    /** The applied commands: (id, key, event time at which it applied). */
    final List<String> applied = new ArrayList<>();
    final List<Prediction> predictions = new ArrayList<>();

    ControlReference(List<Event> events, List<ControlCommand> commands, ModelConfig cfg, double threshold,
                     MonitorConfig monitor) {
        List<ControlCommand> sorted = new ArrayList<>(commands);
        sorted.sort(Comparator.<ControlCommand>comparingLong(c -> c.time).thenComparing(c -> c.id));
        Map<String, ForecastingLearner> learners = new HashMap<>();
        Map<String, KeyLifecycle> lifecycles = new HashMap<>();
        Map<String, Integer> next = new HashMap<>();
        for (Event e : events) {
            KeyLifecycle life = lifecycles.computeIfAbsent(e.key, k -> new KeyLifecycle());
            int i = next.getOrDefault(e.key, 0);
            for (; i < sorted.size() && sorted.get(i).time <= e.timestamp; i++) {
                ControlCommand c = sorted.get(i);
                if (!c.appliesTo(e.key)) {
                    continue;
                }
                applied.add(c.id + "|" + e.key + "|" + e.timestamp);
                switch (c.op) {
                    case LEARNING_RATE -> life.setLearningRate(c.value);
                    case ANOMALY_THRESHOLD -> life.setAnomalyThreshold(c.value);
                    case WARM_UP -> life.setWarmUp(Double.isNaN(c.value) ? AnomalySettings.DEFAULTS.warmUp() : (int) c.value);
                    case FREEZE -> life.setFrozen(true);
                    case UNFREEZE -> life.setFrozen(false);
                    case CLEAR -> life.clearOverrides();
                    case RESET -> {
                        learners.remove(e.key);
                        life.modelReplaced();
                    }
                    case REPLACE -> {
                        try {
                            learners.put(e.key, LearnerCodec.forecastingFromBytes(c.state));
                        } catch (IOException ex) {
                            throw new UncheckedIOException(ex);
                        }
                        life.modelReplaced();
                    }
                    default -> throw new IllegalStateException();
                }
            }
            next.put(e.key, i);
            ForecastingLearner l = learners.computeIfAbsent(e.key,
                k -> new ForecastingLearner(cfg, KeySeeds.seedFor(cfg.seed(), k)));
            life.prepare(l, monitor);
            ForecastingLearner.Result r = l.observe(e.timestamp, e.values);
            life.observe(r.error, monitor);
            Prediction p = ForecastFunction.toPrediction(e, r);
            p.rollingError = life.rollingError();
            p.drift = life.drift();
            p.anomalous = r.scored && r.anomalyScore > life.thresholdOr(threshold);
            predictions.add(p);
        }
    }
}
