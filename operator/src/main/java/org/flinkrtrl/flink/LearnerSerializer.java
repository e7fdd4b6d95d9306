package org.flinkrtrl.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;

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
 */
public final class LearnerSerializer extends TypeSerializer<ForecastingLearner> {
    private static final long serialVersionUID = 1L;

    public static final LearnerSerializer INSTANCE = new LearnerSerializer();

    /** Upper bound on one encoded model, a guard against reading garbage as a huge length. */
    static final int MAX_BYTES = 1 << 30;

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
        try {
            return LearnerCodec.forecastingFromBytes(LearnerCodec.toBytes(from));
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
        byte[] bytes = LearnerCodec.toBytes(record);
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    @Override
    public ForecastingLearner deserialize(DataInputView source) throws IOException {
        return LearnerCodec.forecastingFromBytes(readBytes(source));
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

    private static byte[] readBytes(DataInputView source) throws IOException {
        int length = source.readInt();
        if (length < 0 || length > MAX_BYTES) {
            throw new IOException("corrupt learner state: encoded length " + length);
        }
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
