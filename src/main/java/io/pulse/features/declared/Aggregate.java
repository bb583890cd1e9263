package io.pulse.features.declared;

import io.pulse.events.ColumnType;

/** What a declared feature computes over the matching rows of its source, and the type DRL reads. */
public enum Aggregate {
    /** Rows in the window: int, 0 when none. */
    COUNT("count", false, "int"),
    /** Sum of a number column in the window: double, 0 when none. */
    SUM("sum", true, "double"),
    /** Average of a number column in the window (nulls left out): Double, null when none. */
    AVERAGE("average", true, "Double"),
    /** Smallest value of a number column in the window: Double, null when none. */
    MIN("min", true, "Double"),
    /** Largest value of a number column in the window: Double, null when none. */
    MAX("max", true, "Double"),
    /** Different values of a column in the window (nulls left out): int. */
    DISTINCT_COUNT("distinct_count", true, "int"),
    /** Rows that also match {@code matching}, as a share (0-1) of the rows in the window: Double, null when none. */
    SHARE("share", false, "Double"),
    /** The column's value in the latest row (in the window, if one is given): its type, null when none. */
    LATEST("latest", true, null),
    /** Whole days since the latest row, within the log's retention: Integer, null when none. */
    DAYS_SINCE("days_since", false, "Integer"),
    /**
     * Days from the evaluated day to the date in a date column of the latest row, negative once it
     * has passed (a renewal date, say): Integer, null when none.
     */
    DAYS_UNTIL("days_until", true, "Integer");

    private final String key;
    private final boolean needsColumn;
    private final String drlType;

    Aggregate(String key, boolean needsColumn, String drlType) {
        this.key = key;
        this.needsColumn = needsColumn;
        this.drlType = drlType;
    }

    /** The key a declaration writes it with, e.g. {@code distinct_count}. */
    public String key() {
        return key;
    }

    /** Whether it reads a column ({@code source.column}) or counts rows ({@code source}). */
    public boolean needsColumn() {
        return needsColumn;
    }

    /** The DRL type of the feature, for a column of this type. */
    public String drlType(ColumnType column) {
        if (drlType != null) {
            return drlType;
        }
        return switch (column) {
            case TEXT -> "String";
            case NUMBER -> "Double";
            case BOOLEAN -> "Boolean";
            case DATE -> "Double";
        };
    }

    /** The aggregate a declaration key names, or null. */
    public static Aggregate byKey(String key) {
        for (Aggregate a : values()) {
            if (a.key.equals(key)) {
                return a;
            }
        }
        return null;
    }
}
