package io.pulse.jdbc;

/** What is safe to show of a JDBC URL. */
public final class JdbcUrls {
    private JdbcUrls() {}

    /** Text with every {@code password=...} URL parameter starred out: messages and logs never show one. */
    public static String masked(String text) {
        return text.replaceAll("(?i)(password=)[^&\\s']*", "$1***");
    }
}
