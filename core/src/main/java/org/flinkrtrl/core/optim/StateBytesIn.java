package org.flinkrtrl.core.optim;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * An unsynchronised {@link DataInput} over a region of a {@code byte[]}, reading exactly what
 * {@link DataInputStream} reads (big-endian), plus a bulk {@link #readDoubles}. Running past the region throws
 * {@link EOFException}, as {@code DataInputStream} does. The array is not copied.
 */
public final class StateBytesIn implements DataInput {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] buf;
    private final int limit;
    private int pos;

    public StateBytesIn(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public StateBytesIn(byte[] buf, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        this.buf = buf;
        this.pos = off;
        this.limit = off + len;
    }

    /** Bytes left to read. */
    public int remaining() {
        return limit - pos;
    }

    private int take(int n) throws EOFException {
        int p = pos;
        if (n > limit - p) {
            throw new EOFException("learner state ends " + (n - (limit - p)) + " byte(s) early");
        }
        pos = p + n;
        return p;
    }

    /** Reads {@code len} doubles into {@code a} from {@code off}, each exactly as {@link #readDouble} would. */
    public void readDoubles(double[] a, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, a.length);
        if ((long) len * 8 > limit - pos) {
            throw new EOFException("learner state ends before " + len + " doubles");
        }
        byte[] b = buf;
        int p = pos;
        for (int i = 0; i < len; i++) {
            a[off + i] = Double.longBitsToDouble((long) LONG.get(b, p));
            p += 8;
        }
        pos = p;
    }

    /** Reads what {@link StateBytesOut#writeDoublesTransposed} wrote into the row-major {@code rows x cols} {@code a}. */
    public void readDoublesTransposed(double[] a, int rows, int cols) throws IOException {
        java.util.Objects.checkFromIndexSize(0, rows * cols, a.length);
        if ((long) rows * cols * 8 > limit - pos) {
            throw new EOFException("learner state ends before " + rows * cols + " doubles");
        }
        byte[] b = buf;
        int stride = 8 * rows;
        for (int i = 0; i < rows; i++) { // row by row, as StateBytesOut writes it
            int p = pos + 8 * i;
            int row = i * cols;
            for (int j = 0; j < cols; j++) {
                a[row + j] = Double.longBitsToDouble((long) LONG.get(b, p));
                p += stride;
            }
        }
        pos += 8 * rows * cols;
    }

    @Override
    public void readFully(byte[] b) throws IOException {
        readFully(b, 0, b.length);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        System.arraycopy(buf, take(len), b, off, len);
    }

    @Override
    public int skipBytes(int n) {
        int k = Math.max(0, Math.min(n, limit - pos));
        pos += k;
        return k;
    }

    @Override
    public boolean readBoolean() throws IOException {
        return buf[take(1)] != 0;
    }

    @Override
    public byte readByte() throws IOException {
        return buf[take(1)];
    }

    @Override
    public int readUnsignedByte() throws IOException {
        return buf[take(1)] & 0xFF;
    }

    @Override
    public short readShort() throws IOException {
        return (short) SHORT.get(buf, take(2));
    }

    @Override
    public int readUnsignedShort() throws IOException {
        return readShort() & 0xFFFF;
    }

    @Override
    public char readChar() throws IOException {
        return (char) readShort();
    }

    @Override
    public int readInt() throws IOException {
        return (int) INT.get(buf, take(4));
    }

    @Override
    public long readLong() throws IOException {
        return (long) LONG.get(buf, take(8));
    }

    @Override
    public float readFloat() throws IOException {
        return Float.intBitsToFloat(readInt());
    }

    @Override
    public double readDouble() throws IOException {
        return Double.longBitsToDouble(readLong());
    }

    /** Not part of any state format. */
    @Override
    public String readLine() {
        throw new UnsupportedOperationException("readLine is not supported on learner state");
    }

    @Override
    public String readUTF() throws IOException {
        return DataInputStream.readUTF(this);
    }
}
