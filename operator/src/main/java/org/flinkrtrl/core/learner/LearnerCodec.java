package org.flinkrtrl.core.learner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one codec for model state: a compact, versioned binary form of a learner (config, weights, optimiser
 * moments, hidden state, influence factors, generator, normaliser and scorer statistics), bit-exact both ways.
 *
 * <p>Layout: int magic {@code 0x52544C52} ("RTLR"), short format version, byte kind (1 = OnlineLearner,
 * 2 = ForecastingLearner), the {@link ModelConfig}, then the learner's fields. A reader refuses unknown magic,
 * versions and kinds with a clear message instead of misreading bytes.
 */
public final class LearnerCodec {
    public static final int MAGIC = 0x52544C52;
    public static final short VERSION = 1;
    private static final byte KIND_ONLINE = 1;
    private static final byte KIND_FORECASTING = 2;

    private LearnerCodec() {}

    public static void write(OnlineLearner l, DataOutput out) throws IOException {
        header(out, KIND_ONLINE, l.config());
        l.writeState(out);
    }

    public static void write(ForecastingLearner l, DataOutput out) throws IOException {
        header(out, KIND_FORECASTING, l.config());
        l.writeState(out);
    }

    public static OnlineLearner readOnline(DataInput in) throws IOException {
        ModelConfig cfg = readHeader(in, KIND_ONLINE);
        OnlineLearner l = new OnlineLearner(cfg);
        l.readState(in);
        return l;
    }

    public static ForecastingLearner readForecasting(DataInput in) throws IOException {
        ModelConfig cfg = readHeader(in, KIND_FORECASTING);
        ForecastingLearner l = new ForecastingLearner(cfg);
        l.readState(in);
        return l;
    }

    public static byte[] toBytes(ForecastingLearner l) {
        return bytes(out -> write(l, out));
    }

    public static ForecastingLearner forecastingFromBytes(byte[] bytes) throws IOException {
        return readForecasting(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    public static byte[] toBytes(OnlineLearner l) {
        return bytes(out -> write(l, out));
    }

    private interface StateWriter {
        void write(DataOutput out) throws IOException;
    }

    private static byte[] bytes(StateWriter writer) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(1024);
        try (DataOutputStream out = new DataOutputStream(bos)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    public static OnlineLearner onlineFromBytes(byte[] bytes) throws IOException {
        return readOnline(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    private static void header(DataOutput out, byte kind, ModelConfig cfg) throws IOException {
        out.writeInt(MAGIC);
        out.writeShort(VERSION);
        out.writeByte(kind);
        cfg.writeTo(out);
    }

    private static ModelConfig readHeader(DataInput in, byte expectedKind) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException(String.format("not a flink-rtrl learner state (magic 0x%08X)", magic));
        }
        short version = in.readShort();
        if (version != VERSION) {
            throw new IOException("learner state format version " + version + " is not supported (this build reads "
                + VERSION + ")");
        }
        byte kind = in.readByte();
        if (kind != expectedKind) {
            throw new IOException("learner state holds kind " + kind + ", expected " + expectedKind);
        }
        return ModelConfig.readFrom(in);
    }
}
