package org.flinkrtrl.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.junit.jupiter.api.Test;

class ConfigMatchTest {

    @Test
    void comparesEveryFieldOfModelConfig() {
        Set<String> fields = new TreeSet<>();
        for (Field f : ModelConfig.class.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers()) && !Modifier.isStatic(f.getModifiers())) {
                fields.add(f.getName());
            }
        }
        assertEquals(fields, new TreeSet<>(Arrays.asList(ConfigMatch.FIELDS)),
            "ModelConfig's fields changed: update ConfigMatch.sameModel and FIELDS");
    }

    @Test
    void agreesWithModelConfigEquals() {
        ModelConfig base = ModelConfig.builder().inputs(2).outputs(2).build();
        assertTrue(ConfigMatch.sameModel(base, base.toBuilder().build()));
        List<UnaryOperator<ModelConfig.Builder>> changes = List.of(
            b -> b.cell(ModelConfig.CellType.GATED), b -> b.hidden(17), b -> b.inputs(3), b -> b.outputs(3),
            b -> b.huberDelta(1), b -> b.method(Method.KF), b -> b.rank(5), b -> b.truncation(3),
            b -> b.optimizer(ModelConfig.OptimizerType.SGD), b -> b.learningRate(0.1), b -> b.beta1(0.5),
            b -> b.beta2(0.5), b -> b.epsilon(1e-3), b -> b.clipNorm(3), b -> b.readoutClipNorm(3),
            b -> b.resetPeriod(9), b -> b.seed(1), b -> b.initGain(0.5), b -> b.readoutInitStd(0.5),
            b -> b.anomalyAlpha(0.5), b -> b.divergenceLoss(5));
        for (UnaryOperator<ModelConfig.Builder> change : changes) {
            ModelConfig other = change.apply(base.toBuilder()).build();
            assertFalse(ConfigMatch.sameModel(base, other), other.toString());
            assertFalse(base.equals(other));
        }
    }
}
