package org.flinkrtrl.core.learner;

import static org.flinkrtrl.core.learner.ModelSettings.HIDDEN;
import static org.flinkrtrl.core.learner.ModelSettings.INPUTS;
import static org.flinkrtrl.core.learner.ModelSettings.LEARNING_RATE;
import static org.flinkrtrl.core.learner.ModelSettings.OUTPUTS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A warm-started learner takes exactly the template's parameters and nothing else of the trained models. */
class WarmStartTemplateTest {
    static final ModelConfig CFG = ModelConfig.builder().set(INPUTS, 2).set(OUTPUTS, 2).set(HIDDEN, 4).build();

    static ForecastingLearner trained(long seed, double phase) {
        ForecastingLearner l = new ForecastingLearner(CFG, seed);
        for (int t = 0; t < 400; t++) {
            l.observe(5000L * t, new double[] {10 + Math.sin(t / 5.0 + phase), 3 + Math.cos(t / 9.0)});
        }
        return l;
    }

    @Test
    void averageIsTheElementwiseMeanOfTheParameters() {
        ForecastingLearner a = trained(1, 0.0);
        ForecastingLearner b = trained(2, 1.0);
        WarmStartTemplate t = WarmStartTemplate.average(List.of(a, b), true);
        assertEquals(2, t.models());
        assertTrue(t.withCovariance());
        double[] wa = a.model().recurrentWeights();
        double[] wb = b.model().recurrentWeights();
        for (int i = 0; i < wa.length; i++) {
            assertEquals((wa[i] + wb[i]) / 2, t.recurrent()[i], 0.0);
        }
        for (int i = 0; i < t.readout().length; i++) {
            assertEquals((a.model().readoutWeights()[i] + b.model().readoutWeights()[i]) / 2, t.readout()[i], 0.0);
        }
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < t.linear(c).length; i++) {
                assertEquals((a.linearCoefficients(c)[i] + b.linearCoefficients(c)[i]) / 2, t.linear(c)[i], 0.0);
            }
            for (int i = 0; i < t.linearCovariance(c).length; i++) {
                assertEquals((a.linearCovariance(c)[i] + b.linearCovariance(c)[i]) / 2, t.linearCovariance(c)[i], 0.0);
            }
        }
        assertFalse(WarmStartTemplate.of(a, false).withCovariance());
    }

    @Test
    void warmStartCopiesParametersAndKeepsTheNewKeysOwnStateFresh() throws Exception {
        ForecastingLearner source = trained(1, 0.0);
        WarmStartTemplate t = WarmStartTemplate.of(source, false);
        ForecastingLearner cold = new ForecastingLearner(CFG, 99);
        ForecastingLearner warm = new ForecastingLearner(CFG, 99);
        warm.warmStart(t);
        assertArrayEquals(source.model().recurrentWeights(), warm.model().recurrentWeights());
        assertArrayEquals(source.model().readoutWeights(), warm.model().readoutWeights());
        for (int c = 0; c < 2; c++) {
            assertArrayEquals(source.linearCoefficients(c), warm.linearCoefficients(c));
            assertArrayEquals(cold.linearCovariance(c), warm.linearCovariance(c), "the prior's covariance");
        }
        // everything but the parameters is the fresh learner's: the bytes differ from the cold learner's exactly in
        // W, V and the linear coefficients
        assertEquals(0, warm.steps());
        assertEquals(0, warm.detector().count());
        assertEquals(cold.model().rng().state(), warm.model().rng().state(), "its own generator");
        assertArrayEquals(new double[warm.model().hidden().length], warm.model().hidden());
        ForecastingLearner manual = new ForecastingLearner(CFG, 99);
        System.arraycopy(source.model().recurrentWeights(), 0, manual.model().recurrentWeights(), 0,
            source.model().recurrentWeights().length);
        System.arraycopy(source.model().readoutWeights(), 0, manual.model().readoutWeights(), 0,
            source.model().readoutWeights().length);
        for (int c = 0; c < 2; c++) {
            System.arraycopy(source.linearCoefficients(c), 0, manual.linearCoefficients(c), 0,
                source.linearCoefficients(c).length);
        }
        assertArrayEquals(LearnerCodec.toBytes(manual), LearnerCodec.toBytes(warm));
        assertFalse(Arrays.equals(LearnerCodec.toBytes(cold), LearnerCodec.toBytes(warm)));

        ForecastingLearner withCov = new ForecastingLearner(CFG, 99);
        withCov.warmStart(WarmStartTemplate.of(source, true));
        assertArrayEquals(source.linearCovariance(1), withCov.linearCovariance(1));
    }

    @Test
    void refusesAUsedLearnerAndAnotherConfiguration() {
        WarmStartTemplate t = WarmStartTemplate.of(trained(1, 0.0), false);
        ForecastingLearner used = trained(3, 0.0);
        assertEquals("warm start applies to a new learner, this one has seen 400 events",
            assertThrows(IllegalStateException.class, () -> used.warmStart(t)).getMessage());
        ForecastingLearner other = new ForecastingLearner(CFG.with(LEARNING_RATE, 0.01), 5);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> other.warmStart(t)).getMessage()
            .startsWith("the warm-start template was built for another model configuration"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> WarmStartTemplate.average(List.of(trained(1, 0), other), false)).getMessage()
            .startsWith("models of a warm-start template must share one configuration"));
        assertThrows(IllegalArgumentException.class, () -> WarmStartTemplate.average(List.of(), false));
    }
}
