package org.flinkrtrl.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.learner.ModelSettings;
import org.flinkrtrl.core.learner.WarmStartTemplate;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;

/** With a template, the operator starts every new key from it: the outputs of the core's warm-started learner. */
class WarmStartOperatorTest {

    @Test
    void newKeysStartFromTheTemplateWithTheirOwnSeeds() throws Exception {
        ModelConfig cfg = TestEvents.config(2);
        ForecastingLearner trainedA = new ForecastingLearner(cfg, 5);
        for (int t = 0; t < 300; t++) {
            trainedA.observe(5000L * t, new double[] {20 + Math.sin(t / 4.0), 5 + Math.cos(t / 6.0)});
        }
        WarmStartTemplate template = WarmStartTemplate.of(trainedA, true);
        ForecastFunction f = new ForecastFunction(cfg, Duration.ZERO, 0.5, template);
        try (KeyedOneInputStreamOperatorTestHarness<String, Event, Prediction> h = new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(f), new EventKeySelector(), Types.STRING, 128, 1, 0)) {
            h.setup();
            h.open();
            List<Event> events = new ArrayList<>();
            for (int t = 0; t < 40; t++) {
                for (String k : new String[] {"x", "y"}) {
                    events.add(new Event(k, 5000L * t, new double[] {20 + Math.sin(t / 4.0 + k.length()), 5 + 0.1 * t},
                        null, null));
                }
            }
            List<Prediction> out = Harnesses.feed(h, events);
            assertEquals(80, out.size());
            // the reference: bare learners seeded as the operator seeds them, warm-started from the same template
            ForecastingLearner x = new ForecastingLearner(cfg, KeySeeds.seedFor(cfg.seed(), "x"));
            ForecastingLearner y = new ForecastingLearner(cfg, KeySeeds.seedFor(cfg.seed(), "y"));
            x.warmStart(template);
            y.warmStart(template);
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                ForecastingLearner l = "x".equals(e.key) ? x : y;
                Prediction expected = ForecastFunction.toPrediction(e, l.observe(e.timestamp, e.values));
                assertArrayEquals(expected.forecast, out.get(i).forecast, "event " + i);
                assertArrayEquals(expected.upper, out.get(i).upper, "event " + i);
                assertEquals(expected.anomalyScore, out.get(i).anomalyScore, 0.0);
            }
            assertArrayEquals(LearnerCodec.toBytes(x), LearnerCodec.toBytes(Harnesses.learner(h, "x")));
            assertEquals(2, f.metricsForTest().learnersWarmStarted.getCount());
            // and they differ from cold starts
            ForecastingLearner cold = new ForecastingLearner(cfg, KeySeeds.seedFor(cfg.seed(), "x"));
            Event first = events.get(2); // x's second event: the first forecast that was scored
            cold.observe(events.get(0).timestamp, events.get(0).values);
            double[] coldForecast = cold.observe(first.timestamp, first.values).forecast;
            assertTrue(coldForecast[0] != out.get(2).forecast[0] || coldForecast[1] != out.get(2).forecast[1]);
        }
    }

    @Test
    void aTemplateOfAnotherConfigurationIsRefusedAtConstruction() {
        ModelConfig cfg = TestEvents.config(2);
        WarmStartTemplate t = WarmStartTemplate.of(new ForecastingLearner(cfg.with(ModelSettings.HIDDEN, 4), 1), false);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ForecastFunction(cfg, Duration.ZERO, 0.5, t))
            .getMessage().startsWith("the warm-start models ran another configuration than the job's"));
    }
}
