package org.flinkrtrl.flink;

import static org.flinkrtrl.flink.PredictionAssert.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.flinkrtrl.core.learner.ForecastingLearner;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;

/**
 * The hand-written record serializers: every field back bit for bit (NaN payloads, nulls, empty arrays, non-ASCII
 * text), deep copies, reads into a reused record that reuse its arrays, byte-level copies, and snapshots that
 * restore as compatible.
 */
class RecordSerializersTest {
    private static <T> byte[] bytes(TypeSerializer<T> s, T v) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(v, out);
        return out.getCopyOfBuffer();
    }

    private static <T> void snapshotRestoresCompatible(TypeSerializer<T> s) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, s.snapshotConfiguration());
        TypeSerializerSnapshot<T> read = TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), RecordSerializersTest.class.getClassLoader());
        assertTrue(s.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs());
        assertSame(s, read.restoreSerializer());
    }

    /** Real predictions of the core (first event with NaN entries, later ones), plus odd fields. */
    private static List<Prediction> predictions() {
        ForecastingLearner l = new ForecastingLearner(TestEvents.config(2), 7);
        List<Event> events = TestEvents.synthetic(1, 3, 1L);
        Prediction first = ForecastFunction.toPrediction(events.get(0), l.observe(events.get(0).timestamp,
            events.get(0).values));
        Prediction third = null;
        for (int i = 1; i < 3; i++) {
            third = ForecastFunction.toPrediction(events.get(i), l.observe(events.get(i).timestamp,
                events.get(i).values));
        }
        third.label = "anomaly \u00e9\u4e2d";
        third.rollingError = Double.longBitsToDouble(0x7ff8000000000123L); // a NaN with a payload
        third.drift = true;
        third.sustained = 2.75; // every anomaly part travels, not only the ones a short run makes non-zero
        third.likelihood = -1.5;
        third.anomalous = true;
        third.diverged = true;
        Prediction sparse = new Prediction(); // nulls everywhere
        sparse.actual = new double[0];
        return List.of(first, third, sparse);
    }

    @Test
    void predictionsRoundTripBitForBit() throws Exception {
        PredictionSerializer s = PredictionSerializer.INSTANCE;
        for (Prediction p : predictions()) {
            byte[] b = bytes(s, p);
            Prediction back = s.deserialize(new DataInputDeserializer(b));
            if (p.forecast != null) {
                assertSameBits(p, back, "round trip");
            }
            assertEquals(p, back); // every field, nulls included
            if (p.rollingError != p.rollingError) {
                assertEquals(Double.doubleToRawLongBits(p.rollingError), Double.doubleToRawLongBits(back.rollingError));
            }
            Prediction copy = s.copy(p);
            assertEquals(p, copy);
            if (p.forecast != null) {
                assertNotSame(p.forecast, copy.forecast, "a deep copy");
            }
            DataOutputSerializer copied = new DataOutputSerializer(4096); // write(DataInputView, n) does not grow it
            s.copy(new DataInputDeserializer(b), copied);
            assertArrayEquals(b, copied.getCopyOfBuffer());
        }
        // a reused record keeps its arrays when the lengths match
        List<Prediction> ps = predictions();
        Prediction reuse = s.copy(ps.get(0));
        double[] forecast = reuse.forecast;
        Prediction read = s.deserialize(reuse, new DataInputDeserializer(bytes(s, ps.get(1))));
        assertSame(reuse, read);
        assertSame(forecast, read.forecast);
        assertSameBits(ps.get(1), read, "read into a reused record");
        snapshotRestoresCompatible(s);
    }

    @Test
    void eventsRoundTripBitForBit() throws Exception {
        EventSerializer s = EventSerializer.INSTANCE;
        List<Event> events = List.of(new Event("k\u00e9", 1273363200000L, new double[] {1.5, -0.0, Double.NaN},
            "warn", "anomaly"), new Event(null, Long.MIN_VALUE, null, null, null), new Event("x", 0, new double[0],
            null, null));
        for (Event e : events) {
            byte[] b = bytes(s, e);
            Event back = s.deserialize(new DataInputDeserializer(b));
            assertEquals(e, back);
            if (e.values != null) {
                for (int i = 0; i < e.values.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(e.values[i]), Double.doubleToRawLongBits(back.values[i]));
                }
                assertNotSame(e.values, s.copy(e).values);
            }
            assertEquals(e, s.copy(e));
            DataOutputSerializer copied = new DataOutputSerializer(4096); // write(DataInputView, n) does not grow it
            s.copy(new DataInputDeserializer(b), copied);
            assertArrayEquals(b, copied.getCopyOfBuffer());
        }
        Event reuse = s.copy(events.get(0));
        double[] values = reuse.values;
        Event next = new Event("b", 5, new double[] {2, 3, 4}, null, "l");
        assertSame(values, s.deserialize(reuse, new DataInputDeserializer(bytes(s, next))).values);
        assertEquals(next, reuse);
        snapshotRestoresCompatible(s);
    }

    @Test
    void theTypeInfosHandOutTheSerializers() {
        assertSame(PredictionSerializer.INSTANCE, LearnerOperator.PREDICTION_TYPE.createSerializer(
            new SerializerConfigImpl()));
        assertSame(EventSerializer.INSTANCE, LearnerOperator.EVENT_TYPE.createSerializer(new SerializerConfigImpl()));
        assertEquals(Prediction.class, LearnerOperator.PREDICTION_TYPE.getTypeClass());
    }
}
