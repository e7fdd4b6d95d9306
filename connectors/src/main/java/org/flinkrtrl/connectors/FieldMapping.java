package org.flinkrtrl.connectors;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.flinkrtrl.record.DeadLetter;

/**
 * How a record's fields become an {@link org.flinkrtrl.record.Event}: key, event time, numeric values, optional
 * category and label. Immutable and validated on build.
 *
 * <p>Event time, in order of precedence:
 * <ol>
 *   <li>{@code timeField}: ISO-8601 text (instant, offset or local date-time, date; local values are UTC) or an
 *       epoch number ({@link TimeFormat});</li>
 *   <li>no time field: derived from a 1-based row index as {@code indexStart + (index - 1) * indexStep}, where the
 *       index is the {@code indexField} value (e.g. the sensor CSV's {@code reading}) or, without one, the record's
 *       data-row number in its file (exact for single-stream files);</li>
 *   <li>neither available (a Kafka record without a time field): the record's own timestamp.</li>
 * </ol>
 *
 * <p>Limits: an event time outside [{@code minTimeMillis}, {@code maxTimeMillis}) (default 1970-01-01 to
 * 2200-01-01 UTC), a key or label longer than {@code maxKeyLength} characters (default
 * {@value #DEFAULT_MAX_KEY_LENGTH}) or a category longer than {@code maxCategoryLength} (default the same; a log
 * message field is a category and gets the log mode's message bound) makes the record a dead letter; a dead letter keeps at most
 * {@code maxDeadLetterPayloadBytes} of the record (default {@value DeadLetter#DEFAULT_MAX_PAYLOAD_BYTES} bytes).
 */
