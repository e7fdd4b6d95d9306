package org.flinkrtrl.tools;

/** Extracts top-level scalar fields from a flat JSON object without a JSON library (enough for our records). */
public final class Json {
    private Json() {}

    /** The raw text of field {@code name}'s value (a string without quotes, or a number/literal), or null. */
    public static String field(String json, String name) {
        String needle = "\"" + name + "\"";
        int i = json.indexOf(needle);
        while (i >= 0) {
            int j = i + needle.length();
            while (j < json.length() && Character.isWhitespace(json.charAt(j))) j++;
            if (j < json.length() && json.charAt(j) == ':') {
                j++;
                while (j < json.length() && Character.isWhitespace(json.charAt(j))) j++;
                if (j >= json.length()) return null;
                if (json.charAt(j) == '"') {
                    StringBuilder sb = new StringBuilder();
                    for (int k = j + 1; k < json.length(); k++) {
                        char c = json.charAt(k);
                        if (c == '\\' && k + 1 < json.length()) { sb.append(json.charAt(++k)); continue; }
                        if (c == '"') return sb.toString();
                        sb.append(c);
                    }
                    return null;
                }
                int k = j;
                int depth = 0;
                while (k < json.length()) {
                    char c = json.charAt(k);
                    if (c == '[' || c == '{') depth++;
                    else if (c == ']' || c == '}') { if (depth == 0) break; depth--; }
                    else if (c == ',' && depth == 0) break;
                    k++;
                }
                return json.substring(j, k).trim();
            }
            i = json.indexOf(needle, i + 1);
        }
        return null;
    }
}
