package org.flinkrtrl.record;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * A record that could not be used, with the reason: unparseable bytes from a connector, or an event the model
 * refused (wrong dimension, NaN, missing key). Nothing is dropped silently. A Flink POJO.
 *
 * <p>Size: {@link #bounded} keeps a dead letter small whatever the input was, so it fits every sink (a bounded
 * log run's result collector takes 2 MB per batch, a Kafka producer 1 MB per request by default): the reason is cut to
 * {@link #MAX_REASON_CHARS}, the key to {@link #MAX_KEY_CHARS}, and a payload longer than the limit keeps its first
 * bytes, with the full payload's UTF-8 length in {@link #payloadBytes} and its SHA-256 in {@link #payloadSha256}.
 */
public class DeadLetter {
    /** Default limit on the payload kept in a dead letter, UTF-8 bytes. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;
    /** Longest reason kept, characters. */
    public static final int MAX_REASON_CHARS = 1024;
    /** Longest key kept, characters. */
    public static final int MAX_KEY_CHARS = 1024;

    /** Where it was rejected: "parse" (connector) or "validate" (operator). */
    public String stage;
    /** Human-readable reason, e.g. "values has dimension 3, expected 2". */
    public String reason;
    /** The original record as text (UTF-8 decoded bytes, or the event's toString). */
    public String payload;
    /** The key when known, else null. */
    public String key;
    /** Event time when known, else Long.MIN_VALUE. */
    public long timestamp = Long.MIN_VALUE;
    /** UTF-8 length of the whole original payload (-1 when unknown). */
    public long payloadBytes = -1;
    /** Hex SHA-256 of the whole original payload's UTF-8 bytes when {@link #payload} holds only its prefix, else null. */
    public String payloadSha256;

    public DeadLetter() {}

    public DeadLetter(String stage, String reason, String payload, String key, long timestamp) {
        this.stage = stage;
        this.reason = reason;
        this.payload = payload;
        this.key = key;
        this.timestamp = timestamp;
    }

    /**
     * A dead letter whose size is bounded: reason and key cut to {@link #MAX_REASON_CHARS} and {@link #MAX_KEY_CHARS}
     * characters, the payload to {@code maxPayloadBytes} UTF-8 bytes (then with its length and hash).
     */
    public static DeadLetter bounded(String stage, String reason, String payload, String key, long timestamp,
                                     int maxPayloadBytes) {
        DeadLetter d = new DeadLetter(stage, cut(reason, MAX_REASON_CHARS), payload, Texts.prefix(key, MAX_KEY_CHARS),
            timestamp);
        if (payload != null) {
            // 3 bytes per char at most (a surrogate pair is 2 chars for 4 bytes): short payloads skip the encoding
            if ((long) payload.length() * 3 <= maxPayloadBytes) {
                d.payloadBytes = utf8Length(payload);
            } else {
                byte[] utf8 = payload.getBytes(StandardCharsets.UTF_8);
                d.payloadBytes = utf8.length;
                if (utf8.length > maxPayloadBytes) {
                    d.payload = utf8Prefix(payload, maxPayloadBytes);
                    d.payloadSha256 = sha256(utf8);
                }
            }
        }
        return d;
    }

    /** True when {@link #payload} holds only a prefix of the original payload. */
    public boolean payloadTruncated() {
        return payloadSha256 != null;
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : Texts.prefix(s, max) + "...";
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1; // encoded as '?'
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** The longest prefix of {@code s} whose UTF-8 encoding has at most {@code maxBytes} bytes. */
    static String utf8Prefix(String s, int maxBytes) {
        long n = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int chars = 1;
            int bytes;
            if (c < 0x80) {
                bytes = 1;
            } else if (c < 0x800) {
                bytes = 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes = 4;
                chars = 2;
            } else if (Character.isSurrogate(c)) {
                bytes = 1;
            } else {
                bytes = 3;
            }
            if (n + bytes > maxBytes) {
                break;
            }
            n += bytes;
            i += chars;
        }
        return s.substring(0, i);
    }

    static String sha256(byte[] b) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(b);
            StringBuilder sb = new StringBuilder(64);
            for (byte x : h) {
                sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeadLetter)) {
            return false;
        }
        DeadLetter d = (DeadLetter) o;
        return timestamp == d.timestamp && payloadBytes == d.payloadBytes
            && Objects.equals(payloadSha256, d.payloadSha256) && Objects.equals(stage, d.stage) && Objects.equals(reason, d.reason)
            && Objects.equals(payload, d.payload) && Objects.equals(key, d.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stage, reason, payload, key, timestamp, payloadBytes, payloadSha256);
    }

    @Override
    public String toString() {
        return "DeadLetter{stage=" + stage + ", reason=" + reason + ", key=" + key + ", payload=" + payload + "}";
    }
}
