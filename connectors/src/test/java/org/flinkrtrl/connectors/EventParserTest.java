package org.flinkrtrl.connectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.flinkrtrl.record.DeadLetter;
import org.flinkrtrl.record.Event;
import org.junit.jupiter.api.Test;

/** Records become events with the mapping, or dead letters with a reason and the original text. */
class EventParserTest {
    private static final FieldMapping JSON_MAP = FieldMapping.builder().keyField("key").timeField("ts")
        .valueFields("value").labelField("label").build();

    private static Event ok(EventParser p, String text) {
        EventParser.Result r = p.parse(text);
        assertTrue(r.ok(), () -> "rejected: " + r.deadLetter);
        assertNull(r.deadLetter);
        return r.event;
    }

    private static DeadLetter bad(EventParser p, String text) {
        EventParser.Result r = p.parse(text, 0, Long.MIN_VALUE);
        assertFalse(r.ok(), () -> "accepted: " + r.event);
        assertEquals("parse", r.deadLetter.stage);
        assertEquals(text, r.deadLetter.payload);
        return r.deadLetter;
    }

    @Test
    void jsonWithEpochMillisAndLabel() {
        Event e = ok(EventParser.json(JSON_MAP), "{\"key\":\"k7\",\"ts\":1700000000000,\"value\":21.5,\"label\":1}");
        assertEquals(new Event("k7", 1700000000000L, new double[] {21.5}, null, "1"), e);
    }

    @Test
    void jsonIsoTimesNumericStringsNestedFieldsAndCategory() {
        FieldMapping m = FieldMapping.builder().keyField("src.id").timeField("time").valueFields("a", "b")
            .categoryField("level").build();
        EventParser p = EventParser.json(m);
        Event e = ok(p, "{\"src\":{\"id\":3},\"time\":\"2010-05-09T10:00:05Z\",\"a\":\"1.5\",\"b\":-2,\"level\":\"WARN\"}");
        assertEquals("3", e.key);
        assertEquals(1273399205000L, e.timestamp);
        assertArrayEquals(new double[] {1.5, -2}, e.values);
        assertEquals("WARN", e.category);
        assertEquals(1273399205000L, ok(p, "{\"src\":{\"id\":3},\"time\":\"2010-05-09T12:00:05+02:00\",\"a\":1,\"b\":2}").timestamp);
        assertEquals(1273399205000L, ok(p, "{\"src\":{\"id\":3},\"time\":\"2010-05-09 10:00:05\",\"a\":1,\"b\":2}").timestamp);
        assertEquals(1273363200000L, ok(p, "{\"src\":{\"id\":3},\"time\":\"2010-05-09\",\"a\":1,\"b\":2}").timestamp);
        assertEquals(1273399205000L, ok(p, "{\"src\":{\"id\":3},\"time\":\"1273399205000\",\"a\":1,\"b\":2}").timestamp);
    }

    @Test
    void epochSecondsAndArrayValues() {
        FieldMapping m = FieldMapping.builder().keyField("k").timeField("t").timeFormat(FieldMapping.TimeFormat.EPOCH_SECONDS)
            .valueFields("v").dimensions(3).build();
        EventParser p = EventParser.json(m);
        Event e = ok(p, "{\"k\":\"a\",\"t\":1700000000,\"v\":[1,2,3]}");
        assertEquals(1700000000000L, e.timestamp);
        assertArrayEquals(new double[] {1, 2, 3}, e.values);
        assertEquals("value field 'v' has 2 values, expected 3", bad(p, "{\"k\":\"a\",\"t\":1,\"v\":[1,2]}").reason);
    }

    @Test
    void csvWithTimeDerivedFromAnIndexField() {
        FieldMapping m = FieldMapping.builder().keyField("mote_id").indexField("reading").indexStartMillis(1_000_000L)
            .indexStepMillis(5000).valueFields("humidity", "temperature").labelField("label").build();
        String[] header = Csv.header("reading,mote_id,indoor,humidity,temperature,label", ',');
        EventParser p = EventParser.csv(m, header);
        Event e = ok(p, "3,1,1,45.9,27.96,0");
        assertEquals(new Event("1", 1_010_000L, new double[] {45.9, 27.96}, null, "0"), e);
    }

    @Test
    void csvConstantKeyTimeFromRowNumberAndQuotes() {
        FieldMapping m = FieldMapping.builder().constantKey("only").indexStepMillis(1000).valueFields("x")
            .labelField("note").build();
        EventParser p = EventParser.csv(m, "x", "note");
        EventParser.Result r = p.parse("2.5,\"a, \"\"quoted\"\" note\"", 4, Long.MIN_VALUE);
        assertTrue(r.ok());
        assertEquals("only", r.event.key);
        assertEquals(3000L, r.event.timestamp);
        assertEquals("a, \"quoted\" note", r.event.label);
    }

