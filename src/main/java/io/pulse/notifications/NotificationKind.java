package io.pulse.notifications;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a notification tells, as the queue's history recorded it. */
public enum NotificationKind {
    /** The pipeline opened an action (new, recommended again, or reopened) that is now priority 1. */
    NEW_P1,
    /** The clock escalated an action past its due time. */
    ESCALATED,
    /** A lead assigned an action to someone. */
    ASSIGNED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A kind by its code ({@code new_p1}, {@code escalated}, {@code assigned}). */
    public static NotificationKind parse(String code) {
        for (NotificationKind k : values()) {
            if (k.code().equalsIgnoreCase(code.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown notification kind '" + code + "' (one of "
                + Arrays.stream(values()).map(NotificationKind::code).collect(Collectors.joining(", ")) + ")");
    }

    /**
     * The kind of a history row, or null when it is no news: who ({@code actor}) moved the action
     * from {@code from} to {@code to} with {@code note}, the action now at {@code priority}.
     */
    static NotificationKind of(String actor, String from, String to, String note, int priority) {
        if ("pipeline".equals(actor) && "OPEN".equals(to) && !"OPEN".equals(from) && priority == 1) {
            return NEW_P1;
        }
        if ("clock".equals(actor) && note != null && note.startsWith("overdue since ")) {
            return ESCALATED;
        }
        if (note != null && note.startsWith("assigned to ")) {
            return ASSIGNED;
        }
        return null;
    }
}
