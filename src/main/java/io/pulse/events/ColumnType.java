package io.pulse.events;

/** What a column of a row holds, and so which filters and aggregates it takes. */
public enum ColumnType {
    /** Text; filters: equals, in, contains, has_tag (for tag lists). */
    TEXT,
    /** A number (kept as a double); filters: equals, in and the comparisons; sum, average, min, max. */
    NUMBER,
    /** true or false; filter: equals. */
    BOOLEAN,
    /**
     * A date or timestamp, kept as epoch milliseconds (a bare date is its day's start, UTC); read
     * with {@code days_until} and {@code days_since}-like arithmetic, not filtered.
     */
    DATE
}
