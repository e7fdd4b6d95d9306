package org.flinkrtrl.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.flinkrtrl.record.Prediction;

/**
 * Flink serializer of a {@link Prediction}: key, timestamp, steps, the eight arrays (actual, forecast,
 * previousForecast, scale, lower, upper, previousLower, previousUpper), the seven doubles (loss, anomalyScore,
 * surprise, likelihood, sustained, level, rollingError) bit for bit, anomalyChannel, one byte of flags (warmingUp, diverged,
 * anomalous, drift), label ({@link RecordFields}). No reflection and no Kryo; a reused prediction's arrays are
 * reused when their lengths match.
 */
public final class PredictionSerializer extends TypeSerializer<Prediction> {
    private static final long serialVersionUID = 1L;
    public static final PredictionSerializer INSTANCE = new PredictionSerializer();

    private static final int WARMING_UP = 1;
    private static final int DIVERGED = 2;
    private static final int ANOMALOUS = 4;
    private static final int DRIFT = 8;

    @Override public boolean isImmutableType() { return false; }
    @Override public TypeSerializer<Prediction> duplicate() { return this; }
    @Override public Prediction createInstance() { return new Prediction(); }
    @Override public int getLength() { return -1; }

    @Override
    public Prediction copy(Prediction from) {
        return from == null ? null : copy(from, new Prediction());
    }

    @Override
    public Prediction copy(Prediction from, Prediction reuse) {
        if (from == null) {
            return null;
        }
        Prediction p = reuse == null ? new Prediction() : reuse;
        p.key = from.key;
        p.timestamp = from.timestamp;
        p.steps = from.steps;
        p.actual = RecordFields.copy(from.actual, p.actual);
        p.forecast = RecordFields.copy(from.forecast, p.forecast);
        p.previousForecast = RecordFields.copy(from.previousForecast, p.previousForecast);
        p.scale = RecordFields.copy(from.scale, p.scale);
        p.lower = RecordFields.copy(from.lower, p.lower);
        p.upper = RecordFields.copy(from.upper, p.upper);
        p.previousLower = RecordFields.copy(from.previousLower, p.previousLower);
        p.previousUpper = RecordFields.copy(from.previousUpper, p.previousUpper);
        p.loss = from.loss;
        p.anomalyScore = from.anomalyScore;
        p.surprise = from.surprise;
        p.likelihood = from.likelihood;
        p.sustained = from.sustained;
        p.level = from.level;
        p.rollingError = from.rollingError;
        p.anomalyChannel = from.anomalyChannel;
        p.warmingUp = from.warmingUp;
        p.diverged = from.diverged;
        p.anomalous = from.anomalous;
        p.drift = from.drift;
        p.label = from.label;
        return p;
    }

    @Override
    public void serialize(Prediction p, DataOutputView out) throws IOException {
        RecordFields.string(p.key, out);
        out.writeLong(p.timestamp);
        out.writeLong(p.steps);
        RecordFields.array(p.actual, out);
        RecordFields.array(p.forecast, out);
        RecordFields.array(p.previousForecast, out);
        RecordFields.array(p.scale, out);
        RecordFields.array(p.lower, out);
        RecordFields.array(p.upper, out);
        RecordFields.array(p.previousLower, out);
        RecordFields.array(p.previousUpper, out);
        RecordFields.number(p.loss, out);
        RecordFields.number(p.anomalyScore, out);
        RecordFields.number(p.surprise, out);
        RecordFields.number(p.likelihood, out);
        RecordFields.number(p.sustained, out);
        RecordFields.number(p.level, out);
        RecordFields.number(p.rollingError, out);
        out.writeInt(p.anomalyChannel);
        out.writeByte((p.warmingUp ? WARMING_UP : 0) | (p.diverged ? DIVERGED : 0) | (p.anomalous ? ANOMALOUS : 0)
            | (p.drift ? DRIFT : 0));
        RecordFields.string(p.label, out);
    }

    @Override
    public Prediction deserialize(DataInputView in) throws IOException {
        return deserialize(new Prediction(), in);
    }

    @Override
    public Prediction deserialize(Prediction reuse, DataInputView in) throws IOException {
        Prediction p = reuse == null ? new Prediction() : reuse;
        p.key = RecordFields.string(in);
        p.timestamp = in.readLong();
        p.steps = in.readLong();
        p.actual = RecordFields.array(p.actual, in);
        p.forecast = RecordFields.array(p.forecast, in);
        p.previousForecast = RecordFields.array(p.previousForecast, in);
        p.scale = RecordFields.array(p.scale, in);
        p.lower = RecordFields.array(p.lower, in);
        p.upper = RecordFields.array(p.upper, in);
        p.previousLower = RecordFields.array(p.previousLower, in);
        p.previousUpper = RecordFields.array(p.previousUpper, in);
        p.loss = RecordFields.number(in);
        p.anomalyScore = RecordFields.number(in);
        p.surprise = RecordFields.number(in);
        p.likelihood = RecordFields.number(in);
        p.sustained = RecordFields.number(in);
        p.level = RecordFields.number(in);
        p.rollingError = RecordFields.number(in);
        p.anomalyChannel = in.readInt();
        int flags = in.readByte();
        p.warmingUp = (flags & WARMING_UP) != 0;
        p.diverged = (flags & DIVERGED) != 0;
        p.anomalous = (flags & ANOMALOUS) != 0;
        p.drift = (flags & DRIFT) != 0;
        p.label = RecordFields.string(in);
        return p;
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        RecordFields.copyString(in, out);
        out.writeLong(in.readLong());
        out.writeLong(in.readLong());
        for (int i = 0; i < 8; i++) {
            RecordFields.copyArray(in, out);
        }
        out.write(in, 7 * 8 + 4 + 1);
        RecordFields.copyString(in, out);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof PredictionSerializer;
    }

    @Override
    public int hashCode() {
        return PredictionSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<Prediction> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** The serializer has no configuration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Prediction> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
