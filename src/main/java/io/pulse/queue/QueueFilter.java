package io.pulse.queue;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which actions {@code list} shows; null fields do not filter. No statuses means the live ones
 * (OPEN, CLAIMED, SNOOZED). {@code tier} matches the value or the risk tier; {@code owner} the
 * account owner's e-mail (case-insensitive). {@code limit} caps the rows, taken in priority order.
 */
public record QueueFilter(Set<Status> statuses, String action, String tier, String assignee, String customer,
                          int limit, String owner) {
    public static final int DEFAULT_LIMIT = 100;
    public static final Set<Status> LIVE = EnumSet.of(Status.OPEN, Status.CLAIMED, Status.SNOOZED);

    public QueueFilter {
        statuses = statuses == null || statuses.isEmpty() ? LIVE : EnumSet.copyOf(statuses);
        if (limit < 1 || limit > 10_000) {
            throw QueueException.badInput("limit must be between 1 and 10000, got " + limit);
        }
    }

    /** A filter on everything but the account owner. */
    public QueueFilter(Set<Status> statuses, String action, String tier, String assignee, String customer, int limit) {
        this(statuses, action, tier, assignee, customer, limit, null);
    }

    public static QueueFilter live() {
        return new QueueFilter(null, null, null, null, null, DEFAULT_LIMIT);
    }
}
