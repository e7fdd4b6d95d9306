package org.flinkrtrl.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CSV lines without quotes take a shorter path that must give the cells of the general one. */
class CsvSplitTest {
    @Test
    void examples() {
        assertEquals(List.of("k1", "1700000000000", "0.5", "1.5"), Csv.split("k1,1700000000000,0.5,1.5", ','));
        assertEquals(List.of("a", "b", ""), Csv.split(" a ,\tb\t,\r", ','));
        assertEquals(List.of(""), Csv.split("", ','));
        assertEquals(List.of("", ""), Csv.split(",", ','));
        assertEquals(List.of("a;b", "c"), Csv.split("\"a;b\";c", ';'));
        assertEquals(List.of("say \"hi\"", "x"), Csv.split("\"say \"\"hi\"\"\" , x", ','));
        assertThrows(IllegalArgumentException.class, () -> Csv.split("a\"b,c", ','));
        assertThrows(IllegalArgumentException.class, () -> Csv.split("\"abc,d", ','));
    }

    @Test
    void intoACallersArrayCountsEveryCellAndStoresWhatFits() {
        String[] out = new String[3];
        assertEquals(3, Csv.splitUnquotedInto(" k , 1,2 \r", ',', out));
        assertEquals(List.of("k", "1", "2"), List.of(out));
        out = new String[] {"-", "-"};
        assertEquals(4, Csv.splitUnquotedInto("a,b,c,d", ',', out));
        assertEquals(List.of("a", "b"), List.of(out));
        out = new String[] {"-", "-", "-"};
        assertEquals(1, Csv.splitUnquotedInto("", ',', out));
        assertEquals(List.of("", "-", "-"), List.of(out));
        // the general entry takes quoted lines too
        out = new String[] {"-", "-"};
        assertEquals(3, Csv.splitInto("\"a,b\" , c,d", ',', out));
        assertEquals(List.of("a,b", "c"), List.of(out));
        assertEquals(2, Csv.splitInto(" x ,y", ',', out));
        assertEquals(List.of("x", "y"), List.of(out));
        assertThrows(IllegalArgumentException.class, () -> Csv.splitInto("a\"b,c", ',', new String[2]));
    }

    @Test
    void unquotedPathGivesTheGeneralPathsCells() {
        Random r = new Random(11);
        char[] alphabet = "ab1.-, \t;\r".toCharArray();
        for (int i = 0; i < 200_000; i++) {
            char[] c = new char[r.nextInt(12)];
            for (int j = 0; j < c.length; j++) {
                c[j] = alphabet[r.nextInt(alphabet.length)];
            }
            String line = new String(c);
            char delimiter = r.nextBoolean() ? ',' : ';';
            assertEquals(Csv.splitQuoted(line, delimiter), Csv.splitUnquoted(line, delimiter), line);
            assertEquals(Csv.splitQuoted(line, delimiter), Csv.split(line, delimiter), line);
        }
    }
}
