package io.pulse.server;

import io.javalin.security.RouteRole;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API's bearer tokens, each naming who it belongs to ({@code agent:token}) and carrying one
 * {@link Role}: a queue token (agent, lead or admin) acts as that person on the queue routes, so
 * nobody can act under another's name; an ingest token may only send events. Where an entry comes
 * from (the option, file or variable) says whether it is a queue or an ingest token; a queue entry
 * is an agent's unless it starts with a role word and a space ({@code lead lee:TOKEN},
 * {@code admin ops:TOKEN}): no entry valid before roles (a name has no space) changes meaning.
 * Tokens are compared in constant time and never printed; {@link #toString()} shows only the names.
 */
public final class ApiTokens {
    private static final Pattern ENTRY =
            Pattern.compile("(?:(agent|lead|admin)\\s+)?([A-Za-z0-9][A-Za-z0-9._@-]{0,63}):(\\S{16,})");

    /**
     * What a token may do. AGENT, LEAD and ADMIN work the queue ({@code /api/actions},
     * {@code /api/queue}): an agent acts on unclaimed actions and their own claims, a lead on
     * anyone's claims too, an admin as a lead (and, later, the configuration). INGEST may only send
     * events ({@code /api/events}).
     */
    public enum Role implements RouteRole {
        AGENT, LEAD, ADMIN, INGEST;

        /** The roles that may use the queue routes. */
        public static Role[] queue() {
            return new Role[] {AGENT, LEAD, ADMIN};
        }

        /** Whether this role works the queue. */
        public boolean worksTheQueue() {
            return this != INGEST;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Who presented a valid token, and the roles it carries. */
    public record Caller(String agent, Set<Role> roles) {
        /** Whether the caller may act on anyone's claimed action: a lead or an admin. */
        public boolean leads() {
            return roles.contains(Role.LEAD) || roles.contains(Role.ADMIN);
        }
    }

    private record Key(String agent, Role role) {}

    private final Map<Key, byte[]> tokens;

    private ApiTokens(Map<Key, byte[]> tokens) {
        this.tokens = tokens;
    }

    /** Queue tokens: agents' unless an entry starts with a role word (see {@link #of(Collection, String, Role)}). */
    public static ApiTokens of(Collection<String> entries, String origin) {
        return of(entries, origin, Role.AGENT);
    }

    /**
     * Reads {@code agent:token} entries (a token has at least 16 characters and no spaces; it may
     * hold ':'), each of {@code role} unless it starts with a role word ({@code lead lee:TOKEN});
     * ingest entries take no role word. A bad entry fails with its position, never its text.
     */
    public static ApiTokens of(Collection<String> entries, String origin, Role role) {
        Map<Key, byte[]> tokens = new LinkedHashMap<>();
        int n = 0;
        for (String entry : entries) {
            n++;
            var m = ENTRY.matcher(entry.trim());
            if (!m.matches() || (m.group(1) != null && !role.worksTheQueue())) {
                throw new IllegalArgumentException("token entry " + n + " of " + origin + " is not "
                        + (role.worksTheQueue() ? "[agent|lead|admin ]agent:token" : "name:token")
                        + " (agent: letters, digits, '.', '_', '@', '-'; token: 16 or more characters, no spaces)");
            }
            Role given = m.group(1) == null ? role : Role.valueOf(m.group(1).toUpperCase(Locale.ROOT));
            tokens.put(new Key(m.group(2), given), m.group(3).getBytes(StandardCharsets.UTF_8));
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

    /** Both sets; for one name and role the other's token wins. */
    public ApiTokens and(ApiTokens other) {
        Map<Key, byte[]> all = new LinkedHashMap<>(tokens);
        all.putAll(other.tokens);
        return new ApiTokens(all);
    }

    public boolean isEmpty() {
        return tokens.isEmpty();
    }

    /** Whether any token carries {@code role}. */
    public boolean has(Role role) {
        return tokens.keySet().stream().anyMatch(k -> k.role() == role);
    }

    /**
     * Who a presented token belongs to, with every role it was given (the same token may be given
     * both). Checks every token, so timing does not tell which matched.
     */
    public Optional<Caller> authenticate(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        String agent = null;
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (Map.Entry<Key, byte[]> e : tokens.entrySet()) {
            if (MessageDigest.isEqual(e.getValue(), given)) {
                agent = e.getKey().agent();
                roles.add(e.getKey().role());
            }
        }
        return agent == null ? Optional.empty() : Optional.of(new Caller(agent, roles));
    }

    /** The person a presented queue token (agent, lead or admin) belongs to. */
    public Optional<String> agentOf(String presented) {
        return authenticate(presented).filter(c -> c.roles().stream().anyMatch(Role::worksTheQueue))
                .map(Caller::agent);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Role role : Role.values()) {
            Set<String> names = new LinkedHashSet<>();
            tokens.keySet().stream().filter(k -> k.role() == role).forEach(k -> names.add(k.agent()));
            if (!names.isEmpty()) {
                parts.add(role.label() + " tokens for " + names);
            }
        }
        return parts.isEmpty() ? "no tokens" : String.join(", ", parts);
    }
}