    @Test
    void recordTimestampIsTheLastResort() {
        FieldMapping m = FieldMapping.builder().keyField("key").valueFields("value").build();
        EventParser.Result r = EventParser.json(m).parse("{\"key\":\"a\",\"value\":1}", 0, 42L);
        assertEquals(42L, r.event.timestamp);
        assertEquals("no event time: no time field, index field or record timestamp",
            bad(EventParser.json(m), "{\"key\":\"a\",\"value\":1}").reason);
    }

    @Test
    void badJsonBecomesDeadLettersWithReasons() {
        EventParser p = EventParser.json(JSON_MAP);
        assertTrue(bad(p, "{\"key\":\"k1\",\"ts\":1,\"value\":").reason.startsWith("malformed JSON"));
        assertEquals("JSON record is not an object", bad(p, "[1,2]").reason);
        assertEquals("empty record", bad(p, "").reason);
        assertEquals("missing key field 'key'", bad(p, "{\"ts\":1,\"value\":1}").reason);
        assertEquals("missing time field 'ts'", bad(p, "{\"key\":\"k\",\"value\":1}").reason);
        assertEquals("missing value field 'value'", bad(p, "{\"key\":\"k\",\"ts\":1}").reason);
        assertEquals("missing value field 'value'", bad(p, "{\"key\":\"k\",\"ts\":1,\"value\":null}").reason);
        assertEquals("value field 'value' is not finite: NaN", bad(p, "{\"key\":\"k\",\"ts\":1,\"value\":\"NaN\"}").reason);
        assertEquals("value field 'value' is not a decimal number: 'abc'", bad(p, "{\"key\":\"k\",\"ts\":1,\"value\":\"abc\"}").reason);
        assertEquals("unparseable time 'yesterday' in field 'ts' (auto)",
            bad(p, "{\"key\":\"k\",\"ts\":\"yesterday\",\"value\":1}").reason);
        assertTrue(bad(p, "{\"key\":\"k\",\"ts\":1,\"value\":NaN}").reason.startsWith("malformed JSON"));
        DeadLetter d = bad(p, "{\"key\":\"k\",\"ts\":5,\"value\":true}");
        assertEquals("k", d.key);
        assertEquals(5L, d.timestamp);
    }

    @Test
    void badCsvBecomesDeadLettersWithReasons() {
        FieldMapping m = FieldMapping.builder().keyField("k").timeField("t").valueFields("a", "b").build();
        EventParser p = EventParser.csv(m, "k", "t", "a", "b");
        assertEquals("expected 4 CSV columns, got 3", bad(p, "x,1,2").reason);
        assertEquals("expected 4 CSV columns, got 5", bad(p, "x,1,2,3,4").reason);
        assertEquals("missing value field 'b'", bad(p, "x,1,2,").reason);
        assertEquals("value field 'a' is not finite: Infinity", bad(p, "x,1,Infinity,2").reason);
        assertEquals("missing key field 'k'", bad(p, ",1,2,3").reason);
    }

    /** The parser reuses one cell buffer: a line after a rejected or quoted one sees only its own cells. */
    @Test
    void successiveCsvLinesDoNotSeeEachOthersCells() {
        FieldMapping m = FieldMapping.builder().keyField("k").timeField("t").valueFields("a", "b").build();
        EventParser p = EventParser.csv(m, "k", "t", "a", "b");
        assertEquals("expected 4 CSV columns, got 5", bad(p, "x,1,2,3,4").reason);
        Event e = p.parse("y,5,6,7").event;
        assertEquals("y", e.key);
        assertEquals(5L, e.timestamp);
        assertArrayEquals(new double[] {6, 7}, e.values);
        assertEquals("expected 4 CSV columns, got 3", bad(p, "\"z\",8,9").reason);
        assertEquals("missing value field 'b'", bad(p, "\"w\",8,9,").reason);
        e = p.parse("\"v,1\",10,11,12").event;
        assertEquals("v,1", e.key);
        assertArrayEquals(new double[] {11, 12}, e.values);
    }

    @Test
    void csvMappingMustNameExistingColumns() {
        FieldMapping m = FieldMapping.builder().keyField("k").timeField("t").valueFields("a").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventParser.csv(m, "k", "a"));
        assertTrue(e.getMessage().contains("[t]"), e.getMessage());
    }

    @Test
    void csvSplitting() {
        assertEquals(List.of("a", "b c", "", "d,e"), Csv.split(" a ,b c,,\"d,e\"\r", ','));
        assertEquals(List.of("x", "y"), Csv.split("x;y", ';'));
    }

    @Test
    void mappingValidation() {
        assertThrows(IllegalArgumentException.class, () -> FieldMapping.builder().valueFields("v").build());
        assertThrows(IllegalArgumentException.class, () -> FieldMapping.builder().keyField("k").build());
    }
}
