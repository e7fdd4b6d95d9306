package org.flinkrtrl.jobs.report;

/** Keys as the report shows them: any key, however long or strange, as a short line of printable text. */
public final class KeyNames {
    /** Characters of a key shown in chart titles and table cells. */
    public static final int SHOWN = 60;

    private KeyNames() {}

    /**
     * At most {@code max} characters of {@code key} (a surrogate pair is never split), control characters and
     * unpaired surrogates as U+FFFD, and when cut, an ellipsis and the key's full length.
     */
    public static String shorten(String key, int max) {
        if (key == null) {
            return "(no key)";
        }
        int n = key.length();
        StringBuilder sb = new StringBuilder(Math.min(n, max) + 24);
        int i = 0;
        while (i < n && sb.length() < max) {
            char c = key.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(key.charAt(i + 1))) {
                if (sb.length() + 2 > max) {
                    break;
                }
                sb.append(c).append(key.charAt(i + 1));
                i += 2;
                continue;
            }
            sb.append(Character.isSurrogate(c) || Character.isISOControl(c) ? '\uFFFD' : c);
            i++;
        }
        if (i < n) {
            sb.append("\u2026 (").append(n).append(" chars)");
        }
        return sb.toString();
    }

    public static String shorten(String key) {
        return shorten(key, SHOWN);
    }
}