public final class FieldMapping implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How a time field is read. AUTO: integral numbers are epoch millis, anything else ISO-8601. */
    public enum TimeFormat { AUTO, ISO, EPOCH_MILLIS, EPOCH_SECONDS }

    /** Default longest key, category and label, characters. */
    public static final int DEFAULT_MAX_KEY_LENGTH = 256;
    /** Default earliest accepted event time: 1970-01-01T00:00:00Z. */
    public static final long DEFAULT_MIN_TIME_MILLIS = 0L;
    /** Default end (exclusive) of accepted event times: 2200-01-01T00:00:00Z. */
    public static final long DEFAULT_MAX_TIME_MILLIS = 7_258_118_400_000L;
    /** Largest accepted dead-letter payload limit: escaped as JSON (up to 6 bytes per byte) it stays below 1 MB. */
    public static final int MAX_DEAD_LETTER_PAYLOAD_BYTES = 128 * 1024;

    public final String keyField;
    public final String constantKey;
    public final String timeField;
    public final TimeFormat timeFormat;
    public final String indexField;
    public final long indexStartMillis;
    public final long indexStepMillis;
    public final String[] valueFields;
    /** Expected number of values; equals valueFields.length unless one field holds a JSON array. */
    public final int dimensions;
    public final String categoryField;
    public final String labelField;
    public final int maxKeyLength;
    /** Longest category (or log message) accepted, characters. */
    public final int maxCategoryLength;
    public final long minTimeMillis;
    public final long maxTimeMillis;
    public final int maxDeadLetterPayloadBytes;

    private FieldMapping(Builder b) {
        this.keyField = b.keyField;
        this.constantKey = b.constantKey;
        this.timeField = b.timeField;
        this.timeFormat = b.timeFormat;
        this.indexField = b.indexField;
        this.indexStartMillis = b.indexStartMillis;
        this.indexStepMillis = b.indexStepMillis;
        this.valueFields = b.valueFields.toArray(new String[0]);
        this.dimensions = b.dimensions > 0 ? b.dimensions : valueFields.length;
        this.categoryField = b.categoryField;
        this.labelField = b.labelField;
        this.maxKeyLength = b.maxKeyLength;
        this.maxCategoryLength = b.maxCategoryLength > 0 ? b.maxCategoryLength : b.maxKeyLength;
        this.minTimeMillis = b.minTimeMillis;
        this.maxTimeMillis = b.maxTimeMillis;
        this.maxDeadLetterPayloadBytes = b.maxDeadLetterPayloadBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "FieldMapping{key=" + (keyField != null ? keyField : "'" + constantKey + "' (constant)")
            + ", time=" + (timeField != null ? timeField + " (" + timeFormat + ")"
                : "derived from " + (indexField != null ? indexField : "row number") + " start=" + indexStartMillis
                    + " step=" + indexStepMillis + "ms")
            + ", values=" + Arrays.toString(valueFields) + (dimensions != valueFields.length ? " dims=" + dimensions : "")
            + (categoryField != null ? ", category=" + categoryField : "")
            + (labelField != null ? ", label=" + labelField : "") + "}";
    }

    /** Builder; {@link #build()} validates. */
    public static final class Builder {
        private String keyField;
        private String constantKey;
        private String timeField;
        private TimeFormat timeFormat = TimeFormat.AUTO;
        private String indexField;
        private long indexStartMillis;
        private long indexStepMillis = 1000L;
        private final List<String> valueFields = new ArrayList<>();
        private int dimensions;
        private String categoryField;
        private String labelField;
        private int maxKeyLength = DEFAULT_MAX_KEY_LENGTH;
        private int maxCategoryLength;
        private long minTimeMillis = DEFAULT_MIN_TIME_MILLIS;
        private long maxTimeMillis = DEFAULT_MAX_TIME_MILLIS;
        private int maxDeadLetterPayloadBytes = DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES;

        /** Field holding the stream key. */
        public Builder keyField(String v) { this.keyField = blankToNull(v); return this; }
        /** A fixed key for every record (single-stream files); used when no key field is set. */
        public Builder constantKey(String v) { this.constantKey = blankToNull(v); return this; }
        /** Field holding the event time; null = derive it (see the class comment). */
        public Builder timeField(String v) { this.timeField = blankToNull(v); return this; }
        public Builder timeFormat(TimeFormat v) { this.timeFormat = Objects.requireNonNull(v); return this; }
        /** Field with a 1-based row counter to derive time from, e.g. {@code reading}. */
        public Builder indexField(String v) { this.indexField = blankToNull(v); return this; }
        /** Derived time of index 1, epoch millis. */
        public Builder indexStartMillis(long v) { this.indexStartMillis = v; return this; }
        /** Derived time step per index, millis (default 1000). */
        public Builder indexStepMillis(long v) { this.indexStepMillis = v; return this; }
        /** Numeric fields, in order; these are the forecast series. */
        public Builder valueFields(String... v) {
            for (String f : v) {
                if (blankToNull(f) != null) {
                    valueFields.add(f.trim());
                }
            }
            return this;
        }
        /** Expected dimension when a single value field holds a JSON array. */
        public Builder dimensions(int v) { this.dimensions = v; return this; }
        public Builder categoryField(String v) { this.categoryField = blankToNull(v); return this; }
        public Builder labelField(String v) { this.labelField = blankToNull(v); return this; }
        /** Longest key, category and label, characters (default {@value #DEFAULT_MAX_KEY_LENGTH}). */
        public Builder maxKeyLength(int v) { this.maxKeyLength = v; return this; }
        /** 0 (the default): the key's bound. */
        public Builder maxCategoryLength(int v) { this.maxCategoryLength = v; return this; }
        /** Earliest accepted event time, epoch millis, inclusive (default 1970-01-01). */
        public Builder minTimeMillis(long v) { this.minTimeMillis = v; return this; }
        /** End of accepted event times, epoch millis, exclusive (default 2200-01-01). */
        public Builder maxTimeMillis(long v) { this.maxTimeMillis = v; return this; }
        /** Most UTF-8 bytes of a rejected record kept in its dead letter (default 64 KiB, at most 128 KiB). */
        public Builder maxDeadLetterPayloadBytes(int v) { this.maxDeadLetterPayloadBytes = v; return this; }

        public FieldMapping build() {
            if (keyField == null && constantKey == null) {
                throw new IllegalArgumentException("a key field or a constant key is required");
            }
            if (valueFields.isEmpty() && categoryField == null) {
                throw new IllegalArgumentException("at least one value field (or, for logs, a category field) is required");
            }
            if (dimensions < 0 || (dimensions > 0 && dimensions != valueFields.size() && valueFields.size() != 1)) {
                throw new IllegalArgumentException("dimensions " + dimensions + " needs exactly one (array) value field, got "
                    + valueFields);
            }
            if (timeField == null && indexStepMillis <= 0) {
                throw new IllegalArgumentException("the derived time step must be > 0 ms, got " + indexStepMillis);
            }
            if (maxKeyLength < 1) {
                throw new IllegalArgumentException("the maximum key length must be >= 1, got " + maxKeyLength);
            }
            if (minTimeMillis >= maxTimeMillis) {
                throw new IllegalArgumentException("the accepted event-time range is empty: min " + minTimeMillis
                    + " >= max " + maxTimeMillis);
            }
            if (maxDeadLetterPayloadBytes < 0 || maxDeadLetterPayloadBytes > MAX_DEAD_LETTER_PAYLOAD_BYTES) {
                throw new IllegalArgumentException("the dead-letter payload limit must be in [0, "
                    + MAX_DEAD_LETTER_PAYLOAD_BYTES + "] bytes, got " + maxDeadLetterPayloadBytes);
            }
            return new FieldMapping(this);
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.trim();
        }
    }
}
