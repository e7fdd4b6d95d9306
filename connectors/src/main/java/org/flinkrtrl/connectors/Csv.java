package org.flinkrtrl.connectors;

import java.util.ArrayList;
import java.util.List;

/** Minimal RFC 4180 line splitting: quoted cells, doubled quotes inside quotes, surrounding spaces trimmed. */
public final class Csv {
    private Csv() {}

    public static List<String> split(String line, char delimiter) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
            n--;
        }
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cell.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                cell.setLength(0);
            } else if (c == delimiter) {
                out.add(wasQuoted ? cell.toString() : cell.toString().trim());
                cell.setLength(0);
                wasQuoted = false;
            } else {
                cell.append(c);
            }
        }
        out.add(wasQuoted ? cell.toString() : cell.toString().trim());
        return out;
    }

    /** Column names of a header line. */
    public static String[] header(String line, char delimiter) {
        String l = line.startsWith("\uFEFF") ? line.substring(1) : line;
        return split(l, delimiter).toArray(new String[0]);
    }
}
