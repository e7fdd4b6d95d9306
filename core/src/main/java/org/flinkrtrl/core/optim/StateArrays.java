package org.flinkrtrl.core.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Length-prefixed double arrays for state codecs: bit-exact (IEEE 754 bits as {@link DataOutput#writeDouble}).
 * On a {@link StateBytesOut} / {@link StateBytesIn} the doubles go in one bulk loop over the byte array; on any
 * other {@code DataOutput} / {@code DataInput} one call per double, with the same bytes.
 */
public final class StateArrays {
    private StateArrays() {}

    public static void write(DataOutput out, double[] a) throws IOException {
        out.writeInt(a.length);
        writeDoubles(out, a, a.length);
    }

    /** Reads into {@code into}, whose length must match the stored length. */
    public static void read(DataInput in, double[] into) throws IOException {
        int len = in.readInt();
        if (len != into.length) {
            throw new IOException("state array length " + len + " does not match the model's " + into.length);
        }
        readDoubles(in, into, len);
    }

    /** The first {@code len} doubles of {@code a}, no length prefix. */
    public static void writeDoubles(DataOutput out, double[] a, int len) throws IOException {
        if (out instanceof StateBytesOut fast) {
            fast.writeDoubles(a, 0, len);
            return;
        }
        for (int i = 0; i < len; i++) {
            out.writeDouble(a[i]);
        }
    }

    /** Reads {@code len} doubles into the start of {@code a}, no length prefix. */
    public static void readDoubles(DataInput in, double[] a, int len) throws IOException {
        if (in instanceof StateBytesIn fast) {
            fast.readDoubles(a, 0, len);
            return;
        }
        for (int i = 0; i < len; i++) {
            a[i] = in.readDouble();
        }
    }

    /**
     * The row-major {@code rows x cols} matrix {@code a} written column by column: {@code a[i cols + j]} for
     * j = 0..cols-1, then i = 0..rows-1 (the transpose, row-major), no length prefix.
     */
    public static void writeTransposed(DataOutput out, double[] a, int rows, int cols) throws IOException {
        if (out instanceof StateBytesOut fast) {
            fast.writeDoublesTransposed(a, rows, cols);
            return;
        }
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                out.writeDouble(a[i * cols + j]);
            }
        }
    }

    /** Reads what {@link #writeTransposed} wrote back into the row-major {@code rows x cols} {@code a}. */
    public static void readTransposed(DataInput in, double[] a, int rows, int cols) throws IOException {
        if (in instanceof StateBytesIn fast) {
            fast.readDoublesTransposed(a, rows, cols);
            return;
        }
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                a[i * cols + j] = in.readDouble();
            }
        }
    }
}
