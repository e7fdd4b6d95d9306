package org.flinkrtrl.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Which time texts the AUTO format reads as epoch milliseconds: digits with at most a leading minus. */
class TimeTextIntegralTest {
    /** The rule by its definition: only digits and '-', and no '-' after the first character. */
    private static boolean byDefinition(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9' || c == '-') && s.lastIndexOf('-') <= 0;
    }

    @Test
    void examples() {
        assertTrue(EventParser.integral("1700000000000"));
        assertTrue(EventParser.integral("-42"));
        assertTrue(EventParser.integral("0"));
        assertTrue(EventParser.integral("-"), "a lone minus is integral text; Long.parseLong then rejects it");
        assertFalse(EventParser.integral(""));
        assertFalse(EventParser.integral("2023-11-01"));
        assertFalse(EventParser.integral("--5"));
        assertFalse(EventParser.integral("12.5"));
        assertFalse(EventParser.integral("+5"));
        assertFalse(EventParser.integral(" 5"));
    }

    @Test
    void agreesWithTheDefinitionOnRandomTexts() {
        Random r = new Random(7);
        char[] alphabet = "0123456789--.+ T:Z".toCharArray();
        for (int i = 0; i < 200_000; i++) {
            char[] c = new char[r.nextInt(6)];
            for (int j = 0; j < c.length; j++) {
                c[j] = alphabet[r.nextInt(alphabet.length)];
            }
            String s = new String(c);
            assertEquals(byDefinition(s), EventParser.integral(s), s);
        }
    }

    @Test
    void autoReadsIntegralTextAsMillisAndTheRestAsIso() {
        assertEquals(1_700_000_000_000L, EventParser.parseTime("1700000000000", "t", FieldMapping.TimeFormat.AUTO));
        assertEquals(-5L, EventParser.parseTime("-5", "t", FieldMapping.TimeFormat.AUTO));
        assertEquals(1_698_796_800_000L, EventParser.parseTime("2023-11-01", "t", FieldMapping.TimeFormat.AUTO));
    }
}
