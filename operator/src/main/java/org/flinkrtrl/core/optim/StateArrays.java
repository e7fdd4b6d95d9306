package org.flinkrtrl.core.optim;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Length-prefixed double arrays for state codecs: bit-exact (raw IEEE 754 bits). */
public final class StateArrays {
    private StateArrays() {}

    public static void write(DataOutput out, double[] a) throws IOException {
        out.writeInt(a.length);
        for (double v : a) {
            out.writeDouble(v);
        }
    }

    /** Reads into {@code into}, whose length must match the stored length. */
    public static void read(DataInput in, double[] into) throws IOException {
        int len = in.readInt();
        if (len != into.length) {
            throw new IOException("state array length " + len + " does not match the model's " + into.length);
        }
        for (int i = 0; i < len; i++) {
            into[i] = in.readDouble();
        }
    }
}
