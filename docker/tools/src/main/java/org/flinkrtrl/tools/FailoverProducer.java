package org.flinkrtrl.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Streams a deterministic keyed event sequence into a topic at a bounded rate.
 *
 * <pre>FailoverProducer --bootstrap-servers H:P --topic T [--events 100000] [--keys 50] [--rate 5000]
 *                  [--seed 7] [--progress-file F]</pre>
 *
 * <p>Event j goes to key {@code k(j % keys)}; its per-key index is {@code i = j / keys}. Values depend only on
 * (seed, key, i), so two runs give byte-identical per-key sequences. Records are keyed by the event key, and the
 * producer is idempotent with ordering kept across retries, so a broker restart mid-stream loses, duplicates and
 * reorders nothing. The number of acknowledged records is written to the progress file as it grows.
 */
@Command(name = "FailoverProducer")
public final class FailoverProducer implements Callable<Integer> {
    static final long BASE_TS = 1_700_000_000_000L;

    /** The JSON line of event (key index k, per-key index i). */
    public static String event(long seed, int k, long i, int keys) {
        long h = mix(seed * 0x9E3779B97F4A7C15L ^ (k + 1) * 0xBF58476D1CE4E5B9L ^ (i + 1) * 0x94D049BB133111EBL);
        double noise = ((h >>> 11) * 0x1.0p-53) - 0.5;
        double period = 24 + (k % 7) * 3;
        double v = 20.0 + 4.0 * k / keys + 5.0 * Math.sin(2 * Math.PI * i / period + k) + 0.4 * noise;
        double rounded = Math.round(v * 1000.0) / 1000.0;
        return "{\"key\":\"k" + k + "\",\"ts\":" + (BASE_TS + i * 1000L) + ",\"value\":" + rounded + "}";
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Option(names = "--bootstrap-servers", required = true) String bootstrap;
    @Option(names = "--topic", required = true) String topic;
    @Option(names = "--events", defaultValue = "100000") long events;
    @Option(names = "--keys", defaultValue = "50") int keys;
    @Option(names = "--rate", defaultValue = "5000") long rate;
    @Option(names = "--seed", defaultValue = "7") long seed;
    @Option(names = "--progress-file") Path progress;

    public static void main(String[] argv) {
        ToolLogging.quiet();
        System.exit(new CommandLine(new FailoverProducer()).execute(argv));
    }

    @Override
    public Integer call() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000"); // ride out a broker restart
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());

        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        long lastWritten = -1;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (long j = 0; j < events && failure.get() == null; j++) {
                int k = (int) (j % keys);
                producer.send(new ProducerRecord<>(topic, "k" + k, event(seed, k, j / keys, keys)), (md, e) -> {
                    if (e != null) failure.compareAndSet(null, e);
                    else acked.incrementAndGet();
                });
                if (rate > 0) {
                    long due = t0 + (long) ((j + 1) * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                if (progress != null && j % 1000 == 999 && acked.get() != lastWritten) {
                    lastWritten = acked.get();
                    writeProgress(progress, lastWritten);
                }
            }
            producer.flush();
        }
        if (progress != null) writeProgress(progress, acked.get());
        double secs = (System.nanoTime() - t0) / 1e9;
        if (failure.get() != null) {
            System.err.println("FailoverProducer: FAILED after " + acked.get() + " acks: " + failure.get());
            return 1;
        }
        System.out.printf("FailoverProducer: %d events for %d keys to %s in %.1f s%n", acked.get(), keys, topic, secs);
        return 0;
    }

    private static void writeProgress(Path file, long n) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Long.toString(n));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
