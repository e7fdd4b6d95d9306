package org.flinkrtrl.connectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.flink.util.Collector;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.flinkrtrl.record.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs a hostile user sent: each either parses to the event it states or becomes one bounded dead letter with a
 * reason, and every output text is valid UTF-8 that reads back to what was written.
 */
class HostileInputTest {
    private static final FieldMapping JSON_MAP = FieldMapping.builder().keyField("key").timeField("ts")
        .valueFields("value").labelField("label").build();
    private static final EventParser JSON = EventParser.json(JSON_MAP);

    private static Event ok(EventParser p, String text) {
        EventParser.Result r = p.parse(text);
        assertTrue(r.ok(), () -> "rejected: " + r.deadLetter);
        return r.event;
    }

    private static DeadLetter bad(EventParser p, String text) {
        EventParser.Result r = p.parse(text);
        assertFalse(r.ok(), () -> "accepted: " + r.event);
        assertNull(r.event);
        assertEquals("parse", r.deadLetter.stage);
        assertFalse(r.deadLetter.reason.isBlank());
        return r.deadLetter;
    }

    private static String rec(String key, long ts, String value) {
        return "{\"key\":\"" + key + "\",\"ts\":" + ts + ",\"value\":" + value + "}";
    }

    /** Strict UTF-8 encoding: throws on an unpaired surrogate instead of writing '?'. */
    private static byte[] strictUtf8(String s) throws CharacterCodingException {
        ByteBuffer b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    // ---- bounded dead letters ----------------------------------------------------------------------------------

    @Test
    void aOneMegabyteNonNumericValueGivesASmallDeadLetterWithLengthHashAndPrefix() throws Exception {
        String big = "x".repeat(1 << 20);
        String text = rec("k1", 1700000000000L, "\"" + big + "\"");
        DeadLetter d = bad(JSON, text);
        assertEquals("k1", d.key);
        assertTrue(d.reason.startsWith("value field 'value' is not a decimal number: 'xxxx"), d.reason);
        assertTrue(d.reason.endsWith("... (1048576 chars)"), d.reason);
        assertTrue(d.reason.length() < 200, "reason length " + d.reason.length());
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(utf8.length, d.payloadBytes);
        assertTrue(d.payloadTruncated());
        assertEquals(DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES, d.payload.length());
        assertEquals(text.substring(0, DeadLetter.DEFAULT_MAX_PAYLOAD_BYTES), d.payload);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8)), d.payloadSha256);
        String json = PredictionJson.toJson(d);
        assertTrue(json.length() < 70_000, "dead letter JSON " + json.length() + " chars");
        assertEquals(d, PredictionJson.deadLetterFromJson(json));
    }

    @Test
    void theDeadLetterPayloadLimitIsConfigurableAndCutsAtACharacterBoundary() {
        FieldMapping m = FieldMapping.builder().keyField("key").timeField("ts").valueFields("value")
            .maxDeadLetterPayloadBytes(10).build();
        String text = rec("k", 1, "\"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\"");
        DeadLetter d = bad(EventParser.json(m), text);
        assertEquals("{\"key\":\"k\"", d.payload);
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, d.payloadBytes);
        // a prefix that would split a two-byte character stops before it
        assertEquals("{\"key\":\"k\",\"ts\":1,\"value\":\"\u00e9", DeadLetter.bounded("s", "r", text, null, 0, 29).payload);
        assertEquals(text, DeadLetter.bounded("s", "r", text, null, 0, 1000).payload);
        assertNull(DeadLetter.bounded("s", "r", text, null, 0, 1000).payloadSha256);
        assertThrows(IllegalArgumentException.class, () -> FieldMapping.builder().keyField("k").valueFields("v")
            .maxDeadLetterPayloadBytes(FieldMapping.MAX_DEAD_LETTER_PAYLOAD_BYTES + 1).build());
    }

    @Test
    void aDeadLetterTooLargeForTheProducerIsSentWithoutItsPayloadAndCounted() {
        Properties props = new Properties();
        props.setProperty("max.request.size", "20000");
        KafkaConnectors.DeadLetterValue v = new KafkaConnectors.DeadLetterValue(KafkaConnectors.maxValueBytes(props));
        String text = rec("k1", 1700000000000L, "\"" + "y".repeat(900_000) + "\"");
        DeadLetter d = bad(JSON, text);
        byte[] bytes = v.serialize(d);
        assertTrue(bytes.length <= 20000 - KafkaConnectors.REQUEST_MARGIN_BYTES, "sent " + bytes.length + " bytes");
        assertEquals(1, v.degradedCount());
        DeadLetter back = PredictionJson.deadLetterFromJson(new String(bytes, StandardCharsets.UTF_8));
        assertEquals("", back.payload);
        assertEquals(d.payloadBytes, back.payloadBytes);
        assertEquals(d.payloadSha256, back.payloadSha256);
        assertEquals("k1", back.key);
        assertTrue(back.reason.startsWith("value field 'value' is not a decimal number"), back.reason);
        assertTrue(back.reason.endsWith("[payload dropped: the dead letter did not fit the producer's request size]"));
        // with the default request size the bounded dead letter fits as it is
        KafkaConnectors.DeadLetterValue dflt = new KafkaConnectors.DeadLetterValue(
            KafkaConnectors.maxValueBytes(new Properties()));
        assertEquals(PredictionJson.toJson(d), new String(dflt.serialize(d), StandardCharsets.UTF_8));
        assertEquals(0, dflt.degradedCount());
    }

    // ---- one text policy -----------------------------------------------------------------------------------------

    @Test
    void aKeyWithAnUnpairedSurrogateIsADeadLetterWhoseJsonIsValidUtf8() throws Exception {
        String text = rec("k\\ud800", 1700000000000L, "1.5");
        DeadLetter d = bad(JSON, text);
        assertEquals("key field 'key' has an unpaired UTF-16 surrogate U+D800 at index 1: 'k\\ud800'", d.reason);
        assertNull(d.key);
        String json = PredictionJson.toJson(d);
        strictUtf8(json);
        assertEquals(d, PredictionJson.deadLetterFromJson(json));
        // paired surrogates (an emoji) are fine
        assertEquals("k\uD83D\uDE00", ok(JSON, rec("k\\ud83d\\ude00", 1, "1")).key);
        // a lone low surrogate as well as a label with one
        assertTrue(bad(JSON, rec("\\udc00", 1, "1")).reason.contains("U+DC00 at index 0"));
        assertTrue(bad(JSON, "{\"key\":\"k\",\"ts\":1,\"value\":1,\"label\":\"\\ud800x\"}").reason
            .startsWith("label field 'label' has an unpaired UTF-16 surrogate"));
    }

    @Test
    void textWithAnUnpairedSurrogateIsWrittenEscapedAndReadsBack() throws Exception {
        Prediction p = new Prediction();
        p.key = "k\ud800";
        p.label = "\udc00\u00e9";
        p.timestamp = 5;
        p.actual = new double[] {1};
        p.forecast = new double[] {2};
        p.previousForecast = new double[] {Double.NaN};
        p.loss = Double.NaN;
        String json = PredictionJson.toJson(p);
        byte[] utf8 = strictUtf8(json);
        assertTrue(json.contains("\"k\\uD800\""), json);
        Prediction back = PredictionJson.fromJson(new String(utf8, StandardCharsets.UTF_8));
        assertEquals(p.key, back.key);
        assertEquals(p.label, back.label);
        // escaping applies to the one string that needs it
        p.label = "\u00e9";
        assertTrue(PredictionJson.toJson(p).contains("\"label\":\"\u00e9\""), PredictionJson.toJson(p));
        // well-formed non-ASCII text stays as it is
        p.key = "Z\u00fcrich";
        p.label = null;
        assertTrue(PredictionJson.toJson(p).contains("\"Z\u00fcrich\""));
    }

    @Test
    void invalidUtf8BytesAreFlaggedByTheLineReaderAndBecomeDeadLetters(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("\uFEFF".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(rec("a", 1, "1").getBytes(StandardCharsets.UTF_8));
        b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes("{\"key\":\"b".getBytes(StandardCharsets.UTF_8));
        b.write(0xff);
        b.write(0xc3); // truncated two-byte sequence
        b.writeBytes("\",\"ts\":2,\"value\":2}\n\n   \n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(rec("Z\u00fcrich", 3, "3").getBytes(StandardCharsets.UTF_8)); // no final newline
        byte[] bytes = b.toByteArray();

        List<String> lines = new ArrayList<>();
        List<Integer> bad = new ArrayList<>();
        try (Utf8Lines in = new Utf8Lines(new ByteArrayInputStream(bytes))) {
            String l;
            while ((l = in.next()) != null) {
                lines.add(l);
                bad.add(in.malformedAt());
            }
        }
        assertEquals(5, lines.size());
        assertEquals(rec("a", 1, "1"), lines.get(0));
        assertEquals(List.of(-1, 9, -1, -1, -1), bad);
        assertEquals("{\"key\":\"b\uFFFD\uFFFD\",\"ts\":2,\"value\":2}", lines.get(1));
        assertEquals(rec("Z\u00fcrich", 3, "3"), lines.get(4));

        DeadLetter d = JSON.parse(lines.get(1), 2, Long.MIN_VALUE, bad.get(1)).deadLetter;
        assertEquals("invalid UTF-8 byte sequence at byte 9", d.reason);
        assertEquals(lines.get(1), d.payload);

        Path f = dir.resolve("bytes.jsonl");
        Files.write(f, bytes);
        assertEquals(3, NumberedLineFormat.countRecords(f, false));
        assertEquals(2, NumberedLineFormat.countRecords(f, true));

        // the Kafka deserialiser applies the same rule
        List<RawRecord> got = new ArrayList<>();
        Collector<RawRecord> c = new Collector<>() {
            @Override
            public void collect(RawRecord r) {
                got.add(r);
            }

            @Override
            public void close() {}
        };
        byte[] value = lines.get(1).getBytes(StandardCharsets.ISO_8859_1);
        value[9] = (byte) 0xff;
        new RawRecordDeserializer().deserialize(new ConsumerRecord<>("t", 0, 0L, null, value), c);
        new RawRecordDeserializer().deserialize(new ConsumerRecord<>("t", 0, 1L, null,
            rec("\u00e9", 1, "1").getBytes(StandardCharsets.UTF_8)), c);
        assertEquals(9, got.get(0).malformedUtf8At);
        assertEquals(-1, got.get(1).malformedUtf8At);
    }

    @Test
    void aLineLongerThanTheReaderLimitIsKeptAsAPrefixWithItsLengthAndHash() throws Exception {
        String longLine = "abcdefghi\u00e9" + "x".repeat(40); // the two-byte character straddles byte 10
        byte[] bytes = (longLine + "\r\nshort\n" + "y".repeat(11)).getBytes(StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        List<Long> lengths = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        try (Utf8Lines in = new Utf8Lines(new ByteArrayInputStream(bytes), 10)) {
            String l;
            while ((l = in.next()) != null) {
                lines.add(l);
                lengths.add(in.lineBytes());
                hashes.add(in.oversizeSha256());
            }
        }
        assertEquals(List.of("abcdefghi", "short", "yyyyyyyyyy"), lines);
        byte[] full = (longLine + "\r").getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of((long) full.length, 5L, 11L), lengths);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(full)), hashes.get(0));
        assertNull(hashes.get(1));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest("y".repeat(11).getBytes(StandardCharsets.UTF_8))), hashes.get(2));

        DeadLetter d = JSON.oversize(lines.get(0), lengths.get(0), hashes.get(0)).deadLetter;
        assertEquals("record of 52 bytes is longer than the reader's limit of " + Utf8Lines.DEFAULT_MAX_LINE_BYTES
            + " bytes", d.reason);
        assertEquals("abcdefghi", d.payload);
        assertEquals(52, d.payloadBytes);
        assertEquals(hashes.get(0), d.payloadSha256);
    }

    // ---- strict number and record grammar --------------------------------------------------------------------------

    @Test
    void numbersFollowTheJsonAndDecimalGrammars() {
        for (String v : List.of("\"0x1p3\"", "\"1d\"", "\" 7.5 \"", "\"7.5 \"", "\"1_000\"", "\"1e\"", "\".\"", "\"+\"",
            "\"\"", "\"1,5\"", "0x10", "01", "+1", ".5", "1.", "true", "{}", "\"\u0667\"")) {
            EventParser.Result r = JSON.parse(rec("k", 1, v));
            assertFalse(r.ok(), () -> v + " was accepted as " + r.event);
        }
        assertEquals("value field 'value' is not a decimal number: '0x1p3'", bad(JSON, rec("k", 1, "\"0x1p3\"")).reason);
        assertEquals("value field 'value' is not a decimal number: ' 7.5 '", bad(JSON, rec("k", 1, "\" 7.5 \"")).reason);
        assertEquals("value field 'value' is not finite: Infinity", bad(JSON, rec("k", 1, "\"Infinity\"")).reason);
        assertTrue(bad(JSON, rec("k", 1, "1e999")).reason.startsWith("value field 'value' is not finite"));
        double[][] okValues = {{7.5}, {-1000}, {0.5}, {5}, {1e-300}, {-0.0}};
        String[] okTexts = {"\"7.5\"", "\"-1e3\"", "\".5\"", "\"5.\"", "1e-300", "-0.0"};
        for (int i = 0; i < okTexts.length; i++) {
            assertArrayEquals(okValues[i], ok(JSON, rec("k", 1, okTexts[i])).values, okTexts[i]);
        }
        assertTrue(EventParser.isDecimal("+12.5E-3"));
        assertFalse(EventParser.isDecimal("12.5E-"));
    }

    @Test
    void csvCellsFollowTheDecimalGrammarAndStrictQuoting() {
        FieldMapping m = FieldMapping.builder().keyField("k").timeField("t").valueFields("a").build();
        EventParser p = EventParser.csv(m, "k", "t", "a");
        assertArrayEquals(new double[] {7.5}, ok(p, "x,1, 7.5 ").values); // unquoted cells are trimmed
        assertEquals("value field 'a' is not a decimal number: ' 7.5 '", bad(p, "x,1,\" 7.5 \"").reason);
        assertEquals("value field 'a' is not a decimal number: '1d'", bad(p, "x,1,1d").reason);
        assertEquals("value field 'a' is not a decimal number: '0x1p3'", bad(p, "x,1,0x1p3").reason);
        assertEquals("malformed CSV: unterminated quote in cell 3", bad(p, "x,1,\"7.5").reason);
        assertEquals("malformed CSV: text after the closing quote of cell 1", bad(p, "\"x\"y,1,2").reason);
        assertEquals("malformed CSV: a quote inside unquoted cell 1", bad(p, "x\"y,1,2").reason);
        assertEquals(List.of("a", "b"), Csv.split("\"a\"  ,b", ','));
    }

    @Test
    void oneRecordPerLine() {
        assertTrue(bad(JSON, rec("a", 1, "1") + rec("b", 2, "2")).reason.startsWith("malformed JSON"));
        assertTrue(bad(JSON, rec("a", 1, "1") + " " + rec("b", 2, "2")).reason.startsWith("malformed JSON"));
        assertTrue(bad(JSON, rec("a", 1, "1") + "}}}").reason.startsWith("malformed JSON"));
        assertTrue(bad(JSON, rec("a", 1, "1") + " x").reason.startsWith("malformed JSON"));
        assertTrue(bad(JSON, "{\"key\":\"a\",\"ts\":1,\"value\":1,\"value\":2}").reason
            .contains("Duplicate field 'value'"));
        assertArrayEquals(new double[] {1}, ok(JSON, rec("a", 1, "1") + "  \t").values);
    }

    @Test
    void keysAreBoundedTextWithoutControlCharacters() {
        assertEquals("key field 'key' is an object, expected a string",
            bad(JSON, "{\"key\":{\"a\":1},\"ts\":1,\"value\":1}").reason);
        assertEquals("key field 'key' is an array, expected a string", bad(JSON, "{\"key\":[1],\"ts\":1,\"value\":1}").reason);
        assertEquals("key field 'key' is a boolean, expected a string", bad(JSON, "{\"key\":true,\"ts\":1,\"value\":1}").reason);
        assertEquals("key field 'key' is a non-integral number, expected a string",
            bad(JSON, "{\"key\":1.5,\"ts\":1,\"value\":1}").reason);
        assertEquals("17", ok(JSON, "{\"key\":17,\"ts\":1,\"value\":1}").key);
        assertEquals("key field 'key' is blank", bad(JSON, rec("  ", 1, "1")).reason);
        assertEquals("key field 'key' has a control character U+0001 at index 1: 'a\\u0001'",
            bad(JSON, rec("a\\u0001", 1, "1")).reason);
        assertEquals("key field 'key' has a control character U+000A at index 1: 'a\\u000a'",
            bad(JSON, rec("a\\n", 1, "1")).reason);
        String longKey = "k".repeat(FieldMapping.DEFAULT_MAX_KEY_LENGTH + 1);
        DeadLetter d = bad(JSON, rec(longKey, 1, "1"));
        assertEquals("key field 'key' has 257 characters, more than the maximum 256: '" + "k".repeat(64)
            + "'... (257 chars)", d.reason);
        assertNull(d.key);
        assertEquals("k".repeat(256), ok(JSON, rec("k".repeat(256), 1, "1")).key);
        EventParser small = EventParser.json(FieldMapping.builder().keyField("key").timeField("ts").valueFields("value")
            .maxKeyLength(3).build());
        assertEquals("abc", ok(small, rec("abc", 1, "1")).key);
        assertTrue(bad(small, rec("abcd", 1, "1")).reason.startsWith("key field 'key' has 4 characters, more than the maximum 3"));
        String megaKey = "m".repeat(1 << 20);
        DeadLetter mega = bad(JSON, rec(megaKey, 1, "1"));
        assertTrue(mega.reason.length() < 200);
        assertTrue(PredictionJson.toJson(mega).length() < 70_000);
        assertThrows(IllegalArgumentException.class, () -> FieldMapping.builder().keyField("k").valueFields("v")
            .maxKeyLength(0).build());
    }

    // ---- timestamps -------------------------------------------------------------------------------------------------

    @Test
    void eventTimesOutsideTheRangeAreDeadLetters() {
        assertEquals("event time 9223372036854775807 ms (+292278994-08-17T07:12:55.807Z) is outside the accepted range "
            + "[1970-01-01T00:00:00Z, 2200-01-01T00:00:00Z)", bad(JSON, rec("k", Long.MAX_VALUE, "1")).reason);
        DeadLetter d = bad(JSON, rec("k", Long.MIN_VALUE, "1"));
        assertTrue(d.reason.startsWith("event time -9223372036854775808 ms"), d.reason);
        assertEquals(Long.MIN_VALUE, d.timestamp);
        assertEquals("k", d.key);
        bad(JSON, rec("k", -1, "1"));
        bad(JSON, rec("k", FieldMapping.DEFAULT_MAX_TIME_MILLIS, "1"));
        assertEquals(FieldMapping.DEFAULT_MAX_TIME_MILLIS - 1, ok(JSON, rec("k", FieldMapping.DEFAULT_MAX_TIME_MILLIS - 1, "1")).timestamp);
        assertEquals(0L, ok(JSON, rec("k", 0, "1")).timestamp);
        assertTrue(bad(JSON, "{\"key\":\"k\",\"ts\":\"2300-01-01T00:00:00Z\",\"value\":1}").reason
            .startsWith("event time 10413792000000 ms (2300-01-01T00:00:00Z) is outside"));
        assertTrue(bad(JSON, "{\"key\":\"k\",\"ts\":\"+999999999-12-31T23:59:59Z\",\"value\":1}").reason
            .startsWith("unparseable time"));

        FieldMapping secs = FieldMapping.builder().keyField("key").timeField("ts")
            .timeFormat(FieldMapping.TimeFormat.EPOCH_SECONDS).valueFields("value").build();
        assertTrue(bad(EventParser.json(secs), rec("k", Long.MAX_VALUE / 10, "1")).reason.contains("overflows"));
        assertTrue(bad(EventParser.json(secs), "{\"key\":\"k\",\"ts\":\"" + Long.MAX_VALUE / 10 + "\",\"value\":1}").reason
            .startsWith("unparseable time"));

        FieldMapping narrow = FieldMapping.builder().keyField("key").timeField("ts").valueFields("value")
            .minTimeMillis(1000).maxTimeMillis(2000).build();
        assertEquals(1000L, ok(EventParser.json(narrow), rec("k", 1000, "1")).timestamp);
        assertTrue(bad(EventParser.json(narrow), rec("k", 999, "1")).reason.contains("[1970-01-01T00:00:01Z, 1970-01-01T00:00:02Z)"));
        assertThrows(IllegalArgumentException.class, () -> FieldMapping.builder().keyField("k").valueFields("v")
            .minTimeMillis(5).maxTimeMillis(5).build());

        FieldMapping index = FieldMapping.builder().keyField("key").indexField("i").indexStepMillis(Long.MAX_VALUE / 2)
            .valueFields("value").build();
        assertEquals("derived event time of index 4 overflows",
            bad(EventParser.json(index), "{\"key\":\"k\",\"i\":4,\"value\":1}").reason);
        assertEquals("index field 'i' is not an integer below 2^53: 1.5",
            bad(EventParser.json(index), "{\"key\":\"k\",\"i\":1.5,\"value\":1}").reason);
    }

    // ---- Kafka client properties -----------------------------------------------------------------------------------

    @Test
    void unknownOrMalformedKafkaPropertyNamesAreRefusedByName() {
        Properties p = new Properties();
        KafkaProperties.put(p, "security.protocol=SASL_SSL");
        KafkaProperties.put(p, "max.request.size=2000000");
        KafkaProperties.put(p, "partition.discovery.interval.ms=10000");
        assertEquals("SASL_SSL", p.getProperty("security.protocol"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> KafkaProperties.put(new Properties(), "security.protocol:SASL_SSL"));
        assertEquals("Kafka property must be key=value, got 'security.protocol:SASL_SSL'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KafkaProperties.put(new Properties(), "a:b=c"));
        assertTrue(e.getMessage().startsWith("unknown Kafka client property 'a:b'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KafkaProperties.put(new Properties(), "bootstrap.server=x"));
        assertTrue(e.getMessage().contains("'bootstrap.server'"), e.getMessage());
        Properties file = new Properties();
        file.setProperty("acks", "all");
        file.setProperty("zz.unknown", "1");
        file.setProperty("a:b", "1");
        e = assertThrows(IllegalArgumentException.class, () -> KafkaProperties.validate(file));
        assertTrue(e.getMessage().startsWith("unknown Kafka client properties 'a:b', 'zz.unknown'"), e.getMessage());
    }
}
