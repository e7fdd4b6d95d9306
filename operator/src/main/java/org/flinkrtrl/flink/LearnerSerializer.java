package org.flinkrtrl.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.optim.StateBytesOut;

/**
 * Flink serializer of a key's {@link ForecastingLearner}: a thin wrapper around {@link LearnerCodec}, the one
 * versioned model codec. No Kryo, no Java serialization.
 *
 * <p>Wire form: {@code int length} followed by {@code length} codec bytes. The length prefix lets Flink copy a
 * serialized model without decoding it, and makes a truncated record fail loudly.
 *
 * <p>The learner is mutable and updated in place by the operator; {@link #copy(ForecastingLearner)} is therefore a
 * deep copy (encode + decode), which the heap backend uses for copy-on-write during asynchronous snapshots.
 * The serializer is stateless: the model's configuration travels inside the codec bytes.
 *
 * <p>Cost: with RocksDB every event deserializes and serializes the key's whole learner, so both avoid copies.
 * Encoding goes into a per-thread {@link StateBytesOut} that is handed to Flink with one bulk
 * {@code write(bytes, 0, len)}; decoding reads the record into a per-thread byte array and decodes from it. The
 * per-thread buffers grow to the largest model seen and are dropped when one exceeds {@value #KEEP_SCRATCH_BYTES}
 * bytes. The bytes are exactly {@link LearnerCodec#toBytes}'s.
 */
public final class LearnerSerializer extends TypeSerializer<ForecastingLearner> {
    private static final long serialVersionUID = 1L;

    public static final LearnerSerializer INSTANCE = new LearnerSerializer();

    /** Upper bound on one encoded model, a guard against reading garbage as a huge length. */
    static final int MAX_BYTES = 1 << 30;

    /** Per-thread buffers larger than this (one huge model) are not kept after use. */
    static final int KEEP_SCRATCH_BYTES = 4 << 20;

    /** Per-thread encode and decode buffers; the serializer instance itself stays stateless. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final StateBytesOut out = new StateBytesOut(4096);
        byte[] in = new byte[4096];
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ForecastingLearner> duplicate() {
        return this; // stateless, hence thread-safe
    }

    /** A learner cannot exist without its configuration, which only the codec bytes carry. */
    @Override
    public ForecastingLearner createInstance() {
        return null;
    }

    @Override
    public ForecastingLearner copy(ForecastingLearner from) {
        if (from == null) {
            return null;
        }
        Scratch scratch = SCRATCH.get();
        StateBytesOut out = scratch.out;
        try {
            LearnerCodec.encode(from, out);
            return LearnerCodec.forecastingFromBytes(out.array(), 0, out.length());
        } catch (IOException e) {
            throw new IllegalStateException("could not copy a learner through its codec", e);
        }
    }

    @Override
    public ForecastingLearner copy(ForecastingLearner from, ForecastingLearner reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ForecastingLearner record, DataOutputView target) throws IOException {
        Scratch scratch = SCRATCH.get();
        StateBytesOut out = scratch.out;
        LearnerCodec.encode(record, out);
        target.writeInt(out.length());
        target.write(out.array(), 0, out.length());
        trim(scratch);
    }

    @Override
    public ForecastingLearner deserialize(DataInputView source) throws IOException {
        Scratch scratch = SCRATCH.get();
        int length = readLength(source);
        if (scratch.in.length < length) {
            scratch.in = new byte[Math.max(length, Math.min(MAX_BYTES, 2 * scratch.in.length))];
        }
        source.readFully(scratch.in, 0, length);
        ForecastingLearner l = LearnerCodec.forecastingFromBytes(scratch.in, 0, length);
        trim(scratch);
        return l;
    }

    private static void trim(Scratch scratch) {
        if (scratch.out.capacity() > KEEP_SCRATCH_BYTES || scratch.in.length > KEEP_SCRATCH_BYTES) {
            SCRATCH.remove();
        }
    }

    @Override
    public ForecastingLearner deserialize(ForecastingLearner reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        byte[] bytes = readBytes(source);
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    private static int readLength(DataInputView source) throws IOException {
        int length = source.readInt();
        if (length < 0 || length > MAX_BYTES) {
            throw new IOException("corrupt learner state: encoded length " + length);
        }
        return length;
    }

    private static byte[] readBytes(DataInputView source) throws IOException {
        int length = readLength(source);
        byte[] bytes = new byte[length];
        source.readFully(bytes);
        return bytes;
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof LearnerSerializer;
    }

    @Override
    public int hashCode() {
        return LearnerSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ForecastingLearner> snapshotConfiguration() {
        return new LearnerSerializerSnapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
