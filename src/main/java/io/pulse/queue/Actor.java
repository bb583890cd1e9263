package io.pulse.queue;

/**
 * Who asks the queue for a change: a person's name, and whether they act as a lead. An agent may
 * act on unclaimed actions and on the ones they claimed; a lead also on anyone's claimed action.
 * The queue trusts this: the HTTP server derives it from the bearer token's role, the CLI from
 * {@code --agent} and {@code --as-lead}.
 */
public record Actor(String name, boolean lead) {
    public static Actor agent(String name) {
        return new Actor(name, false);
    }

    public static Actor lead(String name) {
        return new Actor(name, true);
    }

    /** Whether this actor may change an action that {@code assignee} has claimed. */
    boolean mayActOnClaimOf(String assignee) {
        return lead || name.equals(assignee);
    }
}
