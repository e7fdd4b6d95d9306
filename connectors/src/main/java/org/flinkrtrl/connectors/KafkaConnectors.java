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
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.flinkrtrl.record.ControlAck;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.LogPrediction;
import org.flinkrtrl.record.Prediction;
import org.flinkrtrl.record.Texts;

/**
 * Builders for the job's Kafka source and sinks. Client properties are passed through unchanged (security
 * settings included); explicit arguments (bootstrap servers, group id) win over them.
 */
public final class KafkaConnectors {
    /** Default transaction timeout: must not exceed the broker's transaction.max.timeout.ms (15 min). */
    public static final String TRANSACTION_TIMEOUT_MS = "60000";
    /**
     * Default producer batching of the sinks: up to 256 KB per partition batch, sent after at most 20 ms. The client
     * defaults (16 KB, 5 ms) send a request for every 25-30 predictions, and the producer's network thread then costs
     * about as much CPU per event as the model's training step. The properties given override both.
     */
    public static final String BATCH_SIZE = "262144";
    public static final String LINGER_MS = "20";

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
            keyed(topic, p -> p.key, new PredictionValue()));
    }

    /** Log-mode outputs as JSON ({@link LogPredictionJson}), keyed by the source key. */
    public static KafkaSink<LogPrediction> logPredictionSink(String bootstrap, String topic, DeliveryGuarantee delivery,
                                                             String transactionalIdPrefix, Properties props) {
        return sink(bootstrap, delivery, transactionalIdPrefix, props,
            keyed(topic, p -> p.key, new Utf8Text<LogPrediction>(LogPredictionJson::toJson)));
    }

    /** Control acknowledgements as JSON ({@link ControlJson#toJson(ControlAck)}), keyed by the command's id. */
    public static KafkaSink<ControlAck> ackSink(String bootstrap, String topic, DeliveryGuarantee delivery,
                                                String transactionalIdPrefix, Properties props) {
        return sink(bootstrap, delivery, transactionalIdPrefix, props,
            keyed(topic, a -> a.id, new Utf8Text<ControlAck>(ControlJson::toJson)));
    }

    /**
     * Dead letters as JSON (stage, reason, key, ts and the original payload text), keyed by the key when known. A
     * dead letter whose JSON would not fit one producer request ({@code max.request.size}, 1 MB by default, less a
     * margin for the key and the record framing) is sent without its payload (length and hash kept) and counted in
     * the sink's metric {@value #DEGRADED_METRIC}, so a rejected record can never fail the job.
     */
    public static KafkaSink<DeadLetter> deadLetterSink(String bootstrap, String topic, DeliveryGuarantee delivery,
                                                       String transactionalIdPrefix, Properties props) {
        return sink(bootstrap, delivery, transactionalIdPrefix, props,
            keyed(topic, d -> d.key, new DeadLetterValue(maxValueBytes(props))));
    }

    /** Metric (a counter on the dead-letter sink) of dead letters sent without their payload to fit the producer. */
    public static final String DEGRADED_METRIC = "deadLettersWithoutPayload";
    /** Bytes of a producer request kept free for the record's key, headers and framing. */
    static final int REQUEST_MARGIN_BYTES = 8 * 1024;

    /** The largest dead-letter value the producer configured by {@code props} accepts, with the margin. */
    static int maxValueBytes(Properties props) {
        String v = props.getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        int max = 1024 * 1024;
        if (v != null) {
            try {
                max = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(ProducerConfig.MAX_REQUEST_SIZE_CONFIG + " is not an integer: " + v);
            }
        }
        return Math.max(1024, max - REQUEST_MARGIN_BYTES);
    }

    private static <T> KafkaSink<T> sink(String bootstrap, DeliveryGuarantee delivery, String prefix, Properties props,
                                         KafkaRecordSerializationSchema<T> serializer) {
        Properties p = new Properties();
        p.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        p.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE);
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        p.putAll(props);
        return KafkaSink.<T>builder()
            .setKafkaProducerConfig(p)
            .setBootstrapServers(bootstrap)
            .setDeliveryGuarantee(delivery)
            .setTransactionalIdPrefix(prefix)
            .setRecordSerializer(serializer)
            .build();
    }

    /**
     * Records to {@code topic} with {@code key}'s text as the Kafka key (UTF-8; null: no key) and {@code value},
     * stamped with the time they are written ({@link WriteTimeRecords}), not their event's.
     */
    private static <T> KafkaRecordSerializationSchema<T> keyed(String topic, SerializableFunction<T, String> key,
                                                               SerializationSchema<T> value) {
        return new WriteTimeRecords<>(KafkaRecordSerializationSchema.<T>builder()
            .setTopic(topic)
            .setKeySerializationSchema(new Utf8Text<T>(key))
            .setValueSerializationSchema(value)
            .build());
    }

    /** A record's text (its key, or its JSON) as UTF-8 bytes; a null text is an absent Kafka key. */
    static final class Utf8Text<T> implements SerializationSchema<T> {
        private static final long serialVersionUID = 1L;
        private final SerializableFunction<T, String> text;

        Utf8Text(SerializableFunction<T, String> text) {
            this.text = text;
        }

        @Override
        public byte[] serialize(T record) {
            String t = text.apply(record);
            return t == null ? null : t.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A prediction's JSON ({@link PredictionJson}) as UTF-8 bytes, through one reused generator per subtask. */
    static final class PredictionValue implements SerializationSchema<Prediction> {
        private static final long serialVersionUID = 1L;
        private transient PredictionJson.Encoder encoder;

        @Override
        public byte[] serialize(Prediction p) {
            if (encoder == null) {
                encoder = new PredictionJson.Encoder();
            }
            return encoder.encode(p);
        }
    }

    static final class DeadLetterValue implements SerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;
        /** Characters of reason and key kept when a dead letter is cut to fit. */
        static final int MINIMAL_TEXT_CHARS = 256;

        private final int maxBytes;
        private transient Counter degraded;
        private transient long degradedCount;

        DeadLetterValue(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public void open(InitializationContext context) {
            degraded = context.getMetricGroup().counter(DEGRADED_METRIC);
        }

        @Override
        public byte[] serialize(DeadLetter d) {
            byte[] b = PredictionJson.toJson(d).getBytes(StandardCharsets.UTF_8);
            if (b.length <= maxBytes) {
                return b;
            }
            degradedCount++;
            if (degraded != null) {
                degraded.inc();
            }
            return PredictionJson.toJson(minimal(d)).getBytes(StandardCharsets.UTF_8);
        }

        /** Dead letters this instance cut to fit (tests; the metric counts the same). */
        long degradedCount() {
            return degradedCount;
        }

        /** The dead letter without its payload: reason and key cut short, the payload's length and hash kept. */
        static DeadLetter minimal(DeadLetter d) {
            DeadLetter m = DeadLetter.bounded(d.stage, Texts.prefix(d.reason, MINIMAL_TEXT_CHARS)
                + " [payload dropped: the dead letter did not fit the producer's request size]", d.payload,
                Texts.prefix(d.key, MINIMAL_TEXT_CHARS), d.timestamp, 0);
            if (d.payloadTruncated()) {
                m.payloadBytes = d.payloadBytes;
                m.payloadSha256 = d.payloadSha256;
            }
            return m;
        }
    }
}
