package org.flinkrtrl.flink;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import org.flinkrtrl.record.Event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;
import org.junit.jupiter.api.Test;

/**
 * Flink's own serializer contract suite ({@link SerializerTestBase}: copy, duplicate, snapshot and restore,
 * (de)serialisation individually and as a sequence, serialized copy, Java serializability), with models compared
 * by their codec bytes, plus the checkpoint-compatibility rules and bit-exact continuation.
 */
class LearnerSerializerTest extends SerializerTestBase<ForecastingLearner> {

    LearnerSerializerTest() {
        super(new DeeplyEqualsChecker().withCustomCheck(
            (a, b) -> a instanceof ForecastingLearner && b instanceof ForecastingLearner,
            (a, b, checker) -> Arrays.equals(LearnerCodec.toBytes((ForecastingLearner) a),
                LearnerCodec.toBytes((ForecastingLearner) b))));
    }

    @Override
    protected TypeSerializer<ForecastingLearner> createSerializer() {
        return new LearnerSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<ForecastingLearner> getTypeClass() {
        return ForecastingLearner.class;
    }

    @Override
    protected boolean allowNullInstances(TypeSerializer<ForecastingLearner> serializer) {
        return true; // a learner cannot exist without its config, which only its bytes carry
    }

    @Override
    protected ForecastingLearner[] getTestData() {
        ModelConfig base = TestEvents.config(2);
        return new ForecastingLearner[] {
            trained(base, 0),
            trained(base, 1),
            trained(base, 57),
            trained(base.toBuilder().set(CELL, ModelConfig.CellType.GATED).set(HIDDEN, 5).build(), 23),
            trained(base.toBuilder().set(METHOD, Method.UORO).build(), 31),
            trained(base.toBuilder().set(METHOD, Method.TBPTT).set(TRUNCATION, 4).set(OPTIMIZER, ModelConfig.OptimizerType.SGD)
                .build(), 10),
            trained(TestEvents.config(1).toBuilder().set(METHOD, Method.KF).set(RESET_PERIOD, 5).build(), 12),
            trained(base.toBuilder().set(METHOD, Method.LRU).set(HIDDEN, 6).build(), 29),
        };
    }

    static ForecastingLearner trained(ModelConfig cfg, int steps) {
        ForecastingLearner l = new ForecastingLearner(cfg, KeySeeds.seedFor(cfg.seed(), "s" + steps));
        List<Event> events = TestEvents.synthetic(1, steps, steps);
        for (Event e : events) {
            l.observe(Arrays.copyOf(e.values, cfg.inputs()));
        }
        return l;
    }

    @Test
    void aDeserialisedModelContinuesBitForBit() throws IOException {
        ModelConfig cfg = TestEvents.config(2);
        ForecastingLearner a = trained(cfg, 40);
        DataOutputSerializer out = new DataOutputSerializer(256);
        LearnerSerializer.INSTANCE.serialize(a, out);
        ForecastingLearner b = LearnerSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        ForecastingLearner c = LearnerSerializer.INSTANCE.copy(a);
        assertNotSame(a, c);
        for (Event e : TestEvents.synthetic(1, 30, 99L)) {
            double[] fa = a.observe(e.values).forecast.clone();
            double[] fb = b.observe(e.values).forecast.clone();
            double[] fc = c.observe(e.values).forecast.clone();
            for (int i = 0; i < fa.length; i++) {
                assertEquals(Double.doubleToRawLongBits(fa[i]), Double.doubleToRawLongBits(fb[i]));
                assertEquals(Double.doubleToRawLongBits(fa[i]), Double.doubleToRawLongBits(fc[i]));
            }
        }
        assertArrayEquals(LearnerCodec.toBytes(a), LearnerCodec.toBytes(b));
    }

    @Test
    void copyIsDeepSoSnapshotsDoNotSeeLaterUpdates() {
        ForecastingLearner a = trained(TestEvents.config(2), 10);
        byte[] before = LearnerCodec.toBytes(a);
        ForecastingLearner copy = LearnerSerializer.INSTANCE.copy(a);
        a.observe(new double[] {1, 2});
        assertArrayEquals(before, LearnerCodec.toBytes(copy));
    }

    @Test
    void snapshotRoundTripRestoresTheSerializerAndIsCompatibleAsIs() throws IOException {
        TypeSerializerSnapshot<ForecastingLearner> snap = LearnerSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snap);
        TypeSerializerSnapshot<ForecastingLearner> restored = TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertTrue(restored instanceof LearnerSerializerSnapshot);
        assertEquals(LearnerCodec.VERSION, ((LearnerSerializerSnapshot) restored).codecVersion());
        assertSame(LearnerSerializer.INSTANCE, restored.restoreSerializer());
        assertTrue(LearnerSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(restored)
            .isCompatibleAsIs());
    }

    @Test
    void compatibilityFollowsTheCodecVersion() {
        LearnerSerializerSnapshot current = new LearnerSerializerSnapshot(LearnerCodec.VERSION);
        assertEquals(6, LearnerCodec.VERSION);
        assertTrue(current.resolveSchemaCompatibility(new LearnerSerializerSnapshot(6)).isCompatibleAsIs());
        assertTrue(current.resolveSchemaCompatibility(new LearnerSerializerSnapshot(5)).isCompatibleAsIs(),
            "format 5 is read model by model (an lru model keeps the MLP readout it was built with)");
        assertTrue(current.resolveSchemaCompatibility(new LearnerSerializerSnapshot(4)).isCompatibleAsIs(),
            "format 4 is read and migrated model by model (the detector's chart starts fresh)");
        assertTrue(current.resolveSchemaCompatibility(new LearnerSerializerSnapshot(3)).isCompatibleAsIs(),
            "format 3 is read and migrated model by model (the anomaly detector starts fresh)");
        assertTrue(current.resolveSchemaCompatibility(new LearnerSerializerSnapshot(2)).isCompatibleAsIs(),
            "format 2 is read and migrated model by model (update period 1, the anomaly detector fresh)");
        assertTrue(current.resolveSchemaCompatibility(new LearnerSerializerSnapshot(1)).isCompatibleAsIs(),
            "format 1 is read and migrated model by model");
        assertTrue(current.resolveSchemaCompatibility(new LearnerSerializerSnapshot(0)).isIncompatible(),
            "no codec ever wrote format 0");
        assertTrue(current.resolveSchemaCompatibility(new LearnerSerializerSnapshot(7)).isIncompatible(),
            "state from a newer codec cannot be read by an older build");
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<ForecastingLearner> foreign =
            (TypeSerializerSnapshot) StringSerializer.INSTANCE.snapshotConfiguration();
        TypeSerializerSchemaCompatibility<ForecastingLearner> c = current.resolveSchemaCompatibility(foreign);
        assertTrue(c.isIncompatible());
    }

    @Test
    void corruptOrForeignBytesFailLoudly() {
        DataOutputSerializer out = new DataOutputSerializer(16);
        assertThrows(IOException.class, () -> {
            out.writeInt(-3);
            LearnerSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        });
        DataOutputSerializer junk = new DataOutputSerializer(16);
        IOException e = assertThrows(IOException.class, () -> {
            junk.writeInt(8);
            junk.writeLong(0x0102030405060708L);
            LearnerSerializer.INSTANCE.deserialize(new DataInputDeserializer(junk.getCopyOfBuffer()));
        });
        assertTrue(e.getMessage().contains("not a flink-rtrl learner state"), e.getMessage());
    }
}
