package org.flinkrtrl.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.flinkrtrl.record.Event;

/**
 * Flink serializer of an {@link Event} on the keyed exchange: key, timestamp, values, category, label in that order
 * ({@link RecordFields}), no reflection and no Kryo; deserialising into a reused event reuses its values array.
 */
public final class EventSerializer extends TypeSerializer<Event> {
    private static final long serialVersionUID = 1L;
    public static final EventSerializer INSTANCE = new EventSerializer();

    @Override public boolean isImmutableType() { return false; }
    @Override public TypeSerializer<Event> duplicate() { return this; }
    @Override public Event createInstance() { return new Event(); }
    @Override public int getLength() { return -1; }

    @Override
    public Event copy(Event from) {
        return from == null ? null : copy(from, new Event());
    }

    @Override
    public Event copy(Event from, Event reuse) {
        if (from == null) {
            return null;
        }
        Event e = reuse == null ? new Event() : reuse;
        e.key = from.key;
        e.timestamp = from.timestamp;
        e.values = RecordFields.copy(from.values, e.values);
        e.category = from.category;
        e.label = from.label;
        return e;
    }

    @Override
    public void serialize(Event e, DataOutputView out) throws IOException {
        RecordFields.string(e.key, out);
        out.writeLong(e.timestamp);
        RecordFields.array(e.values, out);
        RecordFields.string(e.category, out);
        RecordFields.string(e.label, out);
    }

    @Override
    public Event deserialize(DataInputView in) throws IOException {
        return deserialize(new Event(), in);
    }

    @Override
    public Event deserialize(Event reuse, DataInputView in) throws IOException {
        Event e = reuse == null ? new Event() : reuse;
        e.key = RecordFields.string(in);
        e.timestamp = in.readLong();
        e.values = RecordFields.array(e.values, in);
        e.category = RecordFields.string(in);
        e.label = RecordFields.string(in);
        return e;
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        RecordFields.copyString(in, out);
        out.writeLong(in.readLong());
        RecordFields.copyArray(in, out);
        RecordFields.copyString(in, out);
        RecordFields.copyString(in, out);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof EventSerializer;
    }

    @Override
    public int hashCode() {
        return EventSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<Event> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** The serializer has no configuration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Event> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
