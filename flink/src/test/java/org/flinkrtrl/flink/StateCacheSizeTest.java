package org.flinkrtrl.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StateCacheSizeTest {
    private static final long GB = 1L << 30;

    @Test
    void theDefaultIsAQuarterOfTheHeapPerSlot() {
        assertEquals(StateCacheSize.DEFAULT, ModelOptions.stateCache(ModelOptions.fromMap(Map.of())));
        assertTrue(StateCacheSize.DEFAULT.followsHeap());
        assertEquals(GB, StateCacheSize.DEFAULT.resolve(4 * GB, 1));
        assertEquals(GB / 4, StateCacheSize.DEFAULT.resolve(4 * GB, 4));
        assertEquals(1_000, StateCacheSize.DEFAULT.resolve(12_000, 3));
        assertEquals(Runtime.getRuntime().maxMemory() / 8, StateCacheSize.DEFAULT.resolveHere(2));
    }

    @Test
    void aFixedSizeIgnoresTheHeap() {
        StateCacheSize s = StateCacheSize.parse("512mb");
        assertFalse(s.followsHeap());
        assertEquals(512L << 20, s.resolve(4 * GB, 1));
        assertEquals(512L << 20, s.resolve(64L << 20, 16));
        assertEquals(0, StateCacheSize.parse("0").resolve(4 * GB, 1));
        assertEquals(StateCacheSize.NONE, StateCacheSize.parse("0"));
    }

    @Test
    void theFormsParseAndWriteBack() {
        assertEquals(StateCacheSize.DEFAULT, StateCacheSize.parse(" AUTO "));
        assertEquals(StateCacheSize.heapShare(0.4), StateCacheSize.parse("0.4heap"));
        assertEquals(StateCacheSize.heapShare(0.4), StateCacheSize.parse("0.4 heap"));
        assertEquals(StateCacheSize.bytes(1L << 30), StateCacheSize.parse("1gb"));
        assertEquals(StateCacheSize.bytes(12345), StateCacheSize.parse("12345"));
        for (StateCacheSize s : new StateCacheSize[] {StateCacheSize.DEFAULT, StateCacheSize.NONE,
            StateCacheSize.heapShare(0.4), StateCacheSize.bytes(64L << 20), StateCacheSize.bytes(12345)}) {
            assertEquals(s, StateCacheSize.parse(s.toConfigValue()), s.toString());
            assertEquals(s, ModelOptions.stateCache(ModelOptions.fromMap(Map.of("rtrl.state.cache", s.toConfigValue()))));
        }
        assertEquals(StateCacheSize.bytes(64L << 20), ModelOptions.stateCache(ModelOptions.fromMap(
            Map.of("rtrl.state.cache", "64 mb"))), "the old size form still reads");
    }

    @Test
    void badValuesAreRefusedWithTheForms() {
        for (String bad : new String[] {"lots", "1heap", "-0.1heap", "xheap", "-5mb", "NaNheap"}) {
            var e = assertThrows(IllegalArgumentException.class,
                () -> ModelOptions.stateCache(ModelOptions.fromMap(Map.of("rtrl.state.cache", bad))), bad);
            assertTrue(e.getMessage().startsWith("option 'rtrl.state.cache' = '" + bad + "': expected auto, a share"),
                e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new StateCacheSize(1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> StateCacheSize.bytes(-1));
        assertThrows(IllegalArgumentException.class, () -> StateCacheSize.DEFAULT.resolve(0, 1));
        assertThrows(IllegalArgumentException.class, () -> StateCacheSize.DEFAULT.resolve(GB, 0));
    }
}
