package io.pulse.queue;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where an action is in the CS workflow. OPEN and SUPERSEDED are the pipeline's; the rest are people's. */
public enum Status {
    /** Recommended and waiting for someone. */
    OPEN,
    /** Someone works it ({@code assignee}). */
    CLAIMED,
    /** Worked, with an outcome. Comes back only on new evidence after the cooldown. */
    DONE,
    /** Judged not worth doing. Comes back only on new evidence after the cooldown. */
    DISMISSED,
    /** Put off until {@code snoozed_until}; OPEN again after that. */
    SNOOZED,
    /** The pipeline no longer recommends it and nobody worked it; kept, not deleted. */
    SUPERSEDED;

    public static Status parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw QueueException.badInput("unknown status '" + text + "' (one of " + names(values()) + ")");
        }
    }

    static String names(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }
}
