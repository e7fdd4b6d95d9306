package org.flinkrtrl.core.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.lang.reflect.RecordComponent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.flinkrtrl.core.grad.Method;
import org.junit.jupiter.api.Test;

/** The declaration list and the record agree, and equality, validation and parsing follow the declarations. */
class ModelSettingsTest {
    /** Outputs 2 so that every head (softmax needs >= 2 classes) is a valid change. */
    private static final ModelConfig BASE = ModelConfig.builder().set(ModelSettings.OUTPUTS, 2).build();

    @Test
    void oneSettingPerComponentInOrderWithUniqueKeys() {
        RecordComponent[] rc = ModelConfig.class.getRecordComponents();
        assertEquals(rc.length, ModelSettings.ALL.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < rc.length; i++) {
            ModelSetting<?> s = ModelSettings.ALL.get(i);
            assertEquals(rc[i].getName(), s.name());
            assertTrue(names.add(s.key()), "key twice: " + s.key());
            if (s.alias() != null) {
                assertTrue(names.add(s.alias()), "alias clashes: " + s.alias());
            }
            assertFalse(s.description().isBlank(), s.key());
        }
        assertEquals("learning-rate", ModelSettings.LEARNING_RATE.key());
        assertEquals("readout-clip-norm", ModelSettings.READOUT_CLIP_NORM.key());
        assertEquals(List.of("inputs", "outputs", "head"),
            ModelSettings.ALL.stream().filter(ModelSetting::fromData).map(ModelSetting::key).toList());
    }

    @Test
    void defaultsAreValidAndSurviveTheirTextForm() {
        ModelConfig d = ModelConfig.builder().build();
        for (ModelSetting<?> s : ModelSettings.ALL) {
            assertRoundTrip(s, d);
        }
        assertEquals(16, d.hidden());
        assertEquals(Method.OK, d.method());
        assertEquals(1e-3, d.learningRate());
        assertEquals(42L, d.seed());
        assertEquals(1e6, d.divergenceLoss());
    }

    private static <T> void assertRoundTrip(ModelSetting<T> s, ModelConfig d) {
        T v = s.get(d);
        assertEquals(s.defaultValue(), v, s.key());
        assertTrue(s.isValid(v), s.key());
        assertEquals(v, s.parse(s.format(v)), s.key());
    }

    @Test
    void equalityIsStructuralOverEverySetting() throws Exception {
        assertEquals(BASE, BASE.toBuilder().build());
        assertEquals(BASE.hashCode(), BASE.toBuilder().build().hashCode());
        for (ModelSetting<?> s : ModelSettings.ALL) {
            // the lru ring settings exist only for method lru (another method's config holds their defaults)
            ModelConfig base = s.key().startsWith("lru-") ? BASE.with(ModelSettings.METHOD, Method.LRU) : BASE;
            ModelConfig other = changed(s, base);
            assertNotEquals(base, other, s.key());
            for (ModelSetting<?> t : ModelSettings.ALL) {
                assertEquals(t == s, !t.get(base).equals(t.get(other)), s.key() + " changed " + t.key());
            }
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            other.writeTo(new DataOutputStream(bos));
            assertEquals(other, ModelConfig.readFrom(new DataInputStream(new ByteArrayInputStream(bos.toByteArray()))),
                "binary form keeps " + s.key());
        }
    }

    /** BASE with {@code s} set to a different valid value. */
    private static <T> ModelConfig changed(ModelSetting<T> s, ModelConfig base) {
        T v = s.get(base);
        Object next;
        if (v instanceof Integer i) {
            next = i + 1;
        } else if (v instanceof Long l) {
            next = l + 1;
        } else if (v instanceof Double x) {
            next = x == 0 ? 0.5 : x / 2;
        } else if (v instanceof Boolean b) {
            next = !b;
        } else if (v instanceof String) {
            next = "Europe/Paris";
        } else {
            Object[] all = s.type().getEnumConstants();
            next = all[(((Enum<?>) v).ordinal() + 1) % all.length];
        }
        return base.with(s, s.type().cast(next));
    }

    @Test
    void invalidValuesAreRefusedWithKeyRuleAndValue() {
        assertEquals("hidden must be >= 1 and <= 4096, got 4097",
            assertThrows(IllegalArgumentException.class, () -> BASE.with(ModelSettings.HIDDEN, 4097)).getMessage());
        assertEquals("anomaly-alpha must be in (0, 1], got 0.0",
            assertThrows(IllegalArgumentException.class, () -> BASE.with(ModelSettings.ANOMALY_ALPHA, 0.0)).getMessage());
        assertEquals("clip-norm must be >= 0, got NaN",
            assertThrows(IllegalArgumentException.class, () -> BASE.with(ModelSettings.CLIP_NORM, Double.NaN)).getMessage());
        assertEquals("beta2 must be in [0, 1), got 1.0",
            assertThrows(IllegalArgumentException.class, () -> BASE.with(ModelSettings.BETA2, 1.0)).getMessage());
    }

    @Test
    void textIsParsedByType() {
        assertEquals(ModelConfig.CellType.GATED, ModelSettings.CELL.parse(" Gated "));
        assertEquals(Method.TBPTT, ModelSettings.METHOD.parse("tbptt"));
        assertEquals(-9L, ModelSettings.SEED.parse("-9"));
        assertEquals(2.5e-4, ModelSettings.LEARNING_RATE.parse("2.5e-4"));
        assertEquals("expected one of tanh, gated",
            assertThrows(IllegalArgumentException.class, () -> ModelSettings.CELL.parse("lstm")).getMessage());
        assertEquals("expected an integer",
            assertThrows(IllegalArgumentException.class, () -> ModelSettings.HIDDEN.parse("1.5")).getMessage());
        assertEquals("expected a number",
            assertThrows(IllegalArgumentException.class, () -> ModelSettings.HUBER_DELTA.parse("big")).getMessage());
        assertEquals(Boolean.FALSE, ModelSettings.LINEAR_PATH.parse(" off "));
        assertEquals(Boolean.TRUE, ModelSettings.RECURRENT_PATH.parse("true"));
        assertEquals("expected true or false",
            assertThrows(IllegalArgumentException.class, () -> ModelSettings.SEASONAL_CONTEXT.parse("1")).getMessage());
        assertEquals("America/New_York", ModelSettings.TIME_ZONE.parse(" America/New_York "));
        assertEquals("time-zone must be a time-zone id such as UTC or Europe/Paris, got Mars/Base",
            assertThrows(IllegalArgumentException.class,
                () -> ModelConfig.builder().set(ModelSettings.TIME_ZONE, "Mars/Base").build()).getMessage());
        assertEquals("ok|kf|uoro|rtrl|tbptt|lru", ModelSettings.METHOD.label());
        assertEquals("rate", ModelSettings.LEARNING_RATE.label());
    }
}
