package io.pulse.features.declared;

import io.pulse.events.ColumnType;
import io.pulse.features.Observation;

import java.io.Serializable;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One declared feature: a name the rules read ({@code Features( implementationConversations30d >= 2 )}),
 * what it computes ({@link Aggregate}) over which source and column, in which window, over the rows
 * matching {@code where} (and, for a share, the part of them matching {@code matching}).
 *
 * @param column      null for an aggregate that counts rows
 * @param columnIndex the column's position in the source's rows, -1 without one
 * @param windowDays  0: no window (the whole log)
 * @param line        where the declaration starts in its file
 */
public record FeatureDeclaration(String name, Aggregate aggregate, String source, String column, int columnIndex,
                                 ColumnType columnType, int windowDays, List<Condition> where,
                                 List<Condition> matching, int line) implements Serializable {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    public FeatureDeclaration {
        where = List.copyOf(where);
        matching = List.copyOf(matching);
    }

    /** The same feature, wherever it is written: all but the line. */
    public boolean sameDefinitionAs(FeatureDeclaration o) {
        return name.equals(o.name) && aggregate == o.aggregate && source.equals(o.source)
                && java.util.Objects.equals(column, o.column) && windowDays == o.windowDays
                && where.equals(o.where) && matching.equals(o.matching);
    }

    /** The type of the field DRL reads: int, double, Double, Integer, String or Boolean. */
    public String drlType() {
        return aggregate.drlType(columnType);
    }

    /** The feature's value as of {@code asOf} (epoch ms, exclusive) over {@code rows} in time order. */
    public Object valueOf(List<Observation> rows, long asOf) {
        long from = windowDays == 0 ? Long.MIN_VALUE : asOf - windowDays * DAY_MS;
        int count = 0;
        int matched = 0;
        double sum = 0;
        int numbers = 0;
        Double min = null;
        Double max = null;
        Set<Object> distinct = aggregate == Aggregate.DISTINCT_COUNT ? new HashSet<>() : null;
        Observation latest = null;
        for (Observation row : rows) {
            if (row.time() < from || row.time() >= asOf || !row.source().equals(source) || !all(where, row)) {
                continue;
            }
            count++;
            latest = row;
            if (aggregate == Aggregate.SHARE && all(matching, row)) {
                matched++;
            }
            Object v = columnIndex < 0 || columnIndex >= row.values().length ? null : row.value(columnIndex);
            if (distinct != null && v != null) {
                distinct.add(v instanceof String s ? s.toLowerCase(java.util.Locale.ROOT) : v);
            }
            if (v instanceof Double d) {
                numbers++;
                sum += d;
                min = min == null || d < min ? d : min;
                max = max == null || d > max ? d : max;
            }
        }
        return switch (aggregate) {
            case COUNT -> count;
            case SUM -> sum;
            case AVERAGE -> numbers == 0 ? null : sum / numbers;
            case MIN -> min;
            case MAX -> max;
            case DISTINCT_COUNT -> distinct.size();
            case SHARE -> count == 0 ? null : matched / (double) count;
            case LATEST -> latest == null || columnIndex >= latest.values().length ? null : latest.value(columnIndex);
            case DAYS_SINCE -> latest == null ? null : (int) ((asOf - 1 - latest.time()) / DAY_MS);
            case DAYS_UNTIL -> latest == null || columnIndex >= latest.values().length
                    || !(latest.value(columnIndex) instanceof Double date) ? null
                    : (int) (Math.floorDiv(date.longValue(), DAY_MS) - Math.floorDiv(asOf - 1, DAY_MS));
        };
    }

    /** The value a feature has with no rows at all: what a scenario that does not set it gets. */
    public Object emptyValue() {
        return valueOf(List.of(), Long.MAX_VALUE);
    }

    private static boolean all(List<Condition> conditions, Observation row) {
        for (Condition c : conditions) {
            if (!c.test(row)) {
                return false;
            }
        }
        return true;
    }
}
