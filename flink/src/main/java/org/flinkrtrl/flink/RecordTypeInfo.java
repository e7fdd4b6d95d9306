package org.flinkrtrl.flink;

import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;

/**
 * Type information of a record type with a hand-written serializer ({@link EventSerializer},
 * {@link PredictionSerializer}): what a stream of events or predictions declares so that Flink moves its records
 * with that serializer instead of its reflective POJO serializer.
 *
 * @param <T> record type
 */
public final class RecordTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    /** Events, serialised by {@link EventSerializer}. */
    public static final RecordTypeInfo<Event> EVENT = new RecordTypeInfo<>(Event.class, EventSerializer.INSTANCE);
    /** Predictions, serialised by {@link PredictionSerializer}. */
    public static final RecordTypeInfo<Prediction> PREDICTION =
        new RecordTypeInfo<>(Prediction.class, PredictionSerializer.INSTANCE);

    private final Class<T> type;
    private final TypeSerializer<T> serializer;

    private RecordTypeInfo(Class<T> type, TypeSerializer<T> serializer) {
        this.type = Objects.requireNonNull(type, "type");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
    }

    @Override public boolean isBasicType() { return false; }
    @Override public boolean isTupleType() { return false; }
    @Override public int getArity() { return 1; }
    @Override public int getTotalFields() { return 1; }
    @Override public Class<T> getTypeClass() { return type; }
    @Override public boolean isKeyType() { return false; }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer;
    }

    @Override
    public String toString() {
        return type.getSimpleName() + "(" + serializer.getClass().getSimpleName() + ")";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof RecordTypeInfo<?> o && o.type == type;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof RecordTypeInfo;
    }
}
