package io.pulse.features;

/** What a source column holds, and so which filters and aggregates it takes. */
public enum ColumnType {
    /** Text; filters: equals, in, contains, has_tag (for tag lists). */
    TEXT,
    /** A number (kept as a double); filters: equals, in and the comparisons; sum, average, min, max. */
    NUMBER,
    /** true or false; filter: equals. */
    BOOLEAN
}
