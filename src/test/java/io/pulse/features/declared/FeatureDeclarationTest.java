package io.pulse.features.declared;

import io.pulse.events.ColumnType;
import io.pulse.features.BuiltInSources;
import io.pulse.features.Observation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One declared feature's value over rows: its window's bounds, its source, each aggregate's arithmetic. */
class FeatureDeclarationTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long AS_OF = 100 * DAY;

    private static FeatureDeclaration feature(Aggregate aggregate, int column, ColumnType type, int windowDays,
                                              List<Condition> where, List<Condition> matching) {
        return new FeatureDeclaration("f", aggregate, "S", column < 0 ? null : "c" + column, column, type, windowDays,
                where, matching, 1);
    }

    private static FeatureDeclaration feature(Aggregate aggregate, int column, int windowDays) {
        return feature(aggregate, column, ColumnType.NUMBER, windowDays, List.of(), List.of());
    }

    /** A row of source S at {@code time} with (text, number). */
    private static Observation row(long time, String text, Double number) {
        return new Observation("S", time, "r" + time, new Object[] {text, number});
    }

    @Test
    void theWindowHoldsItsFirstMillisecondAndEndsBeforeTheEvaluation() {
        FeatureDeclaration count10 = feature(Aggregate.COUNT, -1, 10);
        List<Observation> rows = List.of(row(AS_OF - 10 * DAY - 1, "before", 1.0), row(AS_OF - 10 * DAY, "first", 1.0),
                row(AS_OF - 1, "last", 1.0), row(AS_OF, "after", 1.0),
                new Observation("OTHER", AS_OF - DAY, "o", new Object[] {"other", 1.0}));
        assertThat(count10.valueOf(rows, AS_OF)).isEqualTo(2);
        assertThat(feature(Aggregate.COUNT, -1, 0).valueOf(rows, AS_OF)).as("no window: the whole log").isEqualTo(3);
    }

    @Test
    void numbersSumAverageAndBoundWithEmptyValuesLeftOut() {
        List<Observation> rows = List.of(row(AS_OF - 3 * DAY, "a", 2.0), row(AS_OF - 2 * DAY, "b", null),
                row(AS_OF - DAY, "c", 7.0), row(AS_OF - DAY + 1, "d", -1.0));
        assertThat(feature(Aggregate.SUM, 1, 30).valueOf(rows, AS_OF)).isEqualTo(8.0);
        assertThat(feature(Aggregate.AVERAGE, 1, 30).valueOf(rows, AS_OF)).isEqualTo(8.0 / 3);
        assertThat(feature(Aggregate.MIN, 1, 30).valueOf(rows, AS_OF)).isEqualTo(-1.0);
        assertThat(feature(Aggregate.MAX, 1, 30).valueOf(rows, AS_OF)).isEqualTo(7.0);
        assertThat(feature(Aggregate.MAX, 1, 30).valueOf(List.of(row(AS_OF - DAY, "x", 7.0),
                row(AS_OF - DAY + 1, "y", 7.0)), AS_OF)).isEqualTo(7.0);
        List<Observation> none = List.of(row(AS_OF - DAY, "only text", null));
        assertThat(feature(Aggregate.AVERAGE, 1, 30).valueOf(none, AS_OF)).isNull();
        assertThat(feature(Aggregate.MIN, 1, 30).valueOf(none, AS_OF)).isNull();
        assertThat(feature(Aggregate.SUM, 1, 30).valueOf(none, AS_OF)).isEqualTo(0.0);
        assertThat(feature(Aggregate.SUM, 5, 30).valueOf(rows, AS_OF)).as("a column older rows lack").isEqualTo(0.0);
    }

    @Test
    void distinctCountsTextIgnoringCaseAndShareCountsTheMatchingPart() {
        List<Observation> rows = List.of(row(AS_OF - 3 * DAY, "Reports", 1.0), row(AS_OF - 2 * DAY, "reports", 2.0),
                row(AS_OF - DAY, "exports", 2.0), row(AS_OF - DAY + 5, null, 5.0));
        assertThat(feature(Aggregate.DISTINCT_COUNT, 0, 30).valueOf(rows, AS_OF)).isEqualTo(2);
        assertThat(feature(Aggregate.DISTINCT_COUNT, 1, 30).valueOf(rows, AS_OF)).isEqualTo(3);
        Condition two = new Condition("c1", 1, Condition.Operator.GTE, List.of(2.0));
        Condition notFive = new Condition("c1", 1, Condition.Operator.LT, List.of(5.0));
        FeatureDeclaration share = feature(Aggregate.SHARE, -1, ColumnType.NUMBER, 30, List.of(notFive), List.of(two));
        assertThat(share.valueOf(rows, AS_OF)).isEqualTo(2 / 3.0);
        assertThat(share.valueOf(List.of(), AS_OF)).isNull();
    }

    @Test
    void latestDaysSinceAndDaysUntilReadTheLatestMatchingRow() {
        Condition renewal = new Condition("c0", 0, Condition.Operator.EQUALS, List.of("renewal"));
        List<Observation> rows = List.of(row(AS_OF - 20 * DAY, "renewal", (double) (AS_OF + 30 * DAY)),
                row(AS_OF - 10 * DAY + 1, "renewal", (double) (AS_OF + 45 * DAY)),
                row(AS_OF - 2 * DAY, "expansion", (double) (AS_OF - 3 * DAY)));
        assertThat(feature(Aggregate.LATEST, 0, ColumnType.TEXT, 0, List.of(), List.of()).valueOf(rows, AS_OF))
                .isEqualTo("expansion");
        assertThat(feature(Aggregate.DAYS_SINCE, -1, ColumnType.TEXT, 0, List.of(renewal), List.of())
                .valueOf(rows, AS_OF)).as("the latest renewal row, 9 days and some before the end of day 99")
                .isEqualTo(9);
        assertThat(feature(Aggregate.DAYS_UNTIL, 1, ColumnType.DATE, 0, List.of(renewal), List.of())
                .valueOf(rows, AS_OF)).as("day 145 from day 99").isEqualTo(46);
        assertThat(feature(Aggregate.DAYS_UNTIL, 1, ColumnType.DATE, 0, List.of(), List.of()).valueOf(rows, AS_OF))
                .as("a date passed: negative").isEqualTo(-2);
        assertThat(feature(Aggregate.DAYS_UNTIL, 1, ColumnType.DATE, 0, List.of(), List.of())
                .valueOf(List.of(row(AS_OF - DAY, "no date", null)), AS_OF)).isNull();
        assertThat(feature(Aggregate.LATEST, 4, ColumnType.TEXT, 0, List.of(), List.of()).valueOf(rows, AS_OF))
                .as("a column the row lacks").isNull();
        assertThat(feature(Aggregate.DAYS_SINCE, -1, ColumnType.TEXT, 0, List.of(), List.of()).valueOf(List.of(), AS_OF))
                .isNull();
    }

    @Test
    void anEmptyValueIsTheValueOverNoRows() {
        assertThat(feature(Aggregate.COUNT, -1, 30).emptyValue()).isEqualTo(0);
        assertThat(feature(Aggregate.AVERAGE, 1, 30).emptyValue()).isNull();
    }

    @Test
    void aFeatureIsNewOrChangedUnlessTheSameDefinitionWasDeployedWhereverItIsWritten() {
        String before = """
                features:
                  - name: a
                    count: PRODUCT_USAGE
                    window_days: 14
                  - name: b
                    distinct_count: PRODUCT_USAGE.feature
                    window_days: 14
                  - name: c
                    count: CONVERSATION_CREATED
                    window_days: 30
                    where: { sla_status: breached }
                """;
        String after = """
                features:
                  - name: c
                    count: CONVERSATION_CREATED
                    window_days: 30
                    where: { sla_status: breached }
                  - name: a
                    count: PRODUCT_USAGE
                    window_days: 15
                  - name: b
                    distinct_count: PRODUCT_USAGE.contact_email
                    window_days: 14
                  - name: d
                    count: CONVERSATION_CREATED
                    window_days: 30
                    where: { sla_status: met }
                """;
        FeatureDeclarations was = parse(before);
        FeatureDeclarations now = parse(after);
        assertThat(now.newOrChangedSince(was)).containsExactly("a", "b", "d");
        assertThat(now.newOrChangedSince(now)).isEmpty();
        assertThat(was.isEmpty()).isFalse();
        assertThat(FeatureDeclarations.NONE.isEmpty()).isTrue();
        FeatureDeclaration c = now.features().get(0);
        FeatureDeclaration d = now.features().get(3);
        assertThat(c.sameDefinitionAs(was.features().get(2))).isTrue();
        assertThat(d.sameDefinitionAs(new FeatureDeclaration("d", d.aggregate(), d.source(), d.column(),
                d.columnIndex(), d.columnType(), d.windowDays(), d.where(), List.of(), 99))).as("a line apart").isTrue();
        assertThat(d.sameDefinitionAs(new FeatureDeclaration("d", Aggregate.SHARE, d.source(), d.column(),
                d.columnIndex(), d.columnType(), d.windowDays(), d.where(), List.of(), 5))).isFalse();
        assertThat(d.sameDefinitionAs(new FeatureDeclaration("d", d.aggregate(), "CONVERSATION_CLOSED", d.column(),
                d.columnIndex(), d.columnType(), d.windowDays(), d.where(), List.of(), 5))).isFalse();
        assertThat(d.sameDefinitionAs(new FeatureDeclaration("d", d.aggregate(), d.source(), d.column(),
                d.columnIndex(), d.columnType(), d.windowDays(), d.where(), d.where(), 5))).isFalse();
    }

    private static FeatureDeclarations parse(String yaml) {
        List<FeatureDeclarations.Problem> problems = new ArrayList<>();
        FeatureDeclarations declared = FeatureDeclarations.parse(yaml, BuiltInSources.all(), problems);
        assertThat(problems).isEmpty();
        return declared;
    }

    @Test
    void eachMalformedEntryIsAProblemAtItsLine() {
        List<FeatureDeclarations.Problem> problems = new ArrayList<>();
        FeatureDeclarations declared = FeatureDeclarations.parse("""
                features:
                  - just a string
                  - window_days: 3
                  - name: twoAggregates
                    count: PRODUCT_USAGE
                    sum: PLAN_CHANGE.monthly_spend_delta
                    window_days: 3
                  - name: sumOfRows
                    sum: PLAN_CHANGE
                    window_days: 3
                  - name: countOfColumn
                    count: PRODUCT_USAGE.feature
                    window_days: 3
                  - name: matchingWithoutShare
                    count: PRODUCT_USAGE
                    window_days: 3
                    matching: { feature: reports }
                  - name: whereNotAMap
                    count: PRODUCT_USAGE
                    window_days: 3
                    where: [feature]
                  - name: wrongValueType
                    count: CONVERSATION_CLOSED
                    window_days: 3
                    where: { bot_first_response: yes please, conversation_rating: { gt: high } }
                  - name: windowZero
                    count: PRODUCT_USAGE
                    window_days: 0
                  - name: windowNinety
                    count: PRODUCT_USAGE
                    window_days: 90
                """, BuiltInSources.all(), problems);
        assertThat(problems).extracting(p -> p.line() + ": " + p.message()).containsExactly(
                "2: a feature is a map with a name and an aggregate, e.g. \"count: CONVERSATION_CREATED\"",
                "3: a feature needs a \"name\" (the field the rules read)",
                "6: feature \"twoAggregates\" has two aggregates, count and sum",
                "9: feature \"sumOfRows\": sum reads a column: write sum: PLAN_CHANGE.<column> (columns: [old_plan,"
                        + " new_plan, monthly_spend_delta])",
                "12: feature \"countOfColumn\": count counts rows: write count: PRODUCT_USAGE, and filter the rows"
                        + " with where",
                "17: feature \"matchingWithoutShare\": only a share has \"matching\"; filter rows with where",
                "21: feature \"whereNotAMap\": where is a map of column: value or column: { filter: value }",
                "25: feature \"wrongValueType\": bot_first_response holds boolean, not \"yes please\"",
                "25: feature \"wrongValueType\": conversation_rating holds number, not \"high\"",
                "28: feature \"windowZero\": window_days must be a whole number of days from 1 to 90 (how long"
                        + " Pulse keeps each customer's rows), not 0");
        assertThat(declared.features()).extracting(FeatureDeclaration::name).containsExactly("windowNinety");
    }

    @Test
    void aFileThatIsNotAListOfFeaturesDeclaresNone() {
        for (String yaml : new String[] {"", "features: 3", "other: []", "features: [\n", "- a\n- b"}) {
            List<FeatureDeclarations.Problem> problems = new ArrayList<>();
            FeatureDeclarations declared = FeatureDeclarations.parse(yaml, BuiltInSources.all(), problems);
            assertThat(declared).as(yaml).isSameAs(FeatureDeclarations.NONE);
            assertThat(problems).as(yaml).hasSize(yaml.isEmpty() ? 0 : 1);
        }
        StringBuilder many = new StringBuilder("features:\n");
        for (int i = 0; i <= FeatureDeclarations.MAX_FEATURES; i++) {
            many.append("  - name: f").append(i).append("\n    count: PRODUCT_USAGE\n    window_days: 1\n");
        }
        List<FeatureDeclarations.Problem> problems = new ArrayList<>();
        assertThat(FeatureDeclarations.parse(many.toString(), BuiltInSources.all(), problems))
                .isSameAs(FeatureDeclarations.NONE);
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).startsWith("101 features"));
        many.setLength(0);
        many.append("features:\n");
        for (int i = 0; i < FeatureDeclarations.MAX_FEATURES; i++) {
            many.append("  - name: f").append(i).append("\n    count: PRODUCT_USAGE\n    window_days: 1\n");
        }
        problems.clear();
        assertThat(FeatureDeclarations.parse(many.toString(), BuiltInSources.all(), problems).features()).hasSize(100);
        assertThat(problems).isEmpty();
    }
}
