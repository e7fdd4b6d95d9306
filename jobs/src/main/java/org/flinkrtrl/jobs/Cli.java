package org.flinkrtrl.jobs;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Typed options on top of picocli's programmatic API: each option is declared with its names, an argument label,
 * a default, a converter that also validates, a description and a help section; picocli splits the arguments
 * ({@code --name value}, {@code --name=value}), finds unknown options with their likely intended name, and lays out
 * {@code --help}. Every problem becomes a {@link UsageException} naming the option as the user typed it.
 */
final class Cli {
    /** One declared option; {@link #name()} is its main name with the dashes. */
    static final class Option<T> {
        final OptionSpec spec;
        final String defaultText;
        final Function<String, T> converter;

        Option(OptionSpec spec, String defaultText, Function<String, T> converter) {
            this.spec = spec;
            this.defaultText = defaultText;
            this.converter = converter;
        }

        String name() {
            return spec.longestName();
        }
    }

    private final CommandSpec spec = CommandSpec.create();
    private final Map<String, List<OptionSpec>> sections = new LinkedHashMap<>();
    private final List<Option<?>> options = new ArrayList<>();
    private String section = "";
    private ParseResult parsed;
    private String[] args = new String[0];

    Cli(String usage) {
        spec.parser().expandAtFiles(false);
        spec.usageMessage().synopsisHeading("").customSynopsis(usage).sortOptions(false).width(118).longOptionsMaxWidth(34);
        spec.usageMessage().sectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, List<OptionSpec>> e : sections.entrySet()) {
                sb.append(System.lineSeparator()).append(e.getKey()).append(':').append(System.lineSeparator());
                sb.append(help.optionListExcludingGroups(e.getValue(), help.createDefaultLayout(), null,
                    help.parameterLabelRenderer()));
            }
            return sb.toString();
        });
    }

    /** Starts a section of the help text. */
    Cli section(String title) {
        this.section = title;
        return this;
    }

    /** An option with one value; {@code defaultText} null = no default. {@code names[0]} is the main name. */
    <T> Option<T> option(String[] names, String label, String defaultText, Function<String, T> converter, String help) {
        String text = defaultText == null ? help : help + " (default: " + defaultText + ")";
        return add(OptionSpec.builder(dashed(names)).paramLabel("<" + label + ">").type(String.class)
            .description(text).build(), defaultText, converter);
    }

    <T> Option<T> option(String name, String label, String defaultText, Function<String, T> converter, String help) {
        return option(new String[] {name}, label, defaultText, converter, help);
    }

    /** An option that may be given several times. */
    <T> Option<T> repeatable(String name, String label, Function<String, T> converter, String help) {
        return add(OptionSpec.builder("--" + name).paramLabel("<" + label + ">").type(String[].class)
            .description(help + " (repeatable)").build(), null, converter);
    }

    /** A flag without value. */
    Option<Boolean> flag(String name, String help) {
        return add(OptionSpec.builder("--" + name).arity("0").description(help).build(), null, s -> Boolean.TRUE);
    }

    private static String[] dashed(String[] names) {
        String[] d = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            d[i] = "--" + names[i];
        }
        return d;
    }

    private <T> Option<T> add(OptionSpec o, String defaultText, Function<String, T> converter) {
        spec.addOption(o); // refuses a name declared twice
        sections.computeIfAbsent(section, k -> new ArrayList<>()).add(o);
        Option<T> option = new Option<>(o, defaultText, converter);
        options.add(option);
        return option;
    }

    /** Every declared option, in declaration order. */
    List<Option<?>> options() {
        return List.copyOf(options);
    }

    /** Parses {@code args}; given values are converted (and validated) here, so every error shows up at once. */
    void parse(String[] argv) {
        this.args = argv.clone();
        try {
            parsed = new CommandLine(spec).parseArgs(args);
        } catch (CommandLine.UnmatchedArgumentException e) {
            String first = e.getUnmatched().isEmpty() ? "" : e.getUnmatched().get(0);
            if (!first.startsWith("-")) {
                throw new UsageException("unexpected argument '" + first + "' (options start with --; see --help)");
            }
            String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
            List<String> near = e.getSuggestions();
            throw new UsageException("unknown option '" + name + "'"
                + (near.isEmpty() ? "" : "; did you mean " + near.get(0) + "?") + " (see --help)");
        } catch (CommandLine.MissingParameterException e) {
            OptionSpec o = (OptionSpec) e.getMissing().get(0);
            throw new UsageException("option " + typed(o) + " needs a value " + o.paramLabel());
        } catch (CommandLine.OverwrittenOptionException e) {
            throw new UsageException("option " + typed((OptionSpec) e.getOverwritten()) + " given twice");
        } catch (ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        for (Option<?> o : options) {
            for (String v : raw(o)) {
                convert(o, v);
            }
        }
    }

    /** The name the user typed for {@code o} (an alias like {@code --lr} or the main name). */
    private String typed(OptionSpec o) {
        for (String a : args) {
            for (String n : o.names()) {
                if (a.equals(n) || a.startsWith(n + "=")) {
                    return n;
                }
            }
        }
        return o.longestName();
    }

    private List<String> raw(Option<?> o) {
        if (parsed == null || !parsed.hasMatchedOption(o.spec)) {
            return List.of();
        }
        return parsed.matchedOption(o.spec.longestName()).stringValues();
    }

    private <T> T convert(Option<T> o, String value) {
        try {
            return o.converter.apply(value);
        } catch (UsageException e) {
            throw e;
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new UsageException("invalid value '" + value + "' for " + typed(o.spec) + ": " + why);
        }
    }

    boolean has(Option<?> o) {
        return parsed != null && parsed.hasMatchedOption(o.spec);
    }

    /** The given value, else the default (converted), else null. */
    <T> T get(Option<T> o) {
        List<String> v = raw(o);
        if (!v.isEmpty()) {
            return convert(o, v.get(0));
        }
        return o.defaultText == null ? null : convert(o, o.defaultText);
    }

    /** The value, or a usage error naming the option. */
    <T> T require(Option<T> o, String why) {
        T v = get(o);
        if (v == null) {
            throw new UsageException("option " + o.name() + " is required " + why);
        }
        return v;
    }

    <T> List<T> getAll(Option<T> o) {
        List<T> out = new ArrayList<>();
        for (String s : raw(o)) {
            out.add(convert(o, s));
        }
        return out;
    }

    void printHelp(PrintStream out) {
        new CommandLine(spec).usage(out);
    }
}
