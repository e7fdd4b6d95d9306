package org.flinkrtrl.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The Kafka clients' defaults of the job (batching, records per poll, committed reads) and the user's overrides. */
class KafkaClientDefaultsTest {
    @Test
    void producerBatchesByDefault() {
        Properties p = KafkaConnectors.producerProperties(new Properties());
        assertEquals("1048576", p.getProperty("batch.size"));
        assertEquals("100", p.getProperty("linger.ms"));
        assertEquals("60000", p.getProperty("transaction.timeout.ms"));
        assertEquals(3, p.size());
    }

    @Test
    void consumerReadsCommittedInLargePolls() {
        Properties p = KafkaConnectors.consumerProperties(new Properties());
        assertEquals("read_committed", p.getProperty("isolation.level"));
        assertEquals("2000", p.getProperty("max.poll.records"));
        assertEquals(2, p.size());
    }

    @Test
    void givenPropertiesWin() {
        Properties user = new Properties();
        user.setProperty("linger.ms", "5");
        user.setProperty("batch.size", "16384");
        user.setProperty("max.poll.records", "500");
        user.setProperty("isolation.level", "read_uncommitted");
        user.setProperty("security.protocol", "SSL");
        Properties prod = KafkaConnectors.producerProperties(user);
        assertEquals("5", prod.getProperty("linger.ms"));
        assertEquals("16384", prod.getProperty("batch.size"));
        assertEquals("SSL", prod.getProperty("security.protocol"));
        Properties cons = KafkaConnectors.consumerProperties(user);
        assertEquals("500", cons.getProperty("max.poll.records"));
        assertEquals("read_uncommitted", cons.getProperty("isolation.level"));
        assertEquals("SSL", cons.getProperty("security.protocol"));
    }
}
