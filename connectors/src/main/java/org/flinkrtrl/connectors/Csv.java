package org.flinkrtrl.connectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 4180 line splitting, strictly: a cell is either unquoted (surrounding spaces trimmed, no quote inside) or
 * quoted (kept verbatim, a doubled quote stands for one quote, only spaces may follow the closing quote). An
 * unterminated quote, text after a closing quote or a quote inside an unquoted cell is an
 * {@link IllegalArgumentException}; a trailing {@code \r} is dropped.
 */
public final class Csv {
    private Csv() {}

    public static List<String> split(String line, char delimiter) {
        return line.indexOf('"') < 0 ? splitUnquoted(line, delimiter) : splitQuoted(line, delimiter);
    }

    /**
     * {@link #split} into a caller's array, for a parser that reads line after line without a list per line: the
     * first {@code out.length} cells go to {@code out}, and the line's number of cells is returned (more than
     * {@code out.length} when it has more; the extra cells are not stored).
     *
     * @throws IllegalArgumentException as {@link #split}
     */
    public static int splitInto(String line, char delimiter, String[] out) {
        if (line.indexOf('"') < 0) {
            return splitUnquotedInto(line, delimiter, out);
        }
        List<String> cells = splitQuoted(line, delimiter);
        for (int i = 0; i < Math.min(cells.size(), out.length); i++) {
            out[i] = cells.get(i);
        }
        return cells.size();
    }

    /** A line without quotes: its cells are the text between delimiters, trimmed (no copy beyond each cell). */
    static List<String> splitUnquoted(String line, char delimiter) {
        String[] cells = new String[cellCount(line, delimiter)];
        splitUnquotedInto(line, delimiter, cells);
        return Arrays.asList(cells);
    }

    /** The number of cells of a line without quotes: its delimiters plus one. */
    static int cellCount(String line, char delimiter) {
        int count = 1;
        for (int i = 0, n = line.length(); i < n; i++) {
            if (line.charAt(i) == delimiter) {
                count++;
            }
        }
        return count;
    }

    /** {@link #splitUnquoted} into a caller's array, as {@link #splitInto}. */
    static int splitUnquotedInto(String line, char delimiter, String[] out) {
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
            n--;
        }
        int count = 0;
        int start = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || line.charAt(i) == delimiter) {
                if (count < out.length) {
                    // String.trim's bounds (chars <= ' ' at either end), one substring
                    int s = start;
                    int e = i;
                    while (s < e && line.charAt(s) <= ' ') {
                        s++;
                    }
                    while (e > s && line.charAt(e - 1) <= ' ') {
                        e--;
                    }
                    out[count] = line.substring(s, e);
                }
                count++;
                start = i + 1;
            }
        }
        return count;
    }

    /** Any line, cell by cell through a buffer (quoted cells, doubled quotes). */
    static List<String> splitQuoted(String line, char delimiter) {
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
            } else if (wasQuoted && c != delimiter) {
                if (c != ' ' && c != '\t') {
                    throw new IllegalArgumentException("text after the closing quote of cell " + (out.size() + 1));
                }
            } else if (c == '"' && cell.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                cell.setLength(0);
            } else if (c == '"') {
                throw new IllegalArgumentException("a quote inside unquoted cell " + (out.size() + 1));
            } else if (c == delimiter) {
                out.add(wasQuoted ? cell.toString() : cell.toString().trim());
                cell.setLength(0);
                wasQuoted = false;
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote in cell " + (out.size() + 1));
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
