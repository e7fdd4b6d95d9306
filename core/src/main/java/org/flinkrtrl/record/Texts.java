package org.flinkrtrl.record;

/**
 * The text policy shared by parsers, dead letters and writers: text that came from outside is quoted in reasons
 * only as a short, escaped prefix, and text that would not survive UTF-8 encoding (an unpaired UTF-16 surrogate,
 * which legal JSON can produce: the key {@code "k"} followed by the escape of U+D800) is detected so callers can refuse or escape it.
 */
public final class Texts {
    /** Characters of an offending value quoted in a reason. */
    public static final int QUOTE_CHARS = 64;

    private Texts() {}

    /**
     * {@code 'prefix'} of at most {@link #QUOTE_CHARS} characters, with control characters, surrogates and quotes
     * written as {@code \}{@code uXXXX} escapes, followed by {@code ... (N chars)} when cut.
     */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        int n = Math.min(s.length(), QUOTE_CHARS);
        StringBuilder b = new StringBuilder(n + 24).append('\'');
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) || c == '\'' || c == '\\') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('\'');
        if (n < s.length()) {
            b.append("... (").append(s.length()).append(" chars)");
        }
        return b.toString();
    }

    /** Index of the first UTF-16 surrogate without its partner, or -1 when the text is well-formed. */
    public static int unpairedSurrogate(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first control character (C0, DEL or C1), or -1. */
    public static int controlChar(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return i;
            }
        }
        return -1;
    }

    /** At most {@code maxChars} characters of {@code s}, never splitting a surrogate pair. */
    public static String prefix(String s, int maxChars) {
        if (s == null || s.length() <= maxChars) {
            return s;
        }
        int end = maxChars;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
