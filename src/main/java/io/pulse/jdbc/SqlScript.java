package io.pulse.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code .sql} resource as statements. The format: statements separated by a blank line, each
 * ending in {@code ;}; lines starting with {@code --} are comments. A statement may hold
 * semicolons of its own (a trigger's body), which is why blank lines, not semicolons, separate them.
 */
public final class SqlScript {
    private SqlScript() {}

    public static List<String> statements(String resource) {
        String text;
        try (InputStream in = Objects.requireNonNull(SqlScript.class.getResourceAsStream(resource),
                () -> "no SQL resource " + resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(text);
    }

    static List<String> parse(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : (text + "\n\n").split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--")) {
                continue;
            }
            if (trimmed.isEmpty()) {
                if (!current.isEmpty()) {
                    String sql = current.toString().strip();
                    if (!sql.endsWith(";")) {
                        throw new IllegalArgumentException("a SQL statement must end with ';' before a blank line: " + sql);
                    }
                    statements.add(sql.substring(0, sql.length() - 1).strip());
                    current.setLength(0);
                }
                continue;
            }
            current.append(line).append('\n');
        }
        return statements;
    }
}
