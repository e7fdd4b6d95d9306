package org.flinkrtrl.core.learner;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.flinkrtrl.core.optim.StateBytesIn;
import org.flinkrtrl.core.optim.StateBytesOut;

/**
 * The one codec for model state: a compact, versioned binary form of a learner (config, weights, optimiser
 * moments, hidden state, influence factors, generator, normaliser and scorer statistics; for a forecaster also its
 * options, seasonal context, linear path and interval), bit-exact both ways.
 *
 * <p>Layout: int magic {@code 0x52544C52} ("RTLR"), short format version, byte kind (1 = OnlineLearner,
 * 2 = ForecastingLearner, 3 = LogLearner), the {@link ModelConfig}, then the learner's fields. A reader refuses unknown magic,
 * versions and kinds with a clear message instead of misreading bytes.
 *
 * <p>Speed: the byte-array entry points ({@link #toBytes}, {@link #encode}, {@link #forecastingFromBytes}) go
 * through {@link StateBytesOut} / {@link StateBytesIn}, unsynchronised big-endian views of a {@code byte[]} with
 * bulk double-array copies; {@link #write} / {@link #readForecasting} on any other {@code DataOutput} /
 * {@code DataInput} (e.g. {@code DataOutputStream}) write and read exactly the same bytes, one call per value.
 */
public final class LearnerCodec {
    public static final int MAGIC = 0x52544C52;
    /**
     * Current format. 6: method lru's config block ends with the readout width (lruReadoutWidth); a format-5 (or
     * older) lru state reads as the MLP readout of {@code hidden} features it was built with, and every other
     * method's bytes are those of format 5 apart from the version. 5: the anomaly detector's sustained-deviation chart (settings and state) and its context
     * path in one block at the end of the forecaster's state (format 4 still read; the chart and context path then
     * start fresh). 4: the anomaly detector (onset, likelihood, level, protection state) and its forecast path
     * in one block at the end of the forecaster's state (formats 2 and 3 still read; the detector then starts
     * fresh). 3: the config ends with the update period, and an OnlineLearner's state (also inside a
     * forecaster's and a log learner's) with the update period's block (the gradients summed in the open period);
     * formats 1 and 2 read as period 1 with an empty period. 2: the config holds the forecaster's
     * settings (seasonalContext ... linearForgetting) and the forecaster's state its channel units, seasonal
     * context, linear path and interval. 1 (still read): persistence plus network; see
     * {@link ForecastingLearner#readStateV1}.
     */
    public static final short VERSION = 6;
    /** Oldest format this build reads. */
    public static final short OLDEST_VERSION = 1;
    private static final byte KIND_ONLINE = 1;
    private static final byte KIND_FORECASTING = 2;
    private static final byte KIND_LOG = 3;

    private LearnerCodec() {}

    public static void write(OnlineLearner l, DataOutput out) throws IOException {
        header(out, KIND_ONLINE, l.config());
        l.writeState(out);
    }

    public static void write(ForecastingLearner l, DataOutput out) throws IOException {
        header(out, KIND_FORECASTING, l.config());
        l.writeState(out); // starts with the options
    }

    public static OnlineLearner readOnline(DataInput in) throws IOException {
        short version = readVersion(in, KIND_ONLINE); // formats 1 and 2: the same fields, without the period block
        ModelConfig cfg = ModelConfig.readFrom(in, version);
        OnlineLearner l = new OnlineLearner(cfg, cfg.seed(), false); // readState overwrites all initialise() sets
        l.readState(in, version);
        return l;
    }

    /**
     * Reads a forecaster of the current format, or migrates one of format 1 (then {@link ForecastingLearner#migration()}
     * says what was carried over and what started fresh).
     */
    public static ForecastingLearner readForecasting(DataInput in) throws IOException {
        short version = readVersion(in, KIND_FORECASTING);
        ModelConfig cfg = ModelConfig.readFrom(in, version);
        if (version == 1) {
            ForecastingLearner l = new ForecastingLearner(cfg, cfg.seed(), false);
            l.readStateV1(in);
            return l;
        }
        ForecastingLearner l = new ForecastingLearner(cfg, cfg.seed(), false); // readState overwrites all of it
        l.readState(in, version);
        return l;
    }

