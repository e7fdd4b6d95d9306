package org.flinkrtrl.connectors;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Kafka output records stamped with the time they are written instead of their event's time: the producer sets
 * the record timestamp when it sends (and a topic with {@code message.timestamp.type=LogAppendTime} when it
 * appends). The event time stays in every record's JSON ({@code timestamp}). With event times on the records, a
 * replay of data older than the output topic's {@code retention.ms} would be written and then deleted at the
 * broker's next retention check: outputs lost although every transaction committed.
 */
final class WriteTimeRecords<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private final KafkaRecordSerializationSchema<T> records;

    WriteTimeRecords(KafkaRecordSerializationSchema<T> records) {
        this.records = records;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        records.open(context, sinkContext);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        return records.serialize(element, context, null);
    }
}
