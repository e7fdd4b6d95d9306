package org.flinkrtrl.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Replays the bundled wireless-sensor data set (suthaharan-single-hop.csv) into a topic as JSON lines, the four
 * motes interleaved by reading number like a live feed:
 * {"key":"mote-1","ts":1273392000000,"humidity":45.93,"temperature":27.97,"label":0}.
 *
 * <pre>SensorReplay --bootstrap-servers H:P --topic T --file CSV [--rate 100] [--loops 1]</pre>
 *
 * <p>Timestamps are 2010-05-09T08:00Z + 5 s x (reading - 1), shifted by the data span on each further loop so
 * event time keeps growing. {@code --rate 0} sends as fast as possible; {@code --loops 0} repeats forever.
 */
@Command(name = "SensorReplay")
public final class SensorReplay implements Callable<Integer> {
    static final long START_TS = 1_273_392_000_000L;

    @Option(names = "--bootstrap-servers", required = true) String bootstrap;
    @Option(names = "--topic", required = true) String topic;
    @Option(names = "--file", required = true) Path file;
    @Option(names = "--rate", defaultValue = "100") long rate;
    @Option(names = "--loops", defaultValue = "1") long loops;

    public static void main(String[] argv) {
        ToolLogging.quiet();
        System.exit(new CommandLine(new SensorReplay()).execute(argv));
    }

    @Override
    public Integer call() throws Exception {
        List<String[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) rows.add(line.split(","));
        }
        // columns: reading,mote_id,indoor,humidity,temperature,label
        rows.sort(Comparator.<String[]>comparingLong(r -> Long.parseLong(r[0])).thenComparingLong(r -> Long.parseLong(r[1])));
        long span = 5000L * rows.stream().mapToLong(r -> Long.parseLong(r[0])).max().orElse(0);

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        long sent = 0;
        long t0 = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (long loop = 0; loops == 0 || loop < loops; loop++) {
                for (String[] r : rows) {
                    String key = "mote-" + r[1];
                    long ts = START_TS + loop * span + 5000L * (Long.parseLong(r[0]) - 1);
                    String json = "{\"key\":\"" + key + "\",\"ts\":" + ts + ",\"humidity\":" + r[3]
                            + ",\"temperature\":" + r[4] + ",\"label\":" + r[5] + "}";
                    producer.send(new ProducerRecord<>(topic, key, json));
                    sent++;
                    if (rate > 0) {
                        long wait = t0 + (long) (sent * 1e9 / rate) - System.nanoTime();
                        if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    if (sent % 5000 == 0) System.out.println("SensorReplay: " + sent + " records sent");
                }
            }
            producer.flush();
        }
        System.out.println("SensorReplay: done, " + sent + " records to " + topic);
        return 0;
    }
}
