package org.flinkrtrl.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.flinkrtrl.core.learner.MonitorSettings;
import org.flinkrtrl.core.lifecycle.KeyLifecycle;
import org.junit.jupiter.api.Test;

/** The lifecycle state's Flink serializer writes exactly the core's versioned bytes, and reads them back. */
class KeyLifecycleSerializerTest {
    @Test
    void writesTheCoreBytesAndRoundTrips() throws Exception {
        KeyLifecycle k = new KeyLifecycle();
        k.setLearningRate(0.02);
        k.setFrozen(true);
        k.markApplied(123L, "cmd");
        for (int i = 0; i < 130; i++) {
            k.observe(1 + i % 4, MonitorSettings.DEFAULTS);
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        KeyLifecycleSerializer.INSTANCE.serialize(k, out);
        assertArrayEquals(k.toBytes(), out.getCopyOfBuffer());
        KeyLifecycle back = KeyLifecycleSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertArrayEquals(k.toBytes(), back.toBytes());
        assertArrayEquals(k.toBytes(), KeyLifecycleSerializer.INSTANCE.copy(k).toBytes());
        DataOutputSerializer copied = new DataOutputSerializer(64);
        KeyLifecycleSerializer.INSTANCE.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertArrayEquals(k.toBytes(), copied.getCopyOfBuffer());

        TypeSerializerSnapshot<KeyLifecycle> snap = KeyLifecycleSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer s = new DataOutputSerializer(16);
        TypeSerializerSnapshot.writeVersionedSnapshot(s, snap);
        TypeSerializerSnapshot<KeyLifecycle> read = TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(s.getCopyOfBuffer()), getClass().getClassLoader());
        assertTrue(KeyLifecycleSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(read)
            .isCompatibleAsIs());
    }
}
