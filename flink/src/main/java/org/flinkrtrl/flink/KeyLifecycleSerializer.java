package org.flinkrtrl.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;

/**
 * Flink serializer of a key's {@link KeyLifecycle} (overrides, applied-command marker, rolling error and drift test):
 * exactly the bytes of {@link KeyLifecycle#write}, which start with their own format version. No Kryo.
 */
public final class KeyLifecycleSerializer extends TypeSerializer<KeyLifecycle> {
    private static final long serialVersionUID = 1L;
    public static final KeyLifecycleSerializer INSTANCE = new KeyLifecycleSerializer();

    @Override public boolean isImmutableType() { return false; }
    @Override public TypeSerializer<KeyLifecycle> duplicate() { return this; }
    @Override public KeyLifecycle createInstance() { return new KeyLifecycle(); }
    @Override public int getLength() { return -1; }

    @Override
    public KeyLifecycle copy(KeyLifecycle from) {
        if (from == null) {
            return null;
        }
        try {
            return KeyLifecycle.fromBytes(from.toBytes());
        } catch (IOException e) {
            throw new IllegalStateException("could not copy a key's lifecycle state", e);
        }
    }

    @Override
    public KeyLifecycle copy(KeyLifecycle from, KeyLifecycle reuse) {
        return copy(from);
    }

    @Override
    public void serialize(KeyLifecycle record, DataOutputView target) throws IOException {
        record.write(target);
    }

    @Override
    public KeyLifecycle deserialize(DataInputView source) throws IOException {
        return KeyLifecycle.readFrom(source);
    }

    @Override
    public KeyLifecycle deserialize(KeyLifecycle reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        KeyLifecycle.readFrom(source).write(target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof KeyLifecycleSerializer;
    }

    @Override
    public int hashCode() {
        return KeyLifecycleSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<KeyLifecycle> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** The serializer has no configuration; the format version travels in every record. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<KeyLifecycle> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
