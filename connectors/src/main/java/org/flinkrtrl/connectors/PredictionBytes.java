package org.flinkrtrl.connectors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.flinkrtrl.record.Prediction;

/**
 * The prediction format's one writer (PredictionJson's toJson, line writer and Kafka encoder all use it): a
 * prediction's JSON as UTF-8 bytes in a reused buffer, without a JSON generator in between (field names and
 * punctuation as constant bytes, numbers through {@link DoubleText}). A string with anything but printable ASCII
 * other than quote and backslash (rare in keys and labels) goes through Jackson's generator, so its escaping is
 * Jackson's by construction. Not thread-safe: one per writer.
 */
final class PredictionBytes {
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] LONG_MIN = ascii(Long.toString(Long.MIN_VALUE));
    private static final byte[] KEY = ascii("{\"key\":");
    private static final byte[] TS = ascii(",\"ts\":");
    private static final byte[] STEPS = ascii(",\"steps\":");
    private static final byte[] ACTUAL = ascii(",\"actual\":");
    private static final byte[] FORECAST = ascii(",\"forecast\":");
    private static final byte[] PREVIOUS_FORECAST = ascii(",\"previousForecast\":");
    private static final byte[] SCALE = ascii(",\"scale\":");
    private static final byte[] LOWER = ascii(",\"lower\":");
    private static final byte[] UPPER = ascii(",\"upper\":");
    private static final byte[] PREVIOUS_LOWER = ascii(",\"previousLower\":");
    private static final byte[] PREVIOUS_UPPER = ascii(",\"previousUpper\":");
    private static final byte[] LOSS = ascii(",\"loss\":");
    private static final byte[] ANOMALY_SCORE = ascii(",\"anomalyScore\":");
    private static final byte[] SURPRISE = ascii(",\"anomaly\":{\"surprise\":");
    private static final byte[] LIKELIHOOD = ascii(",\"likelihood\":");
    private static final byte[] SUSTAINED = ascii(",\"sustained\":");
    private static final byte[] LEVEL = ascii(",\"level\":");
    private static final byte[] CHANNEL = ascii(",\"channel\":");
    private static final byte[] WARMING_UP = ascii(",\"warmingUp\":");
    private static final byte[] ANOMALOUS = ascii("},\"anomalous\":");
    private static final byte[] ROLLING_ERROR = ascii(",\"rollingError\":");
    private static final byte[] DRIFT = ascii(",\"drift\":");
    private static final byte[] DIVERGED = ascii(",\"diverged\":");
    private static final byte[] LABEL = ascii(",\"label\":");

    private byte[] buf = new byte[1024];
    private int len;
    /** For strings that need escaping: Jackson's generator and its buffer, created on first use. */
    private ByteArrayOutputStream escapedOut;
    private com.fasterxml.jackson.core.JsonGenerator escaped;

    /** Clears the buffer and writes {@code p}'s JSON object into it (plus {@code '\n'} when {@code newline}). */
    PredictionBytes encode(Prediction p, boolean newline) {
        len = 0;
        raw(KEY);
        string(p.key);
        raw(TS);
        integer(p.timestamp);
        raw(STEPS);
        integer(p.steps);
        array(ACTUAL, p.actual);
        array(FORECAST, p.forecast);
        array(PREVIOUS_FORECAST, p.previousForecast);
        if (p.lower != null) {
            array(SCALE, p.scale);
            array(LOWER, p.lower);
            array(UPPER, p.upper);
            array(PREVIOUS_LOWER, p.previousLower);
            array(PREVIOUS_UPPER, p.previousUpper);
        }
        field(LOSS, p.loss);
        field(ANOMALY_SCORE, p.anomalyScore);
        field(SURPRISE, p.surprise);
        field(LIKELIHOOD, p.likelihood);
        field(SUSTAINED, p.sustained);
        field(LEVEL, p.level);
        raw(CHANNEL);
        integer(p.anomalyChannel);
        raw(WARMING_UP);
        raw(p.warmingUp ? TRUE : FALSE);
        raw(ANOMALOUS);
        raw(p.anomalous ? TRUE : FALSE);
        field(ROLLING_ERROR, p.rollingError);
        raw(DRIFT);
        raw(p.drift ? TRUE : FALSE);
        raw(DIVERGED);
        raw(p.diverged ? TRUE : FALSE);
        if (p.label != null) {
            raw(LABEL);
            string(p.label);
        }
        ensure(2);
        buf[len++] = '}';
        if (newline) {
            buf[len++] = '\n';
        }
        return this;
    }

    byte[] buffer() {
        return buf;
    }

    int length() {
        return len;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    String text() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, len + n));
        }
    }

    private void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void field(byte[] name, double v) {
        raw(name);
        number(v);
    }

    private void array(byte[] name, double[] a) {
        raw(name);
        if (a == null) {
            raw(NULL);
            return;
        }
        ensure(1);
        buf[len++] = '[';
        for (int i = 0; i < a.length; i++) {
            if (i > 0) {
                ensure(1);
                buf[len++] = ',';
            }
            number(a[i]);
        }
        ensure(1);
        buf[len++] = ']';
    }

    /** {@link DoubleText}'s text (ASCII), NaN and infinities as {@code null}. */
    private void number(double v) {
        if (!Double.isFinite(v)) {
            raw(NULL);
            return;
        }
        ensure(DoubleText.MAX_CHARS);
        len = DoubleText.write(v, buf, len);
    }

    /** A long's decimal digits, as Jackson writes them. */
    private void integer(long v) {
        if (v == Long.MIN_VALUE) {
            raw(LONG_MIN);
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int end = len + digits;
        for (int i = end - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len = end;
    }

    /** A JSON string (null as {@code null}): printable ASCII copied, anything else through Jackson's escaping. */
    private void string(String s) {
        if (s == null) {
            raw(NULL);
            return;
        }
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                escapedString(s);
                return;
            }
        }
        ensure(n + 2);
        buf[len++] = '"';
        for (int i = 0; i < n; i++) {
            buf[len + i] = (byte) s.charAt(i);
        }
        len += n;
        buf[len++] = '"';
    }

    private void escapedString(String s) {
        try {
            if (escaped == null) {
                escapedOut = new ByteArrayOutputStream(64);
                escaped = PredictionJson.FACTORY.createGenerator(escapedOut,
                    com.fasterxml.jackson.core.JsonEncoding.UTF8);
            }
            PredictionJson.string(escaped, s);
            escaped.flush();
            byte[] b = escapedOut.toByteArray();
            escapedOut.reset();
            raw(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
