package org.flinkrtrl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.flinkrtrl.core.grad.Method;
import org.junit.jupiter.api.Test;

/** The method tokens of the research runners, in particular the online LRU's readout. */
class MethodSpecTest {

    @Test
    void lruTakesTheDefaultLinearReadoutOrAnMlpOfTheGivenWidth() {
        MethodSpec lru = MethodSpec.parse("lru", 16);
        assertEquals(Method.LRU, lru.method);
        assertEquals(0, lru.lruReadoutWidth);
        assertEquals("lru", lru.key());
        MethodSpec mlp = MethodSpec.parse("lrumlp8", 16);
        assertEquals(Method.LRU, mlp.method);
        assertEquals(8, mlp.lruReadoutWidth);
        assertEquals("lrumlp8", mlp.key());
        assertEquals(12, MethodSpec.parse("LRU-MLP:12", 16).lruReadoutWidth);
        assertEquals(0, MethodSpec.parse("ok4", 16).lruReadoutWidth);
        assertThrows(NumberFormatException.class, () -> MethodSpec.parse("lrumlp", 16));
    }
}
