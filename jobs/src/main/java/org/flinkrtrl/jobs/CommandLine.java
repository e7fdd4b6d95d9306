package org.flinkrtrl.jobs;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A small typed command-line parser: options are declared once with a name, an argument name, a default, a
 * converter with validation and a description, then parsed ({@code --name value} or {@code --name=value}) and
 * printed as {@code --help}. Unknown options, missing values and invalid values are {@link UsageException}s
 * that name the option.
 */
public final class CommandLine {
    /** A wrong command line; the message is meant for the user. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /** One declared option. */
    public static final class Option<T> {
        final String name;
        final String arg;
        final String help;
        final String group;
        final String defaultText;
        final Function<String, T> parser;
        final boolean repeatable;

        Option(String group, String name, String arg, String defaultText, Function<String, T> parser, boolean repeatable,
               String help) {
            this.group = group;
            this.name = name;
            this.arg = arg;
            this.defaultText = defaultText;
            this.parser = parser;
            this.repeatable = repeatable;
            this.help = help;
        }

        public String name() {
            return "--" + name;
        }
    }

    private final Map<String, Option<?>> options = new LinkedHashMap<>();
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private String currentGroup = "";

    /** Starts a section of the help text. */
    public CommandLine group(String title) {
        this.currentGroup = title;
        return this;
    }

    /** Declares an option with an argument; {@code defaultText} null = no default. */
    public <T> Option<T> option(String name, String arg, String defaultText, Function<String, T> parser, String help) {
        return add(new Option<>(currentGroup, name, arg, defaultText, parser, false, help));
    }

    /** Declares an option that may be given several times. */
    public <T> Option<T> repeatable(String name, String arg, Function<String, T> parser, String help) {
        return add(new Option<>(currentGroup, name, arg, null, parser, true, help));
    }

    /** Declares a flag without argument. */
    public Option<Boolean> flag(String name, String help) {
        return add(new Option<>(currentGroup, name, null, null, s -> Boolean.TRUE, false, help));
    }

    private <T> Option<T> add(Option<T> o) {
        if (options.put(o.name, o) != null) {
            throw new IllegalStateException("option declared twice: " + o.name);
        }
        return o;
    }

    /** Parses {@code args}; values are converted (and validated) eagerly so every error shows up here. */
    public CommandLine parse(String[] args) {
        values.clear();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument '" + a + "' (options start with --; see --help)");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Option<?> o = options.get(name);
            if (o == null) {
                throw new UsageException("unknown option '--" + name + "'" + suggestion(name) + " (see --help)");
            }
            if (o.arg == null) {
                if (value != null) {
                    throw new UsageException("option --" + name + " takes no value");
                }
                value = "true";
            } else if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("option --" + name + " needs a value <" + o.arg + ">");
                }
                value = args[++i];
            }
            List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!o.repeatable && !list.isEmpty()) {
                throw new UsageException("option --" + name + " given twice");
            }
            list.add(value);
            convert(o, value);
        }
        return this;
    }

    private String suggestion(String name) {
        String best = null;
        int bestD = 3;
        for (String n : options.keySet()) {
            int d = distance(n, name);
            if (d < bestD) {
                bestD = d;
                best = n;
            }
        }
        return best == null ? "" : "; did you mean --" + best + "?";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static <T> T convert(Option<T> o, String value) {
        try {
            return o.parser.apply(value);
        } catch (UsageException e) {
            throw e;
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new UsageException("invalid value '" + value + "' for --" + o.name + ": " + why);
        }
    }

    public boolean has(Option<?> o) {
        return values.containsKey(o.name);
    }

    /** The given value, else the default (converted), else null. */
    public <T> T get(Option<T> o) {
        List<String> v = values.get(o.name);
        if (v != null) {
            return convert(o, v.get(0));
        }
        return o.defaultText == null ? null : convert(o, o.defaultText);
    }

    /** The value or a usage error naming the option. */
    public <T> T require(Option<T> o, String why) {
        T v = get(o);
        if (v == null) {
            throw new UsageException("option --" + o.name + " is required " + why);
        }
        return v;
    }

    public <T> List<T> getAll(Option<T> o) {
        List<T> out = new ArrayList<>();
        for (String s : values.getOrDefault(o.name, List.of())) {
            out.add(convert(o, s));
        }
        return out;
    }

    public void printHelp(PrintStream out, String usage) {
        out.println(usage);
        String group = null;
        for (Option<?> o : options.values()) {
            if (!o.group.equals(group)) {
                group = o.group;
                out.println();
                out.println(group + ":");
            }
            String left = "  --" + o.name + (o.arg != null ? " <" + o.arg + ">" : "");
            StringBuilder sb = new StringBuilder(left);
            if (left.length() < 34) {
                sb.append(" ".repeat(34 - left.length()));
            } else {
                sb.append("\n").append(" ".repeat(34));
            }
            sb.append(o.help);
            if (o.defaultText != null) {
                sb.append(" (default: ").append(o.defaultText).append(')');
            }
            if (o.repeatable) {
                sb.append(" (repeatable)");
            }
            out.println(sb);
        }
    }

    // ---- converters ---------------------------------------------------------------------------------------------

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

    public static Integer positiveInt(String s) {
        int v = integer(s);
        if (v < 1) {
            throw new IllegalArgumentException("must be >= 1");
        }
        return v;
    }

    public static Integer nonNegativeInt(String s) {
        int v = integer(s);
        if (v < 0) {
            throw new IllegalArgumentException("must be >= 0");
        }
        return v;
    }

    public static Double positiveDouble(String s) {
        double v = number(s);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("must be a finite number > 0");
        }
        return v;
    }

    public static Double nonNegativeDouble(String s) {
        double v = number(s);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("must be a finite number >= 0");
        }
        return v;
    }

    public static java.time.Duration duration(String s) {
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

    public static List<String> list(String s) {
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
    public static Function<String, String> oneOf(String... choices) {
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
