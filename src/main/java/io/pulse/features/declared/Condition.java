package io.pulse.features.declared;

import io.pulse.events.ColumnType;
import io.pulse.features.Observation;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * One filter of a declared feature on one column of a row: {@code equals}, {@code not_equals},
 * {@code in}, {@code not_in}, {@code contains} (text, ignoring case), {@code has_tag} (a tag list
 * in either format: a label such as {@code Implementation}, or a {@code key:value} pair such as
 * {@code topic:billing}; ignoring case), {@code gt}, {@code gte}, {@code lt}, {@code lte}
 * (numbers). A row whose column is empty (null) matches no condition but {@code not_equals} and
 * {@code not_in}.
 *
 * @param values one value, or the list of {@code in} / {@code not_in}: String, Double or Boolean
 */
public record Condition(String column, int columnIndex, Operator operator, List<Object> values)
        implements Serializable {

    /** The filters, by the key a declaration writes. */
    public enum Operator {
        EQUALS("equals"), NOT_EQUALS("not_equals"), IN("in"), NOT_IN("not_in"), CONTAINS("contains"),
        HAS_TAG("has_tag"), GT("gt"), GTE("gte"), LT("lt"), LTE("lte");

        private final String key;

        Operator(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        public static Operator byKey(String key) {
            for (Operator o : values()) {
                if (o.key.equals(key)) {
                    return o;
                }
            }
            return null;
        }

        /** Whether the column must hold numbers. */
        boolean comparison() {
            return this == GT || this == GTE || this == LT || this == LTE;
        }

        /** Whether the column must hold text. */
        boolean textual() {
            return this == CONTAINS || this == HAS_TAG;
        }
    }

    public Condition {
        values = List.copyOf(values);
    }

    /** Whether the operator takes a column of this type. */
    static boolean applies(Operator operator, ColumnType type) {
        if (type == ColumnType.DATE) {
            return false; // a date is read relative to the day evaluated (days_until), not against a constant
        }
        if (operator.comparison()) {
            return type == ColumnType.NUMBER;
        }
        if (operator.textual()) {
            return type == ColumnType.TEXT;
        }
        return true;
    }

    public boolean test(Observation row) {
        Object v = columnIndex < row.values().length ? row.value(columnIndex) : null;
        return switch (operator) {
            case EQUALS -> v != null && same(v, values.get(0));
            case NOT_EQUALS -> v == null || !same(v, values.get(0));
            case IN -> v != null && values.stream().anyMatch(x -> same(v, x));
            case NOT_IN -> v == null || values.stream().noneMatch(x -> same(v, x));
            case CONTAINS -> v instanceof String s
                    && s.toLowerCase(Locale.ROOT).contains(((String) values.get(0)).toLowerCase(Locale.ROOT));
            case HAS_TAG -> v instanceof String s && hasTag(s, (String) values.get(0));
            case GT -> v instanceof Double d && d > (Double) values.get(0);
            case GTE -> v instanceof Double d && d >= (Double) values.get(0);
            case LT -> v instanceof Double d && d < (Double) values.get(0);
            case LTE -> v instanceof Double d && d <= (Double) values.get(0);
        };
    }

    /** Text ignoring case; numbers by value; booleans exactly. */
    private static boolean same(Object value, Object wanted) {
        if (value instanceof String s && wanted instanceof String w) {
            return s.equalsIgnoreCase(w);
        }
        if (value instanceof Double d && wanted instanceof Double w) {
            return d.doubleValue() == w.doubleValue();
        }
        return value.equals(wanted);
    }

    /**
     * A tag list holds the tag: {@code topic:billing|channel:email} (pipe-separated key:value pairs)
     * or {@code Bug, Escalation} (comma-separated labels); a tag matches a whole entry, ignoring case
     * and the spaces around it.
     */
    static boolean hasTag(String tags, String tag) {
        for (String entry : tags.split("[|,]")) {
            if (entry.trim().equalsIgnoreCase(tag.trim())) {
                return true;
            }
        }
        return false;
    }
}
