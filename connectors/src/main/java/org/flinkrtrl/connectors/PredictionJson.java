package org.flinkrtrl.connectors;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Prediction;
import org.flinkrtrl.record.Texts;

/**
 * The output format: one JSON object per prediction,
 * {@code {"key","ts","steps","actual":[..],"forecast":[..],"previousForecast":[..],"scale":[..],"lower":[..],
 * "upper":[..],"previousLower":[..],"previousUpper":[..],"loss","anomalyScore",
 * "anomaly":{"surprise","likelihood","sustained","level","channel","warmingUp"},"anomalous","rollingError","drift","diverged",
 * "label"}}
 * ({@code label} only when present; NaN and infinities are written as {@code null} and read back as NaN), and the
 * dead-letter format {@code {"stage","reason","key","ts","payload","payloadBytes"}} plus {@code "payloadSha256"}
 * when the payload is only a prefix of the rejected record. Text with an unpaired UTF-16 surrogate is written with
 * every non-ASCII character as a JSON escape, so the output is always valid UTF-8 and reads back to the same
 * string. Numbers are written as the shortest text that reads back to the same double ({@link DoubleText}, the text
 * of Jackson's fast double writer, which writes the report's numbers).
 * The static methods are stateless and thread-safe; {@link LineWriter} and {@link Encoder} write predictions with
 * {@link PredictionBytes} (the same bytes without a generator) and dead letters through one reused generator, for
 * a whole stream of records (one per thread).
 */
public final class PredictionJson {
    /** No separator between root values: {@link LineWriter} ends every record with a newline itself. */
    static final JsonFactory FACTORY = new JsonFactoryBuilder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
        .rootValueSeparator((String) null).build();
    /** Reads numbers with Jackson's fast double parser (correctly rounded: the same doubles, in less time). */
    private static final ObjectMapper MAPPER = new ObjectMapper(
        new JsonFactoryBuilder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build());

    private PredictionJson() {}

    /** The prediction's JSON text: {@link PredictionBytes}' bytes (the writers' too) as a String. */
    public static String toJson(Prediction p) {
        return new PredictionBytes().encode(p, false).text();
    }

    /**
     * JSON lines (UTF-8) on an output stream: the same text as {@link #toJson} plus a newline per record, without a
     * String per record. Predictions are written by {@link PredictionBytes} (no generator in between), dead letters
     * through Jackson; both into one buffer of this writer's, which goes to the stream when full and on close (as the
     * generator's own buffer did). Not thread-safe; closing it closes the stream.
     */
    public static final class LineWriter implements Closeable {
        private final OutputStream out;
        private final PredictionBytes bytes = new PredictionBytes();
        private Encoder deadLetters;
        private final byte[] pending = new byte[8192];
        private int pendingLength;

        public LineWriter(OutputStream out) {
            this.out = out;
        }

        public void write(Prediction p) throws IOException {
            bytes.encode(p, true);
            append(bytes.buffer(), bytes.length());
        }

        public void write(DeadLetter d) throws IOException {
            if (deadLetters == null) {
                deadLetters = new Encoder();
            }
            byte[] b = deadLetters.encode(d);
            append(b, b.length);
            append(NEWLINE, 1);
        }

        private void append(byte[] b, int n) throws IOException {
            if (pendingLength + n > pending.length) {
                out.write(pending, 0, pendingLength);
                pendingLength = 0;
                if (n > pending.length) {
                    out.write(b, 0, n);
                    return;
                }
            }
            System.arraycopy(b, 0, pending, pendingLength, n);
            pendingLength += n;
        }

        @Override
        public void close() throws IOException {
            try {
                out.write(pending, 0, pendingLength);
                pendingLength = 0;
            } finally {
                out.close();
            }
        }
    }

    private static final byte[] NEWLINE = {'\n'};

    /**
     * Predictions or dead letters to UTF-8 JSON bytes (the text of {@link #toJson}): predictions by
     * {@link PredictionBytes}, dead letters through one reused Jackson generator and buffer; a Kafka value
     * serialiser's per-record work without the intermediate String. Not thread-safe.
     */
    public static final class Encoder {
        private final PredictionBytes bytes = new PredictionBytes();
        private Buffer buffer;
        private JsonGenerator g;

        public Encoder() {}

        public byte[] encode(Prediction p) {
            return bytes.encode(p, false).toByteArray();
        }

