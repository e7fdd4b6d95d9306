package org.flinkrtrl.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Converters for command-line values: each parses and validates, and says what it expected when it fails. */
final class OptionValues {
    private OptionValues() {}

    private static int integer(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected an integer");
        }
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number");
        }
    }

    static Integer positiveInt(String s) {
        int v = integer(s);
        if (v < 1) {
            throw new IllegalArgumentException("must be >= 1");
        }
        return v;
    }

    static Integer nonNegativeInt(String s) {
        int v = integer(s);
        if (v < 0) {
            throw new IllegalArgumentException("must be >= 0");
        }
        return v;
    }

    static Double positiveDouble(String s) {
        double v = number(s);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("must be a finite number > 0");
        }
        return v;
    }

    static java.time.Duration duration(String s) {
        try {
            java.time.Duration d = org.apache.flink.util.TimeUtils.parseDuration(s.trim());
            if (d.isNegative()) {
                throw new IllegalArgumentException("must not be negative");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a duration like 500ms, 10s, 5min or 7d");
        }
    }

    static List<String> list(String s) {
        List<String> out = new ArrayList<>();
        for (String p : s.split(",")) {
            if (!p.isBlank()) {
                out.add(p.trim());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("expected a comma-separated list");
        }
        return out;
    }

    /** A converter accepting one of {@code choices} (case-insensitive), returned lower-case. */
    static Function<String, String> oneOf(String... choices) {
        return s -> {
            String v = s.trim().toLowerCase(Locale.ROOT);
            for (String c : choices) {
                if (c.equals(v)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("expected one of " + String.join(", ", choices));
        };
    }
}
