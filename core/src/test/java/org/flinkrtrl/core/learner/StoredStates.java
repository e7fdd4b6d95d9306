package org.flinkrtrl.core.learner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The stored states of the byte tests: reading a gzipped resource of (name, bytes) records, and the expected
 * format-3 bytes of a learner stored in codec format 2, written out field by field.
 */
public final class StoredStates {
    private StoredStates() {}

    /** The (UTF name, int length, bytes) records of a gzipped class-path resource, in file order. */
    public static Map<String, byte[]> read(String resource) throws IOException {
        Map<String, byte[]> states = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(
                StoredStates.class.getResourceAsStream(resource)))) {
            while (true) {
                String name;
                try {
                    name = in.readUTF();
                } catch (EOFException end) {
                    break;
                }
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                states.put(name, b);
            }
        }
        return states;
    }

    /**
     * What a format-2 state re-encodes to in format 3: version 3, the config followed by updatePeriod = 1, the same
     * fields, then the update period's block with an empty period (int count 0, int array length 0).
     */
    public static byte[] format3FromFormat2(byte[] format2) throws IOException {
        ByteArrayInputStream rest = new ByteArrayInputStream(format2, 7, format2.length - 7);
        ModelConfig.readFrom(new DataInputStream(rest), 2);
        int configEnd = format2.length - rest.available();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.write(format2, 0, 4);
        out.writeShort(3);
        out.write(format2, 6, configEnd - 6);
        out.writeInt(1);
        out.write(format2, configEnd, format2.length - configEnd);
        out.writeInt(0);
        out.writeInt(0);
        out.flush();
        return bos.toByteArray();
    }

    /**
     * What a forecaster's current-format state was in format 4: version 4 and the same bytes without the last block
     * (the detector's chart settings: int, int, double; chart count: long; chart window: int; chart, its mean and
     * variance: three arrays of d; the context path of each channel; its pending forecast: an array of d).
     */
    public static byte[] format4FromCurrent(byte[] current, int channels) throws IOException {
        ByteArrayOutputStream arr = new ByteArrayOutputStream();
        org.flinkrtrl.core.optim.StateArrays.write(new DataOutputStream(arr), new double[channels]);
        ByteArrayOutputStream rls = new ByteArrayOutputStream();
        new RecursiveLeastSquares(ForecastingLearner.FEATURES, 0.999, 1.0, new double[ForecastingLearner.FEATURES])
            .write(new DataOutputStream(rls));
        int block = 4 + 4 + 8 + 8 + 4 + 4 * arr.size() + channels * rls.size();
        byte[] old = java.util.Arrays.copyOf(current, current.length - block);
        old[4] = 0;
        old[5] = 4;
        return old;
    }

    /** Offset of the end of method lru's config block (its three doubles) in a learner state of formats 1-6. */
    public static final int LRU_BLOCK_END = 7 + 124 + 24;

    /**
     * What a learner state of format 5 (or of format 3 or 4 with the same fields) re-encodes to in format 6: version
     * 6, and for method lru the readout width (an int, = hidden: the MLP those formats built) after the config's lru
     * block; the other methods' bytes are otherwise the same.
     */
    public static byte[] format6FromFormat5(byte[] old) throws IOException {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(old);
        // the method byte: after cell, hidden, inputs, outputs, head and huberDelta
        boolean lru = old[7 + 22] == (byte) org.flinkrtrl.core.grad.Method.LRU.ordinal();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.write(old, 0, 4);
        out.writeShort(6);
        if (lru) {
            out.write(old, 6, LRU_BLOCK_END - 6);
            out.writeInt(bb.getInt(8)); // hidden, after magic, version, kind and the cell byte
            out.write(old, LRU_BLOCK_END, old.length - LRU_BLOCK_END);
        } else {
            out.write(old, 6, old.length - 6);
        }
        out.flush();
        return bos.toByteArray();
    }
}
