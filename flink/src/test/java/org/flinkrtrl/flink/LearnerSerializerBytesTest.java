package org.flinkrtrl.flink;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import org.flinkrtrl.record.Event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.core.learner.LearnerCodec;
import org.flinkrtrl.core.learner.ModelConfig;
import org.junit.jupiter.api.Test;

/**
 * The serializer's wire bytes (per-thread buffers, one bulk write) equal what the stream codec of 3c6ff34 wrote:
 * {@code int length} + the codec over a plain {@code DataOutputStream}. Those old bytes deserialize to a learner that
 * continues bit for bit, and a reused per-thread buffer never carries bytes from one record into the next.
 */
class LearnerSerializerBytesTest {

    /** Old wire form: length prefix, then the codec written one value at a time through DataOutputStream. */
    private static byte[] oldWire(ForecastingLearner l) throws IOException {
        ByteArrayOutputStream codec = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(codec)) {
            LearnerCodec.write(l, out);
        }
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(wire)) {
            out.writeInt(codec.size());
            out.write(codec.toByteArray());
        }
        return wire.toByteArray();
    }

    private static ForecastingLearner[] models() {
        ModelConfig base = TestEvents.config(2);
        return new ForecastingLearner[] {
            LearnerSerializerTest.trained(base.toBuilder().set(HIDDEN, 16).set(RANK, 4).build(), 50),
            LearnerSerializerTest.trained(base, 3),
            LearnerSerializerTest.trained(base.toBuilder().set(METHOD, Method.RTRL).set(CELL, ModelConfig.CellType.GATED).build(), 20),
            LearnerSerializerTest.trained(base.toBuilder().set(METHOD, Method.TBPTT).set(TRUNCATION, 4).build(), 9),
            LearnerSerializerTest.trained(base, 0),
        };
    }

    @Test
    void wireBytesEqualTheOldPathAndRestoreBitForBit() throws IOException {
        ForecastingLearner[] models = models();
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (int round = 0; round < 2; round++) { // big, small, big again: the per-thread buffers are reused
            for (ForecastingLearner l : models) {
                out.clear();
                LearnerSerializer.INSTANCE.serialize(l, out);
                byte[] old = oldWire(l);
                assertArrayEquals(old, out.getCopyOfBuffer());

                ForecastingLearner restored = LearnerSerializer.INSTANCE.deserialize(new DataInputDeserializer(old));
                ForecastingLearner copied = LearnerSerializer.INSTANCE.copy(l);
                ForecastingLearner live = LearnerSerializer.INSTANCE.copy(l);
                for (Event e : TestEvents.synthetic(1, 15, 7L + round)) {
                    double[] x = Arrays.copyOf(e.values, l.config().inputs());
                    double[] a = live.observe(x).forecast.clone();
                    double[] b = restored.observe(x).forecast.clone();
                    double[] c = copied.observe(x).forecast.clone();
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]));
                        assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(c[i]));
                    }
                }
                assertArrayEquals(oldWire(live), oldWire(restored));
                assertArrayEquals(oldWire(live), oldWire(copied));
            }
        }
    }

    @Test
    void serializedCopyKeepsTheBytes() throws IOException {
        for (ForecastingLearner l : models()) {
            byte[] old = oldWire(l);
            DataOutputSerializer out = new DataOutputSerializer(64);
            LearnerSerializer.INSTANCE.copy(new DataInputDeserializer(old), out);
            assertArrayEquals(old, out.getCopyOfBuffer());
        }
    }
}
