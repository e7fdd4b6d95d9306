package org.flinkrtrl.core.grad;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Checkpoint helpers shared by the estimators: a versioned, shape-checked header (the
 * double arrays go through {@link org.flinkrtrl.core.optim.StateArrays}). */
final class StateIO {
    static final int VERSION = 1;

    private StateIO() {}

    /** Writes tag, format version and the shape the state belongs to. */
    static void writeHeader(DataOutput out, int tag, int... dims) throws IOException {
        out.writeInt(tag);
        out.writeInt(VERSION);
        out.writeInt(dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
    }

    /** Reads and checks a header written by {@link #writeHeader} for the same estimator type and shape. */
    static void readHeader(DataInput in, int tag, String what, int... dims) throws IOException {
        int t = in.readInt();
        if (t != tag) {
            throw new IOException(what + ": state was written by another estimator type (tag " + t + ", expected "
                    + tag + ")");
        }
        int v = in.readInt();
        if (v != VERSION) {
            throw new IOException(what + ": unsupported state version " + v + " (expected " + VERSION + ")");
        }
        int len = in.readInt();
        if (len != dims.length) {
            throw new IOException(what + ": state has " + len + " shape entries, expected " + dims.length);
        }
        for (int i = 0; i < len; i++) {
            int d = in.readInt();
            if (d != dims[i]) {
                throw new IOException(what + ": state shape entry " + i + " is " + d + ", expected " + dims[i]);
            }
        }
    }

    static void checkShape(org.flinkrtrl.core.cell.CellStep s, int n, int k, int m, String what) {
        if (s.n != n || s.k != k || s.m != m) {
            throw new IllegalArgumentException(what + " was built for n=" + n + ", k=" + k + ", m=" + m
                    + " but got a step with n=" + s.n + ", k=" + s.k + ", m=" + s.m);
        }
    }

    static double norm(double[] v, int len) {
        double s = 0.0;
        for (int i = 0; i < len; i++) {
            s += v[i] * v[i];
        }
        return Math.sqrt(s);
    }
}
