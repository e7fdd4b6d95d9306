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
 * Encoding goes into the codec's per-thread buffer ({@link LearnerCodec#encodeToScratch}), handed to Flink with
 * one bulk {@code write(bytes, 0, len)}; decoding reads the record into a per-thread byte array and decodes from
 * it. Both buffers grow to the largest model seen and are dropped when one exceeds
 * {@link LearnerCodec#KEEP_SCRATCH_BYTES} bytes. The bytes are exactly {@link LearnerCodec#toBytes}'s.
 */
public final class LearnerSerializer extends TypeSerializer<ForecastingLearner> {
    private static final long serialVersionUID = 1L;

    public static final LearnerSerializer INSTANCE = new LearnerSerializer();

    /** Upper bound on one encoded model, a guard against reading garbage as a huge length. */
    static final int MAX_BYTES = 1 << 30;

    /** Per-thread decode buffer (encoding uses the codec's); the serializer instance itself stays stateless. */
    private static final ThreadLocal<ReadBuffer> READ_BUFFER = ThreadLocal.withInitial(ReadBuffer::new);

    private static final class ReadBuffer {
        byte[] bytes = new byte[4096];
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
        StateBytesOut out = LearnerCodec.encodeToScratch(from);
        try {
            return LearnerCodec.forecastingFromBytes(out.array(), 0, out.length());
        } catch (IOException e) {
            throw new IllegalStateException("could not copy a learner through its codec", e);
        } finally {
            LearnerCodec.releaseScratch();
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
        StateBytesOut out = LearnerCodec.encodeToScratch(record);
        target.writeInt(out.length());
        target.write(out.array(), 0, out.length());
        LearnerCodec.releaseScratch();
    }

    @Override
    public ForecastingLearner deserialize(DataInputView source) throws IOException {
        ReadBuffer buffer = READ_BUFFER.get();
        int length = readLength(source);
        if (buffer.bytes.length < length) {
            buffer.bytes = new byte[Math.max(length, Math.min(MAX_BYTES, 2 * buffer.bytes.length))];
        }
        byte[] in = buffer.bytes;
        source.readFully(in, 0, length);
        ForecastingLearner l = LearnerCodec.forecastingFromBytes(in, 0, length);
        if (in.length > LearnerCodec.KEEP_SCRATCH_BYTES) {
            READ_BUFFER.remove();
        }
        return l;
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