    /**
     * Encodes {@code l} into {@code out} after resetting it: the bytes are {@code out.array()[0, out.length())}.
     */
    public static void encode(ForecastingLearner l, StateBytesOut out) {
        encode(out, o -> write(l, o));
    }

    /**
     * Encodes {@code l} into this thread's reusable buffer and returns it: the bytes are
     * {@code array()[0, length())}, valid until this thread's next encode. Call {@link #releaseScratch()} when done
     * with them. For callers that copy the bytes on (the Flink serializer): no per-call buffer, no extra copy.
     */
    public static StateBytesOut encodeToScratch(ForecastingLearner l) {
        StateBytesOut out = SCRATCH.get();
        encode(l, out);
        return out;
    }

    /** Drops this thread's encode buffer if one huge model grew it beyond {@value #KEEP_SCRATCH_BYTES} bytes. */
    public static void releaseScratch() {
        if (SCRATCH.get().capacity() > KEEP_SCRATCH_BYTES) {
            SCRATCH.remove();
        }
    }

    public static byte[] toBytes(ForecastingLearner l) {
        byte[] bytes = encodeToScratch(l).toByteArray();
        releaseScratch();
        return bytes;
    }

    public static ForecastingLearner forecastingFromBytes(byte[] bytes) throws IOException {
        return forecastingFromBytes(bytes, 0, bytes.length);
    }

    /** Decodes the learner held in {@code bytes[off, off + len)}; the array is not retained. */
    public static ForecastingLearner forecastingFromBytes(byte[] bytes, int off, int len) throws IOException {
        return readForecasting(new StateBytesIn(bytes, off, len));
    }

    public static byte[] toBytes(OnlineLearner l) {
        StateBytesOut out = SCRATCH.get();
        encode(out, o -> write(l, o));
        byte[] bytes = out.toByteArray();
        releaseScratch();
        return bytes;
    }

    public static OnlineLearner onlineFromBytes(byte[] bytes) throws IOException {
        return readOnline(new StateBytesIn(bytes));
    }

    public static void write(LogLearner l, DataOutput out) throws IOException {
        header(out, KIND_LOG, l.config());
        l.writeState(out);
    }

    public static LogLearner readLog(DataInput in) throws IOException {
        short version = readVersion(in, KIND_LOG); // a log learner holds an OnlineLearner's fields
        ModelConfig cfg = ModelConfig.readFrom(in, version);
        LogLearner l = new LogLearner(cfg, cfg.seed(), false); // readState overwrites all of it
        l.readState(in, version);
        return l;
    }

    public static byte[] toBytes(LogLearner l) {
        StateBytesOut out = SCRATCH.get();
        encode(out, o -> write(l, o));
        byte[] bytes = out.toByteArray();
        releaseScratch();
        return bytes;
    }

    public static LogLearner logFromBytes(byte[] bytes) throws IOException {
        return readLog(new StateBytesIn(bytes));
    }

    /** Per-thread encode buffer: grows to the largest model once, then no reallocation. */
    private static final ThreadLocal<StateBytesOut> SCRATCH = ThreadLocal.withInitial(() -> new StateBytesOut(4096));
    /** A per-thread buffer grown beyond this by one huge model is dropped rather than kept for the thread's life. */
    public static final int KEEP_SCRATCH_BYTES = 4 << 20;

    private interface StateWriter {
        void write(DataOutput out) throws IOException;
    }

    private static void encode(StateBytesOut out, StateWriter writer) {
        out.reset();
        try {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // StateBytesOut does not throw
        }
    }

    private static void header(DataOutput out, byte kind, ModelConfig cfg) throws IOException {
        out.writeInt(MAGIC);
        out.writeShort(VERSION);
        out.writeByte(kind);
        cfg.writeTo(out);
    }

    private static short readVersion(DataInput in, byte expectedKind) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException(String.format("not a flink-rtrl learner state (magic 0x%08X)", magic));
        }
        short version = in.readShort();
        if (version < OLDEST_VERSION || version > VERSION) {
            throw new IOException("learner state format version " + version + " is not supported (this build reads "
                + OLDEST_VERSION + " to " + VERSION + ")");
        }
        byte kind = in.readByte();
        if (kind != expectedKind) {
            throw new IOException("learner state holds kind " + kind + ", expected " + expectedKind);
        }
        return version;
    }
}
