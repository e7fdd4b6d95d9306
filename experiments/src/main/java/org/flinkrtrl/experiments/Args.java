package org.flinkrtrl.experiments;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Minimal {@code --key value} command-line parser shared by the experiment runners. Every option read is
 * remembered with its effective value, so a runner can print the exact configuration it ran with.
 */
public final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();
    private final Map<String, String> effective = new LinkedHashMap<>();
    private final String[] raw;

    public Args(String[] argv) {
        this.raw = argv.clone();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got '" + a + "'");
            }
            String key = a.substring(2);
            String value = "true";
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                value = argv[++i];
            }
            values.put(key, value);
        }
    }

    public String str(String key, String def) {
        used.add(key);
        String v = values.getOrDefault(key, def);
        effective.put(key, v);
        return v;
    }

    public int integer(String key, int def) {
        return Integer.parseInt(str(key, Integer.toString(def)).replace("_", ""));
    }

    public long lng(String key, long def) {
        return Long.parseLong(str(key, Long.toString(def)).replace("_", ""));
    }

    public double dbl(String key, double def) {
        return Double.parseDouble(str(key, Double.toString(def)));
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(str(key, "false"));
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
            out.add(Integer.parseInt(s));
        }
        return out;
    }

    /** Fails on options nobody asked for (typos). Call after reading every option. */
    public void checkAllUsed() {
        for (String k : values.keySet()) {
            if (!used.contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k + "; known: " + used);
            }
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
