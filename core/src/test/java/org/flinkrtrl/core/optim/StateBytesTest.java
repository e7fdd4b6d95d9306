package org.flinkrtrl.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link StateBytesOut} / {@link StateBytesIn} write and read exactly what DataOutputStream / DataInputStream do. */
class StateBytesTest {

    /** Doubles that distinguish raw from canonical bits: NaNs with payloads, signed zeros, infinities, subnormals. */
    private static double[] awkwardDoubles(Random rnd, int len) {
        double[] a = new double[len];
        double[] special = {Double.NaN, Double.longBitsToDouble(0x7ff0000000000001L),
            Double.longBitsToDouble(0xfff8000000000abcL), Double.longBitsToDouble(0x7ff4000000000000L), -0.0, 0.0,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < len; i++) {
            a[i] = i % 5 == 0 ? special[rnd.nextInt(special.length)] : rnd.nextGaussian() * Math.exp(rnd.nextInt(40) - 20);
        }
        return a;
    }

    /** A mixed sequence of every write, through the bulk helpers of StateArrays. */
    private static void writeAll(DataOutput o, double[] a, double[] m, int rows, int cols) throws IOException {
        o.writeInt(0x52544C52);
        o.writeShort(-2);
        o.writeByte(200);
        o.writeBoolean(true);
        o.writeBoolean(false);
        o.writeLong(Long.MIN_VALUE + 12345);
        o.writeDouble(Double.longBitsToDouble(0x7ff8000000001234L));
        o.writeFloat(Float.intBitsToFloat(0x7fc01234));
        o.writeChar('\u20ac');
        o.writeUTF("h\u00e9llo \u20ac");
        o.write(new byte[] {1, 2, 3, 4, 5}, 1, 3);
        o.write(-1);
        StateArrays.write(o, a);
        StateArrays.writeDoubles(o, a, a.length / 2);
        StateArrays.writeTransposed(o, m, rows, cols);
        o.writeBytes("ab");
        o.writeChars("cd");
    }

    @Test
    void writesTheSameBytesAsDataOutputStream() throws IOException {
        Random rnd = new Random(42);
        StateBytesOut fast = new StateBytesOut(16); // forces several growths
        for (int round = 0; round < 20; round++) {
            double[] a = awkwardDoubles(rnd, rnd.nextInt(300));
            int rows = 1 + rnd.nextInt(5);
            int cols = 1 + rnd.nextInt(40);
            double[] m = awkwardDoubles(rnd, rows * cols);
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream ref = new DataOutputStream(bos);
            writeAll(ref, a, m, rows, cols);
            ref.flush();
            fast.reset();
            writeAll(fast, a, m, rows, cols);
            assertArrayEquals(bos.toByteArray(), fast.toByteArray(), "round " + round);
        }
    }

    @Test
    void readsWhatDataInputStreamReads() throws IOException {
        Random rnd = new Random(7);
        double[] a = awkwardDoubles(rnd, 123);
        double[] m = awkwardDoubles(rnd, 3 * 17);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        writeAll(new DataOutputStream(bos), a, m, 3, 17);
        byte[] bytes = bos.toByteArray();
        byte[] padded = new byte[bytes.length + 9];
        System.arraycopy(bytes, 0, padded, 5, bytes.length);
        assertSameReads(new DataInputStream(new ByteArrayInputStream(bytes)), new StateBytesIn(padded, 5, bytes.length),
            a, m);
    }

    private static void assertSameReads(DataInput ref, StateBytesIn fast, double[] a, double[] m) throws IOException {
        assertEquals(ref.readInt(), fast.readInt());
        assertEquals(ref.readShort(), fast.readShort());
        assertEquals(ref.readUnsignedByte(), fast.readUnsignedByte());
        assertEquals(ref.readBoolean(), fast.readBoolean());
        assertEquals(ref.readBoolean(), fast.readBoolean());
        assertEquals(ref.readLong(), fast.readLong());
        assertEquals(Double.doubleToRawLongBits(ref.readDouble()), Double.doubleToRawLongBits(fast.readDouble()));
        assertEquals(Float.floatToRawIntBits(ref.readFloat()), Float.floatToRawIntBits(fast.readFloat()));
        assertEquals(ref.readChar(), fast.readChar());
        assertEquals(ref.readUTF(), fast.readUTF());
        byte[] x = new byte[3];
        byte[] y = new byte[3];
        ref.readFully(x);
        fast.readFully(y);
        assertArrayEquals(x, y);
        assertEquals(ref.readByte(), fast.readByte());
        double[] ra = new double[a.length];
        double[] fa = new double[a.length];
        StateArrays.read(ref, ra);
        StateArrays.read(fast, fa);
        assertBits(ra, fa);
        ra = new double[a.length / 2];
        fa = new double[a.length / 2];
        StateArrays.readDoubles(ref, ra, ra.length);
        StateArrays.readDoubles(fast, fa, fa.length);
        assertBits(ra, fa);
        double[] rm = new double[m.length];
        double[] fm = new double[m.length];
        StateArrays.readTransposed(ref, rm, 3, 17);
        StateArrays.readTransposed(fast, fm, 3, 17);
        assertBits(rm, fm);
        assertEquals(ref.readUnsignedShort(), fast.readUnsignedShort());
        assertEquals(ref.readChar(), fast.readChar());
        assertEquals(ref.readChar(), fast.readChar());
        assertEquals(0, fast.remaining());
        assertThrows(EOFException.class, ref::readByte);
        assertThrows(EOFException.class, fast::readByte);
    }

    private static void assertBits(double[] x, double[] y) {
        assertEquals(x.length, y.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(y[i]), "index " + i);
        }
    }

    @Test
    void truncatedInputFailsWithEofLikeTheStreams() {
        byte[] bytes = new byte[8 * 10 - 1];
        StateBytesIn in = new StateBytesIn(bytes);
        assertThrows(EOFException.class, () -> in.readDoubles(new double[10], 0, 10));
        assertThrows(EOFException.class, () -> new StateBytesIn(new byte[3]).readInt());
        assertThrows(EOFException.class, () -> new StateBytesIn(new byte[7]).readLong());
        assertThrows(EOFException.class, () -> new StateBytesIn(new byte[15]).readDoublesTransposed(new double[2], 1, 2));
    }
}
