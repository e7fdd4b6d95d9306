package org.flinkrtrl.flink;

import static org.flinkrtrl.core.learner.ModelSettings.*;

import org.flinkrtrl.record.Event;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.flinkrtrl.core.grad.Method;
import org.flinkrtrl.core.learner.ModelConfig;
import org.flinkrtrl.core.math.Rng;

/** Test inputs: the vendored sensor excerpt (real data) and small synthetic keyed streams. */
public final class TestEvents {
    public static final String SENSOR_RESOURCE = "/sensors/suthaharan-motes-1-4-excerpt.csv";
    /** 9 May 2010 00:00 UTC; the data set has no absolute time, readings are 5 s apart. */
    static final long START_MS = 1273363200000L;

    private TestEvents() {}

    /** A small, fast model over {@code inputs} values: tanh, n = 8, r-OK with r = 2. */
    public static ModelConfig config(int inputs) {
        return ModelConfig.builder().set(HIDDEN, 8).set(INPUTS, inputs).set(OUTPUTS, inputs).set(METHOD, Method.OK).set(RANK, 2)
            .set(LEARNING_RATE, 1e-2).set(SEED, 7L).build();
    }

    /**
     * Sensor readings as events keyed "mote-N" with values {humidity, temperature} and the label, interleaved by
     * reading number (mote 1, mote 4, mote 1, ...), as they would arrive from the network.
     */
    public static List<Event> sensors() {
        List<Event> events = new ArrayList<>();
        List<Long> readings = new ArrayList<>();
        try (InputStream in = TestEvents.class.getResourceAsStream(SENSOR_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + SENSOR_RESOURCE);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line = r.readLine(); // header
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",");
                long reading = Long.parseLong(f[0]);
                events.add(new Event("mote-" + f[1], START_MS + 5000L * (reading - 1),
                    new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4])}, null, f[5]));
                readings.add(reading);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingLong(readings::get).thenComparing(i -> events.get(i).key));
        List<Event> sorted = new ArrayList<>();
        for (int i : order) {
            sorted.add(events.get(i));
        }
        return sorted;
    }

    /** {@code keys} noisy sine streams of {@code perKey} events each with 2 values, round-robin over keys. */
    public static List<Event> synthetic(int keys, int perKey, long seed) {
        Rng rng = new Rng(seed);
        List<Event> out = new ArrayList<>();
        for (int t = 0; t < perKey; t++) {
            for (int k = 0; k < keys; k++) {
                double phase = 0.7 * k;
                double a = Math.sin(0.2 * t + phase) + 0.05 * rng.nextGaussian();
                double b = Math.cos(0.13 * t + phase) * 2 + 10 + 0.05 * rng.nextGaussian();
                out.add(new Event("k" + k, START_MS + 1000L * t, new double[] {a, b}, null, null));
            }
        }
        return out;
    }
}
