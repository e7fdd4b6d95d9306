package org.flinkrtrl.connectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import org.flinkrtrl.record.ControlAck;
import org.flinkrtrl.record.ControlCommand;

/**
 * The control stream's format, one JSON object per line:
 * <pre>{@code
 * {"id": "lr-1", "time": "2010-05-09T00:00:00Z", "key": "mote-3", "op": "learning-rate", "value": 0.003}
 * {"id": "freeze-all", "time": 1273363200000, "op": "freeze"}
 * {"id": "import-7", "time": 1273363200000, "key": "mote-7", "op": "replace", "state": "<base64>"}
 * }</pre>
 * {@code id} (unique, text), {@code time} (epoch milliseconds or an ISO-8601 instant) and {@code op} are required;
 * {@code key} absent, null or {@code "*"} means every key. Ops: {@code learning-rate} (value > 0, or null for the
 * job's), {@code anomaly-threshold} (value, or null for the job's), {@code warm-up} (events >= 0, or null for the
 * default), {@code freeze}, {@code unfreeze}, {@code reset}, {@code replace} ({@code state}: base64 of the model's
 * learner codec bytes, the {@code state} field of an exported model line; the whole exported line may also be given
 * as {@code "model": {...}}), {@code clear} (drop the key's overrides). Unknown fields are refused, so a typo does not
 * pass silently. Acknowledgements are written as
 * {@code {"id","op","time","status","key","appliedAt","steps","effect"}}.
 */
public final class ControlJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final java.util.Set<String> FIELDS = java.util.Set.of("id", "time", "key", "op", "value", "state",
        "model");

    private ControlJson() {}

    /**
     * Parses one command.
     *
     * @throws IllegalArgumentException with the reason, when the line is no valid command
     */
    public static ControlCommand parse(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("a command is a JSON object");
        }
        n.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown field '" + f + "' (fields: id, time, key, op, value, state)");
            }
        });
        ControlCommand c = new ControlCommand();
        JsonNode id = n.get("id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new IllegalArgumentException("id is missing (a non-empty text)");
        }
        c.id = id.asText();
        c.time = time(n.get("time"));
        JsonNode key = n.get("key");
        if (key != null && !key.isNull()) {
            if (!key.isTextual()) {
                throw new IllegalArgumentException("key must be text (or absent for every key)");
            }
            c.key = "*".equals(key.asText()) ? null : key.asText();
        }
        c.op = op(n.get("op"));
        JsonNode value = n.get("value");
        if (value != null && !value.isNull()) {
            if (!value.isNumber()) {
                throw new IllegalArgumentException("value must be a number or null");
            }
            c.value = value.doubleValue();
        }
        JsonNode state = n.get("state");
        JsonNode model = n.get("model");
        if ((state == null || state.isNull()) && model != null && model.isObject()) {
            state = model.get("state");
        }
        if (state != null && !state.isNull()) {
            if (!state.isTextual()) {
                throw new IllegalArgumentException("state must be base64 text");
            }
            try {
                c.state = Base64.getDecoder().decode(state.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("state is not base64: " + e.getMessage());
            }
        }
        String invalid = c.invalid();
        if (invalid != null) {
            throw new IllegalArgumentException(invalid);
        }
        return c;
    }

    private static long time(JsonNode t) {
        if (t == null || t.isNull()) {
            throw new IllegalArgumentException("time is missing (epoch milliseconds or an ISO-8601 instant)");
        }
        if (t.isIntegralNumber() && t.canConvertToLong()) {
            return t.asLong();
        }
        if (t.isTextual()) {
            try {
                return Instant.parse(t.asText().trim()).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new IllegalArgumentException("time '" + t.asText() + "' is no ISO-8601 instant");
            }
        }
        throw new IllegalArgumentException("time must be epoch milliseconds or an ISO-8601 instant, got " + t);
    }

    private static ControlCommand.Op op(JsonNode o) {
        if (o == null || !o.isTextual()) {
            throw new IllegalArgumentException("op is missing (one of " + ops() + ")");
        }
        String name = o.asText().trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (ControlCommand.Op op : ControlCommand.Op.values()) {
            if (op.name().equals(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown op '" + o.asText() + "' (one of " + ops() + ")");
    }

    static String ops() {
        StringBuilder sb = new StringBuilder();
        for (ControlCommand.Op op : ControlCommand.Op.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(op.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return sb.toString();
    }

    public static String toJson(ControlAck a) {
        StringWriter w = new StringWriter(120);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("id", a.id);
            g.writeStringField("op", a.op);
            g.writeNumberField("time", a.time);
            g.writeStringField("status", a.status);
            if (a.key != null) {
                g.writeStringField("key", a.key);
                g.writeNumberField("appliedAt", a.appliedAt);
                g.writeNumberField("steps", a.steps);
            }
            if (a.effect != null) {
                g.writeStringField("effect", a.effect);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