        public byte[] encode(DeadLetter d) {
            try {
                if (g == null) {
                    buffer = new Buffer();
                    g = FACTORY.createGenerator(buffer, JsonEncoding.UTF8);
                }
                PredictionJson.write(g, d);
                g.flush();
                byte[] b = buffer.toByteArray();
                buffer.reset();
                return b;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static final class Buffer extends ByteArrayOutputStream {
            Buffer() {
                super(512);
            }
        }
    }

    public static Prediction fromJson(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            Prediction p = new Prediction();
            p.key = n.path("key").asText(null);
            p.timestamp = n.path("ts").asLong();
            p.steps = n.path("steps").asLong();
            p.actual = array(n.get("actual"));
            p.forecast = array(n.get("forecast"));
            p.previousForecast = array(n.get("previousForecast"));
            p.scale = array(n.get("scale"));
            p.lower = array(n.get("lower"));
            p.upper = array(n.get("upper"));
            p.previousLower = array(n.get("previousLower"));
            p.previousUpper = array(n.get("previousUpper"));
            p.loss = number(n.get("loss"));
            p.anomalyScore = number(n.get("anomalyScore"));
            JsonNode a = n.path("anomaly");
            p.surprise = number(a.get("surprise"));
            p.likelihood = number(a.get("likelihood"));
            p.sustained = number(a.get("sustained"));
            p.level = number(a.get("level"));
            p.anomalyChannel = a.path("channel").asInt(0);
            p.warmingUp = a.path("warmingUp").asBoolean(false);
            p.anomalous = n.path("anomalous").asBoolean(false);
            p.rollingError = number(n.get("rollingError"));
            p.drift = n.path("drift").asBoolean(false);
            p.diverged = n.path("diverged").asBoolean(false);
            JsonNode l = n.get("label");
            p.label = l == null || l.isNull() ? null : l.asText();
            return p;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a prediction record: " + text, e);
        }
    }

    public static String toJson(DeadLetter d) {
        StringWriter w = new StringWriter(160);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            write(g, d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** One dead letter as a JSON object on {@code g}. */
    static void write(JsonGenerator g, DeadLetter d) throws IOException {
        g.writeStartObject();
        string(g, "stage", d.stage);
        string(g, "reason", d.reason);
        string(g, "key", d.key);
        if (d.timestamp != Long.MIN_VALUE) {
            g.writeNumberField("ts", d.timestamp);
        } else {
            g.writeNullField("ts");
        }
        string(g, "payload", d.payload);
        g.writeNumberField("payloadBytes", d.payloadBytes);
        if (d.payloadSha256 != null) {
            g.writeStringField("payloadSha256", d.payloadSha256);
        }
        g.writeEndObject();
    }

    public static DeadLetter deadLetterFromJson(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            JsonNode ts = n.get("ts");
            DeadLetter d = new DeadLetter(n.path("stage").asText(null), n.path("reason").asText(null),
                n.hasNonNull("payload") ? n.get("payload").asText() : null,
                n.hasNonNull("key") ? n.get("key").asText() : null,
                ts == null || ts.isNull() ? Long.MIN_VALUE : ts.asLong());
            d.payloadBytes = n.path("payloadBytes").asLong(-1);
            d.payloadSha256 = n.hasNonNull("payloadSha256") ? n.get("payloadSha256").asText() : null;
            return d;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a dead-letter record: " + text, e);
        }
    }

    /** A string field (null as JSON null); all non-ASCII escaped when the text has an unpaired surrogate. */
    private static void string(JsonGenerator g, String name, String v) throws IOException {
        g.writeFieldName(name);
        string(g, v);
    }

    /** A string value (null as JSON null); all non-ASCII escaped when the text has an unpaired surrogate. */
    static void string(JsonGenerator g, String v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (Texts.unpairedSurrogate(v) >= 0) {
            g.setHighestNonEscapedChar(0x7f);
            g.writeString(v);
            g.setHighestNonEscapedChar(0);
        } else {
            g.writeString(v);
        }
    }

    /** A number field, NaN and infinities as {@code null}: the output formats' convention. */
    public static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(name, v);
        } else {
            g.writeNullField(name);
        }
    }

    private static double[] array(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        double[] a = new double[n.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = number(n.get(i));
        }
        return a;
    }

    private static double number(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.doubleValue();
    }
}
