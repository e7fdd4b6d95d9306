package org.flinkrtrl.flink;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/** The field encodings of the hand-written record serializers: nullable strings and double arrays, exact doubles. */
final class RecordFields {
    private RecordFields() {}

    /** Flink's string encoding (null allowed). */
    static void string(String s, DataOutputView out) throws IOException {
        StringValue.writeString(s, out);
    }

    static String string(DataInputView in) throws IOException {
        return StringValue.readString(in);
    }

    static void copyString(DataInputView in, DataOutputView out) throws IOException {
        StringValue.copyString(in, out);
    }

    /** The bits of {@code v} as they are (NaN payloads included). */
    static void number(double v, DataOutputView out) throws IOException {
        out.writeLong(Double.doubleToRawLongBits(v));
    }

    static double number(DataInputView in) throws IOException {
        return Double.longBitsToDouble(in.readLong());
    }

    /** Length (-1 for null), then the elements' bits. */
    static void array(double[] a, DataOutputView out) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        for (double v : a) {
            out.writeLong(Double.doubleToRawLongBits(v));
        }
    }

    /** An array read into {@code reuse} when it has the right length, else into a new one. */
    static double[] array(double[] reuse, DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        double[] a = reuse != null && reuse.length == n ? reuse : new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = Double.longBitsToDouble(in.readLong());
        }
        return a;
    }

    static void copyArray(DataInputView in, DataOutputView out) throws IOException {
        int n = in.readInt();
        out.writeInt(n);
        if (n > 0) {
            out.write(in, 8 * n);
        }
    }

    /** {@code from} copied into {@code reuse} when it has the right length, else into a new array. */
    static double[] copy(double[] from, double[] reuse) {
        if (from == null) {
            return null;
        }
        if (reuse == null || reuse.length != from.length) {
            return from.clone();
        }
        System.arraycopy(from, 0, reuse, 0, from.length);
        return reuse;
    }
}
