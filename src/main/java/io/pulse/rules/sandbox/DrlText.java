package io.pulse.rules.sandbox;

/** DRL text with comments (and string literals) blanked out, line breaks kept, so positions still map to lines. */
public final class DrlText {
    private DrlText() {}

    /** The text with comments and string/char literals replaced by spaces (line breaks kept). */
    public static String blankCommentsAndStrings(String text) {
        return blank(text, true);
    }

    /** The text with comments replaced by spaces (line breaks kept). */
    public static String blankComments(String text) {
        return blank(text, false);
    }

    private static String blank(String text, boolean strings) {
        StringBuilder out = new StringBuilder(text);
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                while (i < n && text.charAt(i) != '\n') {
                    out.setCharAt(i++, ' ');
                }
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) {
                    if (text.charAt(i) != '\n') {
                        out.setCharAt(i, ' ');
                    }
                }
                i--;
            } else if (c == '"' || c == '\'') {
                char blank = strings ? ' ' : c;
                out.setCharAt(i++, blank);
                while (i < n && text.charAt(i) != c && text.charAt(i) != '\n') {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        out.setCharAt(i, strings ? ' ' : text.charAt(i));
                        i++;
                    }
                    out.setCharAt(i, strings ? ' ' : text.charAt(i));
                    i++;
                }
                if (i < n && text.charAt(i) == c) {
                    out.setCharAt(i, blank);
                }
            }
        }
        return out.toString();
    }
}
