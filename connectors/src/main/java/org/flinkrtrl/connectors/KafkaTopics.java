package org.flinkrtrl.connectors;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The start-up check of a Kafka job's input topic: a missing topic is a clear error before the job is submitted
 * (the Kafka source would otherwise fail, restart and fail again), or, with a wait, a message every few seconds
 * until it appears.
 */
public final class KafkaTopics {
    /** How long one look-up may take (connecting to the brokers included). */
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 2000;

    private KafkaTopics() {}

    /**
     * Returns when {@code topic} exists; waits up to {@code wait} for it (zero: does not wait), reporting through
     * {@code log}.
     *
     * @throws IllegalStateException when the topic is still missing, or the brokers cannot be reached
     */
    public static void requireTopic(String bootstrap, String topic, Properties props, Duration wait, Consumer<String> log)
        throws InterruptedException {
        Properties p = new Properties();
        for (String k : props.stringPropertyNames()) {
            if (AdminClientConfig.configNames().contains(k)) {
                p.setProperty(k, props.getProperty(k));
            }
        }
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(LOOKUP_TIMEOUT.toMillis()));
        long deadline = System.nanoTime() + wait.toNanos();
        boolean announced = false;
        try (Admin admin = Admin.create(p)) {
            while (true) {
                Set<String> names;
                try {
                    names = admin.listTopics().names().get(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    throw new IllegalStateException("cannot list the topics of Kafka at " + bootstrap + " within "
                        + LOOKUP_TIMEOUT.toSeconds() + " s: " + c, c);
                }
                if (names.contains(topic)) {
                    if (announced) {
                        log.accept("input topic '" + topic + "' exists now");
                    }
                    return;
                }
                if (System.nanoTime() >= deadline) {
                    throw new IllegalStateException("input topic '" + topic + "' does not exist on " + bootstrap
                        + (wait.isZero() ? "" : " (waited " + wait + ")")
                        + "; create it first (kafka-topics.sh --create --topic " + topic
                        + "), or let the job wait for it with --input-topic-wait <duration>");
                }
                if (!announced) {
                    log.accept("input topic '" + topic + "' does not exist on " + bootstrap + " yet; waiting up to "
                        + wait + " for it");
                    announced = true;
                }
                Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
        }
    }
}
