package io.pulse.model;

/** An input that could not be processed, with the reason, kept in the {@code dead_letters} table. */
public class DeadLetter {
    /**
     * Where it came from: a table and row key; for a live input where it arrived, {@code path:line}
     * of a file or {@code kafka:topic-partition@offset}.
     */
    public String source;
    public String reason;
    /**
     * The raw input: a live input exactly as it arrived (the line, or the Kafka record's value), so
     * it can be fixed and sent again; for a history row, the event read from it.
     */
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
