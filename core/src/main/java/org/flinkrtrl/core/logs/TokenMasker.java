package org.flinkrtrl.core.logs;

/**
 * Splits a log message into whitespace-separated tokens and masks the variable ones before template mining:
 * IPv4 addresses (with an optional port) become {@value #IP}, paths {@value #PATH}, hexadecimal ids {@value #HEX}
 * and numbers (including dates, times and versions) {@value #NUM}. A token of the form {@code key=value} keeps its
 * key and masks its value; brackets, quotes and a trailing comma, colon or semicolon around a token are kept around
 * its mask ({@code [1234]:} becomes {@code [<NUM>]:}, {@code sshd[42]:} becomes {@code sshd[<NUM>]:}). Tokens longer than the miner's token cap become
 * {@link TemplateMiner#WILDCARD}. Stateless and deterministic.
 */
public final class TokenMasker {
    public static final String NUM = "<NUM>";
    public static final String HEX = "<HEX>";
    public static final String IP = "<IP>";
    public static final String PATH = "<PATH>";
    /** Shortest bare hexadecimal token (digits and a-f, with at least one digit and one letter) taken as an id. */
    static final int MIN_BARE_HEX = 8;

    private TokenMasker() {}

    /** The masked form of one whitespace-free token. */
    public static String mask(String token) {
        int eq = token.indexOf('=');
        if (eq > 0 && eq < token.length() - 1) {
            String value = token.substring(eq + 1);
            String masked = mask(value);
            return masked == value ? token : token.substring(0, eq + 1) + masked;
        }
        int start = 0;
        int end = token.length();
        while (start < end && isOpener(token.charAt(start))) {
            start++;
        }
        while (end > start && isCloser(token.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return token;
        }
        String core = token.substring(start, end);
        String m = classify(core);
        if (m == null) {
            int open = Math.max(core.lastIndexOf('['), core.lastIndexOf('('));
            String inner = open > 0 ? classify(core.substring(open + 1)) : null;
            if (inner == null) {
                return token;
            }
            return token.substring(0, start + open + 1) + inner + token.substring(end);
        }
        return start == 0 && end == token.length() ? m : token.substring(0, start) + m + token.substring(end);
    }

    private static boolean isOpener(char c) {
        return c == '(' || c == '[' || c == '{' || c == '<' || c == '"' || c == '\'';
    }

    private static boolean isCloser(char c) {
        return c == ')' || c == ']' || c == '}' || c == '>' || c == '"' || c == '\'' || c == ',' || c == ';'
            || c == ':' || c == '.';
    }

    /** The mask for a token stripped of surrounding punctuation, or null to keep it. */
    static String classify(String s) {
        if (isIpv4(s)) {
            return IP;
        }
        if (s.length() > 1 && s.charAt(0) == '/') {
            return PATH;
        }
        if (isHex(s)) {
            return HEX;
        }
        if (isNumberLike(s)) {
            return NUM;
        }
        return null;
    }

    /** Four dot-separated groups of 1 to 3 digits, optionally followed by {@code :port}. */
    static boolean isIpv4(String s) {
        int groups = 0;
        int digits = 0;
        int i = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > 3) {
                    return false;
                }
            } else if (c == '.' && digits > 0 && groups < 3) {
                groups++;
                digits = 0;
            } else if (c == ':' && digits > 0 && groups == 3) {
                return isDigits(s, i + 1);
            } else {
                return false;
            }
        }
        return groups == 3 && digits > 0;
    }

    private static boolean isDigits(String s, int from) {
        if (from >= s.length()) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code 0x} followed by hex digits, or a bare run of at least {@value #MIN_BARE_HEX} hex digits mixing digits and letters. */
    static boolean isHex(String s) {
        if (s.length() > 2 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')) {
            for (int i = 2; i < s.length(); i++) {
                if (Character.digit(s.charAt(i), 16) < 0) {
                    return false;
                }
            }
            return true;
        }
        if (s.length() < MIN_BARE_HEX) {
            return false;
        }
        boolean digit = false;
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                letter = true;
            } else if (c != '-') {
                return false;
            }
        }
        return digit && letter;
    }

    /** Digits with separators {@code . , : - + /} and an optional unit-free sign: 42, -1.5, 12:30:01, 2024-01-02. */
    static boolean isNumberLike(String s) {
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '.' && c != ',' && c != ':' && c != '-' && c != '+' && c != '/') {
                return false;
            }
        }
        return digit;
    }
}
