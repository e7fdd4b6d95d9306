package org.flinkrtrl.connectors;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.LogPrediction;
import org.flinkrtrl.record.Prediction;

/**
 * Builders for the job's Kafka source and sinks. Client properties are passed through unchanged (security
 * settings included); explicit arguments (bootstrap servers, group id) win over them.
 */
public final class KafkaConnectors {
    /** Default transaction timeout: must not exceed the broker's transaction.max.timeout.ms (15 min). */
    public static final String TRANSACTION_TIMEOUT_MS = "60000";

    private KafkaConnectors() {}

    /** Parses {@code exactly-once | at-least-once | none}. */
    public static DeliveryGuarantee delivery(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "exactly-once":
                return DeliveryGuarantee.EXACTLY_ONCE;
            case "at-least-once":
                return DeliveryGuarantee.AT_LEAST_ONCE;
            case "none":
                return DeliveryGuarantee.NONE;
            default:
                throw new IllegalArgumentException("unknown delivery '" + s + "'; expected exactly-once or at-least-once");
        }
    }

    /**
     * Raw records of {@code topic}, starting from the group's committed offsets (earliest when none); offsets are
     * committed on checkpoints, and restored state wins over both. Reads committed data only unless the
     * properties say otherwise.
     */
    public static KafkaSource<RawRecord> source(String bootstrap, String topic, String groupId, Properties props) {
        Properties p = new Properties();
        p.setProperty("isolation.level", "read_committed");
        p.putAll(props);
        return KafkaSource.<RawRecord>builder()
            .setProperties(p)
            .setBootstrapServers(bootstrap)
            .setTopics(topic)
            .setGroupId(groupId)
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new RawRecordDeserializer())
            .build();
    }

    /** Predictions as JSON, keyed by the stream key so each key's outputs stay in one partition, in order. */
    public static KafkaSink<Prediction> predictionSink(String bootstrap, String topic, DeliveryGuarantee delivery,
                                                       String transactionalIdPrefix, Properties props) {
        return sink(bootstrap, delivery, transactionalIdPrefix, props,
            KafkaRecordSerializationSchema.<Prediction>builder()
                .setTopic(topic)
                .setKeySerializationSchema(new PredictionKey())
                .setValueSerializationSchema(new PredictionValue())
                .build());
    }

    /** Log-mode outputs as JSON ({@link LogPredictionJson}), keyed by the source key. */
    public static KafkaSink<LogPrediction> logPredictionSink(String bootstrap, String topic, DeliveryGuarantee delivery,
                                                             String transactionalIdPrefix, Properties props) {
        return sink(bootstrap, delivery, transactionalIdPrefix, props,
            KafkaRecordSerializationSchema.<LogPrediction>builder()
                .setTopic(topic)
                .setKeySerializationSchema(new LogPredictionKey())
                .setValueSerializationSchema(new LogPredictionValue())
                .build());
    }

    /** Dead letters as JSON (stage, reason, key, ts and the original payload text), keyed by the key when known. */
    public static KafkaSink<DeadLetter> deadLetterSink(String bootstrap, String topic, DeliveryGuarantee delivery,
                                                       String transactionalIdPrefix, Properties props) {
        return sink(bootstrap, delivery, transactionalIdPrefix, props,
            KafkaRecordSerializationSchema.<DeadLetter>builder()
                .setTopic(topic)
                .setKeySerializationSchema(new DeadLetterKey())
                .setValueSerializationSchema(new DeadLetterValue())
                .build());
    }

    private static <T> KafkaSink<T> sink(String bootstrap, DeliveryGuarantee delivery, String prefix, Properties props,
                                         KafkaRecordSerializationSchema<T> serializer) {
        Properties p = new Properties();
        p.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        p.putAll(props);
        return KafkaSink.<T>builder()
            .setKafkaProducerConfig(p)
            .setBootstrapServers(bootstrap)
            .setDeliveryGuarantee(delivery)
            .setTransactionalIdPrefix(prefix)
            .setRecordSerializer(serializer)
            .build();
    }

    static final class PredictionKey implements SerializationSchema<Prediction> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(Prediction p) {
            return p.key.getBytes(StandardCharsets.UTF_8);
        }
    }

    static final class PredictionValue implements SerializationSchema<Prediction> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(Prediction p) {
            return PredictionJson.toJson(p).getBytes(StandardCharsets.UTF_8);
        }
    }

    static final class LogPredictionKey implements SerializationSchema<LogPrediction> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(LogPrediction p) {
            return p.key.getBytes(StandardCharsets.UTF_8);
        }
    }

    static final class LogPredictionValue implements SerializationSchema<LogPrediction> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(LogPrediction p) {
            return LogPredictionJson.toJson(p).getBytes(StandardCharsets.UTF_8);
        }
    }

    static final class DeadLetterKey implements SerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(DeadLetter d) {
            return d.key == null ? null : d.key.getBytes(StandardCharsets.UTF_8);
        }
    }

    static final class DeadLetterValue implements SerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(DeadLetter d) {
            return PredictionJson.toJson(d).getBytes(StandardCharsets.UTF_8);
        }
    }
}
