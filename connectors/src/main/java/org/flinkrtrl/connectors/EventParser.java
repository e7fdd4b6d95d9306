package org.flinkrtrl.connectors;

import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Texts;

/**
 * Parses one record (a JSON object or a CSV line) with a {@link FieldMapping}. Never throws on bad input: the
 * result is either an {@link Event} or a {@link DeadLetter} with stage {@code "parse"}, a reason and the original
 * text (bounded, see {@link DeadLetter#bounded}). Not thread-safe (one per operator instance); serialisable so it
 * can be shipped inside a function.
 *
 * <p>Grammar, strictly (anything else is a dead letter with the reason):
 * <ul>
 *   <li>a record is one line: one JSON object (RFC 8259; nothing after it but whitespace; no duplicate names), or
 *       one CSV line with exactly the configured columns ({@link Csv});</li>
 *   <li>a number is a JSON number token, or text (a CSV cell, a JSON string) in the decimal grammar
 *       {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?} with nothing around it: no hex, no
 *       {@code d}/{@code f} suffixes, no spaces inside quotes, no {@code NaN}/{@code Infinity}; it must be finite;</li>
 *   <li>the key is a JSON string or integer (a CSV cell), not blank, at most {@code maxKeyLength} characters, with
 *       no control characters and no unpaired UTF-16 surrogate (which a JSON escape of U+D800 alone produces);
 *       category and label follow the same text rules;</li>
 *   <li>the bytes are valid UTF-8;</li>
 *   <li>the event time is inside [{@code minTimeMillis}, {@code maxTimeMillis}).</li>
 * </ul>
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String STAGE = "parse";

    /** Record formats. */
    public enum Format {
        JSON, CSV;

        public static Format parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown format '" + s + "'; expected json or csv");
            }
        }
    }

    /** Either an event or a dead letter. */
    public static final class Result {
        public final Event event;
        public final DeadLetter deadLetter;

        private Result(Event event, DeadLetter deadLetter) {
            this.event = event;
            this.deadLetter = deadLetter;
        }

        public boolean ok() {
            return event != null;
        }
    }

    private final Format format;
    private final FieldMapping mapping;
    private final String[] csvColumns;
    private final char delimiter;
    private transient ObjectMapper json;
    private transient Map<String, Integer> columnIndex;
    /** The current CSV record's cells and the view over them (csvFields). */
    private transient String[] csvCells;
    private transient Fields csvView;

    private EventParser(Format format, FieldMapping mapping, String[] csvColumns, char delimiter) {
        this.format = format;
        this.mapping = mapping;
        this.csvColumns = csvColumns;
        this.delimiter = delimiter;
        if (format == Format.CSV) {
            Map<String, Integer> idx = index(csvColumns);
            List<String> missing = new ArrayList<>();
            for (String f : required(mapping)) {
                if (!idx.containsKey(f)) {
                    missing.add(f);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("CSV columns " + String.join(",", csvColumns) + " lack the mapped fields "
                    + missing);
            }
        }
    }

    public static EventParser json(FieldMapping mapping) {
        return new EventParser(Format.JSON, mapping, null, ',');
    }

    /** A CSV parser for lines with the given columns (the file's header), comma-separated. */
    public static EventParser csv(FieldMapping mapping, String... columns) {
        return csv(mapping, ',', columns);
    }

    public static EventParser csv(FieldMapping mapping, char delimiter, String... columns) {
        if (columns == null || columns.length == 0) {
            throw new IllegalArgumentException("CSV needs its column names (a header line or --csv-columns)");
        }
        return new EventParser(Format.CSV, mapping, columns.clone(), delimiter);
    }

    public Format format() {
        return format;
    }

    public FieldMapping mapping() {
        return mapping;
    }

    /** Parses a record with no file position and no transport timestamp. */
    public Result parse(String text) {
        return parse(text, 0L, Long.MIN_VALUE, -1);
    }

    /** Parses a record decoded from valid UTF-8. */
    public Result parse(String text, long position, long recordTimestamp) {
        return parse(text, position, recordTimestamp, -1);
    }

    /**
     * @param text the record
     * @param position 1-based data-row number in its file, 0 when unknown
     * @param recordTimestamp transport timestamp (Kafka), Long.MIN_VALUE when unknown
     * @param malformedUtf8At byte offset of the first malformed UTF-8 sequence of the record's bytes, -1 for none
     */
    public Result parse(String text, long position, long recordTimestamp, int malformedUtf8At) {
        if (malformedUtf8At >= 0) {
            return reject("invalid UTF-8 byte sequence at byte " + malformedUtf8At, text, null, Long.MIN_VALUE);
        }
        if (text == null || text.isBlank()) {
            return reject("empty record", text, null, Long.MIN_VALUE);
        }
        Fields fields;
        try {
            fields = format == Format.JSON ? jsonFields(text) : csvFields(text);
        } catch (Reject r) {
            return reject(r.getMessage(), text, null, Long.MIN_VALUE);
        }
        String key = null;
        long ts = Long.MIN_VALUE;
        try {
            key = mapping.keyField != null ? key(fields) : mapping.constantKey;
            ts = time(fields, position, recordTimestamp);
            if (ts < mapping.minTimeMillis || ts >= mapping.maxTimeMillis) {
                long t = ts;
                ts = Long.MIN_VALUE;
                throw new Reject("event time " + t + " ms (" + instant(t) + ") is outside the accepted range ["
                    + instant(mapping.minTimeMillis) + ", " + instant(mapping.maxTimeMillis) + ")");
            }
            double[] values = values(fields);
            String category = mapping.categoryField != null
                ? text(fields, mapping.categoryField, "category", mapping.maxCategoryLength) : null;
            String label = mapping.labelField != null ? text(fields, mapping.labelField, "label") : null;
            return new Result(new Event(key, ts, values, category, label), null);
        } catch (Reject r) {
            return reject(r.getMessage(), text, key, ts);
        } catch (RuntimeException e) { // defensive: a parser bug must not fail the job
            return reject("unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(), text, key, ts);
        }
    }

    /**
     * The dead letter of a record longer than the reader's line limit, of which the reader kept {@code prefix}:
     * the payload is (at most the payload limit of) that prefix, length and hash are the whole record's.
     */
    public Result oversize(String prefix, long bytes, String sha256) {
        DeadLetter d = DeadLetter.bounded(STAGE, "record of " + bytes + " bytes is longer than the reader's limit of "
            + Utf8Lines.DEFAULT_MAX_LINE_BYTES + " bytes", prefix, null, Long.MIN_VALUE, mapping.maxDeadLetterPayloadBytes);
        d.payloadBytes = bytes;
        d.payloadSha256 = sha256;
        return new Result(null, d);
    }

    private Result reject(String reason, String text, String key, long ts) {
        return new Result(null, DeadLetter.bounded(STAGE, reason, text, key, ts, mapping.maxDeadLetterPayloadBytes));
    }

    private static String instant(long millis) {
        try {
            return Instant.ofEpochMilli(millis).toString();
        } catch (java.time.DateTimeException e) {
            return millis + " ms";
        }
    }

    /** The key field's text: a JSON string or integer (a CSV cell), checked by {@link #checkText}. */
    private String key(Fields f) {
        Object v = f.raw(mapping.keyField);
        if (v == null) {
            throw new Reject("missing key field '" + mapping.keyField + "'");
        }
        if (v instanceof JsonNode) {
            JsonNode n = (JsonNode) v;
            if (!n.isTextual() && !n.isIntegralNumber()) {
                throw new Reject("key field '" + mapping.keyField + "' is " + kind(n) + ", expected a string");
            }
        }
        String key = f.text(mapping.keyField);
        if (key.isBlank()) {
            throw new Reject("key field '" + mapping.keyField + "' is blank");
        }
        checkText(key, "key", mapping.keyField, mapping.maxKeyLength);
        return key;
    }

    /** An optional text field (category, label): a JSON value (not an object or array) or a CSV cell. */
    private String text(Fields f, String field, String what) {
        return text(f, field, what, mapping.maxKeyLength);
    }

    private String text(Fields f, String field, String what, int maxLength) {
        Object v = f.raw(field);
        if (v instanceof JsonNode && ((JsonNode) v).isContainerNode()) {
            throw new Reject(what + " field '" + field + "' is " + kind((JsonNode) v) + ", expected a string");
        }
        String s = f.text(field);
        if (s != null) {
            checkText(s, what, field, maxLength);
        }
        return s;
    }

    /** Rejects a too long text, an unpaired surrogate or a control character ("WHAT field 'FIELD' has ..."). */
    private static void checkText(String s, String what, String field, int maxLength) {
        if (s.length() > maxLength) {
            throw new Reject(label(what, field) + " has " + s.length() + " characters, more than the maximum "
                + maxLength + ": " + Texts.quote(s));
        }
        int i = Texts.unpairedSurrogate(s);
        if (i >= 0) {
            throw new Reject(label(what, field) + " has an unpaired UTF-16 surrogate U+"
                + String.format("%04X", (int) s.charAt(i)) + " at index " + i + ": " + Texts.quote(s));
        }
        i = Texts.controlChar(s);
        if (i >= 0) {
            throw new Reject(label(what, field) + " has a control character U+"
                + String.format("%04X", (int) s.charAt(i)) + " at index " + i + ": " + Texts.quote(s));
        }
    }

    /** The field's name in a rejection, built only when one is thrown. */
    private static String label(String what, String field) {
        return what + " field '" + field + "'";
    }

    private static String kind(JsonNode n) {
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        return n.isNumber() ? "a non-integral number" : "a " + n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private long time(Fields f, long position, long recordTimestamp) {
        if (mapping.timeField != null) {
            Object v = f.raw(mapping.timeField);
            if (v == null) {
                throw new Reject("missing time field '" + mapping.timeField + "'");
            }
            return parseTime(v, mapping.timeField, mapping.timeFormat);
        }
        long index;
        if (mapping.indexField != null) {
            double x = f.number(mapping.indexField, "index field");
            if (x != Math.rint(x) || Math.abs(x) >= 0x1p53) {
                throw new Reject("index field '" + mapping.indexField + "' is not an integer below 2^53: " + x);
            }
            index = (long) x;
        } else if (position > 0) {
            index = position;
        } else if (recordTimestamp != Long.MIN_VALUE) {
            return recordTimestamp;
        } else {
            throw new Reject("no event time: no time field, index field or record timestamp");
        }
        try {
            return Math.addExact(mapping.indexStartMillis, Math.multiplyExact(index - 1, mapping.indexStepMillis));
        } catch (ArithmeticException e) {
            throw new Reject("derived event time of index " + index + " overflows");
        }
    }

    static long parseTime(Object v, String field, FieldMapping.TimeFormat fmt) {
        if (v instanceof JsonNode) {
            JsonNode n = (JsonNode) v;
            if (n.isNumber()) {
                if (fmt == FieldMapping.TimeFormat.ISO) {
                    throw new Reject("time field '" + field + "' is a number, expected ISO-8601 text");
                }
                if (!n.canConvertToLong() || (!n.isIntegralNumber() && n.doubleValue() != Math.rint(n.doubleValue()))) {
                    throw new Reject("time field '" + field + "' is not an integral epoch value: "
                        + Texts.quote(n.toString()));
                }
                if (fmt == FieldMapping.TimeFormat.EPOCH_SECONDS) {
                    if (Math.abs(n.longValue()) > Long.MAX_VALUE / 1000) {
                        throw new Reject("time field '" + field + "' overflows as epoch seconds: " + n.longValue());
                    }
                    return n.longValue() * 1000L;
                }
                return n.longValue();
            }
            if (!n.isTextual()) {
                throw new Reject("time field '" + field + "' is not a number or text: " + Texts.quote(n.toString()));
            }
            v = n.textValue();
        }
        String s = (String) v;
        boolean integral = integral(s);
        try {
            switch (fmt) {
                case EPOCH_MILLIS:
                    return Long.parseLong(s);
                case EPOCH_SECONDS:
                    return Math.multiplyExact(Long.parseLong(s), 1000L);
                case AUTO:
                    if (integral) {
                        return Long.parseLong(s);
                    }
                    return parseIso(s);
                default:
                    return parseIso(s);
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new Reject("unparseable time " + Texts.quote(s) + " in field '" + field + "' ("
                + fmt.name().toLowerCase(Locale.ROOT) + ")");
        }
    }

    /** Digits with at most a leading minus (what AUTO reads as epoch milliseconds); no allocation. */
    static boolean integral(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '-' && i == 0)) {
                return false;
            }
        }
        return true;
    }

    private static long parseIso(String s) {
        if (s.length() <= 10) {
            return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        }
        char last = s.charAt(s.length() - 1);
        if (last == 'Z' || last == 'z') {
            return Instant.parse(s.replace(' ', 'T')).toEpochMilli();
        }
        String t = s.replace(' ', 'T');
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            if (t.endsWith("]")) {
                return ZonedDateTime.parse(t).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
    }

    /** The values of a log event, which has none: shared, never written to. */
    private static final double[] NO_VALUES = new double[0];

    private double[] values(Fields f) {
        String[] names = mapping.valueFields;
        if (names.length == 0) {
            return NO_VALUES;
        }
        if (names.length == 1 && f.isArray(names[0])) {
            double[] arr = f.array(names[0]);
            if (arr.length != mapping.dimensions) {
                throw new Reject("value field '" + names[0] + "' has " + arr.length + " values, expected "
                    + mapping.dimensions);
            }
            return arr;
        }
        if (mapping.dimensions != names.length) {
            throw new Reject("value field '" + names[0] + "' is not an array of " + mapping.dimensions + " values");
        }
        double[] out = new double[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = f.number(names[i], "value field");
        }
        return out;
    }

    private static List<String> required(FieldMapping m) {
        List<String> r = new ArrayList<>();
        if (m.keyField != null) {
            r.add(m.keyField);
        }
        if (m.timeField != null) {
            r.add(m.timeField);
        }
        if (m.timeField == null && m.indexField != null) {
            r.add(m.indexField);
        }
        r.addAll(List.of(m.valueFields));
        if (m.categoryField != null) {
            r.add(m.categoryField);
        }
        if (m.labelField != null) {
            r.add(m.labelField);
        }
        return r;
    }

    private static Map<String, Integer> index(String[] columns) {
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < columns.length; i++) {
            idx.putIfAbsent(columns[i].trim(), i);
        }
        return idx;
    }

    // ---- record views -------------------------------------------------------------------------------------------

    /** Field access over one parsed record. */
    private abstract static class Fields {
        /** The raw field (a JsonNode or a String), null when missing or JSON null. */
        abstract Object raw(String name);

        boolean isArray(String name) {
            return false;
        }

        double[] array(String name) {
            throw new Reject("value field '" + name + "' is not an array");
        }

        String text(String name) {
            Object v = raw(name);
            if (v == null) {
                return null;
            }
            if (v instanceof JsonNode) {
                JsonNode n = (JsonNode) v;
                return n.isValueNode() ? n.asText() : n.toString();
            }
            return (String) v;
        }

        double number(String name, String what) {
            Object v = raw(name);
            if (v == null || (v instanceof String && ((String) v).isBlank())) {
                throw new Reject("missing " + what + " '" + name + "'");
            }
            double d;
            if (v instanceof JsonNode && ((JsonNode) v).isNumber()) {
                d = ((JsonNode) v).doubleValue();
            } else {
                String s = v instanceof JsonNode ? (((JsonNode) v).isTextual() ? ((JsonNode) v).textValue() : null) : (String) v;
                if (s == null) {
                    throw new Reject(what + " '" + name + "' is not a number: " + Texts.quote(v.toString()));
                }
                if (!isDecimal(s)) { // the non-finite words are not decimals: checked only then, no copy per number
                    if (NON_FINITE_WORDS.contains(s.toLowerCase(Locale.ROOT))) {
                        throw new Reject(what + " '" + name + "' is not finite: " + s);
                    }
                    throw new Reject(what + " '" + name + "' is not a decimal number: " + Texts.quote(s));
                }
                d = NumberInput.parseDouble(s, true); // correctly rounded, as Double.parseDouble, faster
            }
            if (!Double.isFinite(d)) {
                throw new Reject(what + " '" + name + "' is not finite: " + d);
            }
            return d;
        }
    }

    private Fields jsonFields(String text) {
        if (json == null) {
            json = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        }
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            throw new Reject("malformed JSON: " + (msg.length() > 160 ? Texts.prefix(msg, 160) + "..." : msg));
        }
        if (root == null || !root.isObject()) {
            throw new Reject("JSON record is not an object");
        }
        final JsonNode obj = root;
        return new Fields() {
            @Override
            Object raw(String name) {
                JsonNode n = name.indexOf('.') >= 0 ? obj.at("/" + name.replace('.', '/')) : obj.get(name);
                return n == null || n.isNull() || n.isMissingNode() ? null : n;
            }

            @Override
            boolean isArray(String name) {
                Object n = raw(name);
                return n instanceof JsonNode && ((JsonNode) n).isArray();
            }

            @Override
            double[] array(String name) {
                JsonNode n = (JsonNode) raw(name);
                double[] out = new double[n.size()];
                for (int i = 0; i < out.length; i++) {
                    JsonNode e = n.get(i);
                    if (!e.isNumber()) {
                        throw new Reject("value field '" + name + "[" + i + "]' is not a number: "
                            + Texts.quote(e.toString()));
                    }
                    out[i] = e.doubleValue();
                    if (!Double.isFinite(out[i])) {
                        throw new Reject("value field '" + name + "[" + i + "]' is not finite");
                    }
                }
                return out;
            }
        };
    }

    /**
     * The record's cells in a buffer of this parser's, reused line after line (a parser serves one subtask's
     * thread), read through one reused view: no list or view object per line.
     */
    private Fields csvFields(String text) {
        if (columnIndex == null) {
            columnIndex = index(csvColumns);
            csvCells = new String[csvColumns.length];
            csvView = new Fields() {
                @Override
                Object raw(String name) {
                    Integer i = columnIndex.get(name);
                    if (i == null) {
                        return null;
                    }
                    String s = csvCells[i];
                    return s.isEmpty() ? null : s;
                }
            };
        }
        int count;
        try {
            count = Csv.splitInto(text, delimiter, csvCells);
        } catch (IllegalArgumentException e) {
            throw new Reject("malformed CSV: " + e.getMessage());
        }
        if (count != csvColumns.length) {
            throw new Reject("expected " + csvColumns.length + " CSV columns, got " + count);
        }
        return csvView;
    }

    /**
     * The decimal grammar of numbers given as text: {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?},
     * nothing before or after.
     */
    static boolean isDecimal(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int intDigits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits == 0 && fracDigits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Words for non-finite values, refused with the reason "not finite". */
    private static final java.util.Set<String> NON_FINITE_WORDS =
        java.util.Set.of("nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity");

    /** A rejection reason, thrown inside the parser only; cheap (no stack trace). */
    static final class Reject extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Reject(String reason) {
            super(reason, null, false, false);
        }
    }
}
