package io.pulse.model;

/** An input that could not be processed, with the reason, kept in the {@code dead_letters} table. */
public class DeadLetter {
    /** Where it came from: a table and row key, or a live file and line. */
    public String source;
    public String reason;
    /** The raw input as far as it is known (a JSON line, or the event read from a row). */
    public String raw;
    /** Event time (epoch ms) when known, else {@link Long#MIN_VALUE}. */
    public long eventTime;

    public DeadLetter() {}

    public DeadLetter(String source, String reason, String raw, long eventTime) {
        this.source = source;
        this.reason = reason;
        this.raw = raw;
        this.eventTime = eventTime;
    }
}
