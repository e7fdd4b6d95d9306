package org.flinkrtrl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The runners' options: values, defaults, negative numbers, and typos refused with the nearest name. */
class ArgsTest {
    @Test
    void readsValuesAndDefaultsAndRemembersThem() {
        Args a = new Args(new String[] {"--hidden", "8", "--steps=100_000", "--seed", "-3", "--methods", "ok2,kf"});
        assertEquals(8, a.integer("hidden", 32));
        assertEquals(100_000L, a.lng("steps", 1));
        assertEquals(-3L, a.lng("seed", 1));
        assertEquals(List.of("ok2", "kf"), a.list("methods", "uoro"));
        assertEquals(0.5, a.dbl("lr", 0.5));
        assertEquals(List.of(1, 2), a.ints("seeds", "1,2"));
        a.checkAllUsed();
        assertEquals("* `--hidden 8`\n* `--steps 100_000`\n* `--seed -3`\n* `--methods ok2,kf`\n* `--lr 0.5`\n"
            + "* `--seeds 1,2`\n", a.effectiveMarkdown().replace(System.lineSeparator(), "\n"));
        assertEquals("--hidden 8 --steps=100_000 --seed -3 --methods ok2,kf", a.rawLine());
    }

    @Test
    void typosAndBadValuesAreRefused() {
        Args a = new Args(new String[] {"--hiden", "8"});
        assertEquals(32, a.integer("hidden", 32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, a::checkAllUsed);
        assertTrue(e.getMessage().startsWith("unknown option --hiden; did you mean --hidden?"), e.getMessage());
        Args b = new Args(new String[] {"--hidden", "many"});
        assertEquals("--hidden expects an integer, got 'many'",
            assertThrows(IllegalArgumentException.class, () -> b.integer("hidden", 32)).getMessage());
        Args c = new Args(new String[] {"--hidden", "4", "--hidden", "5"});
        assertThrows(IllegalArgumentException.class, () -> c.integer("hidden", 32));
    }
}
