package org.flinkrtrl.core.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Decoding a config the codec has just decoded returns that config again; anything else is validated and built. */
class ModelConfigDecodeTest {
    private static final ModelConfig A = ModelConfig.builder().set(ModelSettings.HIDDEN, 8).build();
    private static final ModelConfig B = ModelConfig.builder().set(ModelSettings.HIDDEN, 8)
        .set(ModelSettings.HUBER_DELTA, -0.0).build();

    private static byte[] bytes(ModelConfig c) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        c.writeTo(new DataOutputStream(bos));
        return bos.toByteArray();
    }

    private static ModelConfig read(byte[] b) throws IOException {
        return ModelConfig.readFrom(new DataInputStream(new ByteArrayInputStream(b)));
    }

    @Test
    void equalValuesGiveTheSameConfigOtherValuesTheirOwn() throws IOException {
        byte[] a = bytes(A);
        byte[] b = bytes(B);
        ModelConfig first = read(a);
        assertEquals(A, first);
        assertSame(first, read(a), "the second decode of equal values returns the config built by the first");
        ModelConfig other = read(b); // differs from A only in the sign of a zero: compared by bits, not numerically
        assertEquals(B, other);
        assertNotEquals(A, other);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(other.huberDelta()));
        assertEquals(A, read(a));
    }

    @Test
    void invalidValuesAreRejectedEvenRightAfterAValidDecode() throws IOException {
        byte[] a = bytes(A);
        read(a);
        byte[] bad = a.clone();
        bad[1] = 0; // hidden, the int after the cell byte: 8 -> 0
        bad[4] = 0;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(bad));
        assertTrue(e.getMessage().startsWith("hidden"), e.getMessage());
        assertEquals(A, read(a));
    }
}
