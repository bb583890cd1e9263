package io.pulse.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API's bearer tokens, each naming the person it belongs to ({@code agent:token}): the API acts
 * as that person, so nobody can act under another's name. Tokens are compared in constant time and
 * never printed; {@link #toString()} shows only the names.
 */
public final class ApiTokens {
    private static final Pattern ENTRY = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._@-]{0,63}):(\\S{16,})");

    private final Map<String, byte[]> tokenByAgent;

    private ApiTokens(Map<String, byte[]> tokenByAgent) {
        this.tokenByAgent = tokenByAgent;
    }

    /**
     * Reads {@code agent:token} entries (a token has at least 16 characters and no spaces). A bad
     * entry fails with its position, never its text.
     */
    public static ApiTokens of(Collection<String> entries, String origin) {
        Map<String, byte[]> tokens = new LinkedHashMap<>();
        int n = 0;
        for (String entry : entries) {
            n++;
            var m = ENTRY.matcher(entry.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("token entry " + n + " of " + origin + " is not agent:token"
                        + " (agent: letters, digits, '.', '_', '@', '-'; token: 16 or more characters, no spaces)");
            }
            tokens.put(m.group(1), m.group(2).getBytes(StandardCharsets.UTF_8));
        }
        return new ApiTokens(tokens);
    }

    /** Entries of a file, one per line; blank lines and {@code #} comments are skipped. */
    public static List<String> readFile(Path file) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank() && !line.trim().startsWith("#")) {
                entries.add(line);
            }
        }
        return entries;
    }

    /** Entries of a comma-separated list (the environment variable's form). */
    public static List<String> split(String commaSeparated) {
        List<String> entries = new ArrayList<>();
        if (commaSeparated != null) {
            for (String part : commaSeparated.split(",")) {
                if (!part.isBlank()) {
                    entries.add(part);
                }
            }
        }
        return entries;
    }

    public ApiTokens and(ApiTokens other) {
        Map<String, byte[]> all = new LinkedHashMap<>(tokenByAgent);
        all.putAll(other.tokenByAgent);
        return new ApiTokens(all);
    }

    public boolean isEmpty() {
        return tokenByAgent.isEmpty();
    }

    /** The person a presented token belongs to. Checks every token, so timing does not tell which matched. */
    public Optional<String> agentOf(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        String agent = null;
        for (Map.Entry<String, byte[]> e : tokenByAgent.entrySet()) {
            if (MessageDigest.isEqual(e.getValue(), given)) {
                agent = e.getKey();
            }
        }
        return Optional.ofNullable(agent);
    }

    @Override
    public String toString() {
        return "tokens for " + tokenByAgent.keySet();
    }
}
