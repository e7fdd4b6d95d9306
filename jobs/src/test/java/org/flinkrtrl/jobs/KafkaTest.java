package org.flinkrtrl.jobs;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class against a real Kafka broker ({@link TestKafka}): started once before its tests, closed after them. */
abstract class KafkaTest {
    static final Duration TIMEOUT = Duration.ofSeconds(300);
    /** Topic and group suffix, so reruns against an external broker (KAFKA_BOOTSTRAP) start from empty topics. */
    static final String RUN = "-" + Long.toString(System.currentTimeMillis(), 36);
    static TestKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }
}
