package org.flinkrtrl.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A Kafka 4.2 broker for tests: in-process (KafkaClusterTestKit, single combined KRaft node), or an external broker
 * when the system property or environment variable {@code KAFKA_BOOTSTRAP} is set (e.g. the one started by the
 * docker/kafka scripts).
 */
final class TestKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;
    final String bootstrap;

    private TestKafka(KafkaClusterTestKit cluster, String bootstrap) {
        this.cluster = cluster;
        this.bootstrap = bootstrap;
    }

    static TestKafka start() throws Exception {
        String external = System.getProperty("KAFKA_BOOTSTRAP", System.getenv("KAFKA_BOOTSTRAP"));
        if (external != null && !external.isBlank()) {
            return new TestKafka(null, external.trim());
        }
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
            .build();
        KafkaClusterTestKit c = new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "2")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("transaction.state.log.num.partitions", "2")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .build();
        c.format();
        c.startup();
        c.waitForReadyBrokers();
        return new TestKafka(c, c.bootstrapServers());
    }

    void createTopics(int partitions, String... names) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String n : names) {
                // no retention: nothing a test writes or reads depends on the broker's retention check (the jobs
                // stamp their outputs with write time; KafkaEndToEndTest checks it)
                topics.add(new NewTopic(n, partitions, (short) 1).configs(java.util.Map.of("retention.ms", "-1")));
            }
            admin.createTopics(topics).all().get();
        }
    }

    /**
     * Sends (key, value) text records, keyed, and waits until every one is acknowledged; fails the test if any send
     * fails (generous timeouts: the build machine is shared and can be heavily loaded).
     */
    void produce(String topic, List<String[]> keyValues) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // Not idempotent: the in-process broker under a loaded machine twice answered the idempotent producer with
        // OutOfOrderSequenceException (incoming sequence 0, broker at 1002) and the input was incomplete. One request
        // in flight keeps the order; long timeouts make a retry (and so a duplicate) unlikely.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "180000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000");
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                 new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String[] kv : keyValues) {
                acks.add(producer.send(new ProducerRecord<>(topic,
                    kv[0] == null ? null : kv[0].getBytes(StandardCharsets.UTF_8),
                    kv[1] == null ? null : kv[1].getBytes(StandardCharsets.UTF_8))));
            }
            producer.flush();
            for (Future<RecordMetadata> f : acks) {
                f.get();
            }
        }
    }

    /**
     * Reads committed records of {@code topic} from the beginning until {@code expected} arrived (or the timeout),
     * then keeps polling for {@code quiet} to catch extra records (duplicates).
     */
    List<String> readCommitted(String topic, int expected, Duration timeout, Duration quiet) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommittedRecords(topic, expected, timeout, quiet)) {
            out.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** {@link #readCommitted} with the records themselves (timestamps, keys). */
    List<ConsumerRecord<byte[], byte[]>> readCommittedRecords(String topic, int expected, Duration timeout,
                                                             Duration quiet) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "checker-" + topic + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
                if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + quiet.toNanos();
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }
}
