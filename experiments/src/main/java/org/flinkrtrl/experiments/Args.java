package org.flinkrtrl.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The experiment runners' command line ({@code --name value} or {@code --name=value}), parsed by picocli. A runner
 * declares each option where it reads it, with its default; {@link #checkAllUsed()} then parses strictly, so an
 * option nobody read is refused with picocli's nearest-name suggestion. Every option read is remembered with its
 * effective value, so a runner can print the exact configuration it ran with.
 */
public final class Args {
    private final CommandSpec spec = CommandSpec.create();
    private final Map<String, String> effective = new LinkedHashMap<>();
    private final String[] raw;

    public Args(String[] argv) {
        this.raw = argv.clone();
        spec.parser().expandAtFiles(false);
    }

    /** Declares {@code --key} with a default and returns its value as given (or the default). */
    public String str(String key, String def) {
        String name = "--" + key;
        if (!spec.optionsMap().containsKey(name)) {
            spec.addOption(OptionSpec.builder(name).paramLabel("<" + key + ">").type(String.class).build());
        }
        ParseResult r = parse(true);
        String v = r.hasMatchedOption(name) ? r.matchedOptionValue(name, def) : def;
        effective.put(key, v);
        return v;
    }

    public int integer(String key, int def) {
        String v = str(key, Integer.toString(def));
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " expects an integer, got '" + v + "'");
        }
    }

    public long lng(String key, long def) {
        String v = str(key, Long.toString(def));
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " expects an integer, got '" + v + "'");
        }
    }

    public double dbl(String key, double def) {
        String v = str(key, Double.toString(def));
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " expects a number, got '" + v + "'");
        }
    }

    public List<String> list(String key, String def) {
        List<String> out = new ArrayList<>();
        for (String s : str(key, def).split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    public List<Integer> ints(String key, String def) {
        List<Integer> out = new ArrayList<>();
        for (String s : list(key, def)) {
            try {
                out.add(Integer.parseInt(s));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + key + " expects integers, got '" + s + "'");
            }
        }
        return out;
    }

    /** Fails on options nobody read (typos), naming the nearest declared one. Call after reading every option. */
    public void checkAllUsed() {
        parse(false);
    }

    private ParseResult parse(boolean lenient) {
        spec.parser().unmatchedArgumentsAllowed(lenient);
        try {
            return new CommandLine(spec).parseArgs(raw);
        } catch (CommandLine.UnmatchedArgumentException e) {
            List<String> near = e.getSuggestions();
            throw new IllegalArgumentException("unknown option " + e.getUnmatched().get(0)
                + (near.isEmpty() ? "" : "; did you mean " + near.get(0) + "?") + " known: " + spec.optionsMap().keySet());
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** The arguments as given. */
    public String rawLine() {
        StringBuilder sb = new StringBuilder();
        for (String a : raw) {
            sb.append(' ').append(a.contains(" ") ? "'" + a + "'" : a);
        }
        return sb.toString().trim();
    }

    /** Every option with the value used (defaults included), as a markdown bullet list. */
    public String effectiveMarkdown() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : effective.entrySet()) {
            sb.append(String.format(Locale.ROOT, "* `--%s %s`%n", e.getKey(), e.getValue()));
        }
        return sb.toString();
    }
}
