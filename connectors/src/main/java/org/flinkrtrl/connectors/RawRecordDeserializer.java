package org.flinkrtrl.connectors;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka value bytes to a {@link RawRecord} carrying the record's timestamp. Never throws: malformed UTF-8 is
 * decoded with U+FFFD and flagged with the offset of its first bad byte, and a null value (tombstone) becomes empty
 * text, both rejected later by the parser with a reason, so a poison record cannot fail the job.
 */
public class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        byte[] v = record.value();
        String text = v == null ? "" : new String(v, StandardCharsets.UTF_8);
        long ts = record.timestamp() >= 0 ? record.timestamp() : Long.MIN_VALUE;
        out.collect(new RawRecord(text, 0L, ts, v == null ? -1 : Utf8Lines.malformedAt(v, v.length)));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
