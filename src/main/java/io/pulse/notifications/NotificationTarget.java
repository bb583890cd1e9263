package io.pulse.notifications;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where notifications of some kinds go: a Slack incoming webhook ({@code slack}: {@code {"text":
 * ...}}) or any JSON endpoint ({@code generic}: the whole notification). {@code actions} narrows it
 * to some action codes; empty means every action. {@code agent} makes it one person's: only
 * notifications about their book (actions of accounts they own, by their e-mail on the team) or
 * assigned to them; null means the whole team's (a channel, or leads with {@code escalated}).
 */
public record NotificationTarget(String name, String url, String format, Set<NotificationKind> kinds,
                                 Set<String> actions, String agent) {
    public static final String SLACK = "slack";
    public static final String GENERIC = "generic";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public NotificationTarget {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a target's name is 1-64 letters, digits, '.', '_' or '-', not '"
                    + name + "'");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("target " + name + ": '" + url + "' is not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("target " + name + ": '" + url + "' is not an http(s) URL");
        }
        if (!SLACK.equals(format) && !GENERIC.equals(format)) {
            throw new IllegalArgumentException("target " + name + ": format is slack or generic, not '" + format + "'");
        }
        if (kinds == null || kinds.isEmpty()) {
            throw new IllegalArgumentException("target " + name + ": say which kinds it takes (new_p1, escalated,"
                    + " assigned)");
        }
        if (agent != null && agent.isBlank()) {
            throw new IllegalArgumentException("target " + name + ": say whose it is, or leave it the team's");
        }
        kinds = Set.copyOf(kinds);
        actions = actions == null ? Set.of()
                : Set.copyOf(actions.stream().map(a -> a.trim().toUpperCase(Locale.ROOT)).toList());
    }

    /** A target of the whole team's. */
    public NotificationTarget(String name, String url, String format, Set<NotificationKind> kinds, Set<String> actions) {
        this(name, url, format, kinds, actions, null);
    }

    /**
     * The URL as shown to people and logs: its scheme, host and port only (a Slack webhook's path is
     * its secret).
     */
    public String shownUrl() {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/...";
    }

    /**
     * Whether this target takes a notification of {@code kind} about an {@code action} of an account
     * owned by {@code owner} (an e-mail, or null) and assigned to {@code assignee} (or null);
     * {@code agentEmail} is this target's agent's e-mail on the team (null: none, or a team target).
     */
    boolean takes(NotificationKind kind, String action, String owner, String assignee, String agentEmail) {
        return kinds.contains(kind) && (actions.isEmpty() || actions.contains(action))
                && (agent == null || agent.equals(assignee) || agentEmail != null && agentEmail.equalsIgnoreCase(owner));
    }
}
