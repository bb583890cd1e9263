package io.pulse.queue;

import java.util.Locale;

/** What came of a DONE action, for the backtests' comparison of actions with what really happened. */
public enum Outcome {
    SAVED, CHURNED, DOWNGRADED, RENEWED, EXPANDED, NO_ACTION;

    public static Outcome parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw QueueException.badInput("unknown outcome '" + text + "' (one of " + Status.names(values()) + ")");
        }
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
