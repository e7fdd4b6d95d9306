package org.flinkrtrl.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;

/**
 * What a checkpoint remembers about {@link LearnerSerializer}: the {@link LearnerCodec} format version the state
 * was written in. On restore, {@link #resolveSchemaCompatibility} compares that with this build's codec: a version
 * the codec reads ({@link LearnerCodec#OLDEST_VERSION} up to the current one) is compatible as is, since the
 * serializer decodes it directly and an older model is migrated when it is first read (and written back in the
 * current format); a newer version and a foreign snapshot are incompatible, so the restore fails with Flink's
 * message at the compatibility check instead of a codec error on the first model read.
 *
 * <p>{@link LearnerCodec#VERSION} is a compile-time constant, inlined into this class: a build after a codec format
 * change must recompile this module too (a stale class would snapshot the old number).
 *
 * <p>Snapshot layout version 1: one short, the codec version.
 */
public final class LearnerSerializerSnapshot implements TypeSerializerSnapshot<ForecastingLearner> {
    static final int SNAPSHOT_VERSION = 1;

    private int codecVersion;

    /** For Flink's reflective instantiation on restore, and for a snapshot of the current serializer. */
    public LearnerSerializerSnapshot() {
        this(LearnerCodec.VERSION);
    }

    LearnerSerializerSnapshot(int codecVersion) {
        this.codecVersion = codecVersion;
    }

    /** The codec format version the snapshotted state was written in. */
    public int codecVersion() {
        return codecVersion;
    }

    @Override
    public int getCurrentVersion() {
        return SNAPSHOT_VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
        out.writeShort(codecVersion);
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
        if (readVersion != SNAPSHOT_VERSION) {
            throw new IOException("learner serializer snapshot version " + readVersion + " is not supported (this build "
                + "reads " + SNAPSHOT_VERSION + ")");
        }
        codecVersion = in.readShort();
    }

    @Override
    public TypeSerializer<ForecastingLearner> restoreSerializer() {
        return LearnerSerializer.INSTANCE;
    }

    @Override
    public TypeSerializerSchemaCompatibility<ForecastingLearner> resolveSchemaCompatibility(
        TypeSerializerSnapshot<ForecastingLearner> oldSerializerSnapshot) {
        if (!(oldSerializerSnapshot instanceof LearnerSerializerSnapshot)) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int old = ((LearnerSerializerSnapshot) oldSerializerSnapshot).codecVersion;
        return old == codecVersion || (old >= LearnerCodec.OLDEST_VERSION && old < codecVersion)
            ? TypeSerializerSchemaCompatibility.compatibleAsIs()
            : TypeSerializerSchemaCompatibility.incompatible();
    }
}
