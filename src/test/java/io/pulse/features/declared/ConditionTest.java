package io.pulse.features.declared;

import io.pulse.events.ColumnType;
import io.pulse.features.Observation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConditionTest {
    /** A row of (text, number, boolean). */
    private static Observation row(String text, Double number, Boolean flag) {
        return new Observation("T", 0, "r", new Object[] {text, number, flag});
    }

    private static Condition on(int column, Condition.Operator operator, Object... values) {
        return new Condition("c" + column, column, operator, List.of(values));
    }

    private static boolean holds(Condition c, Observation row) {
        return c.test(row);
    }

    @Test
    void equalsAndInCompareTextIgnoringCaseNumbersByValueAndBooleansExactly() {
        Observation row = row("Renewal", 3.0, true);
        assertThat(holds(on(0, Condition.Operator.EQUALS, "renewal"), row)).isTrue();
        assertThat(holds(on(0, Condition.Operator.EQUALS, "renewals"), row)).isFalse();
        assertThat(holds(on(1, Condition.Operator.EQUALS, 3.0), row)).isTrue();
        assertThat(holds(on(1, Condition.Operator.EQUALS, 3.5), row)).isFalse();
        assertThat(holds(on(2, Condition.Operator.EQUALS, true), row)).isTrue();
        assertThat(holds(on(2, Condition.Operator.EQUALS, false), row)).isFalse();
        assertThat(holds(on(0, Condition.Operator.NOT_EQUALS, "RENEWAL"), row)).isFalse();
        assertThat(holds(on(0, Condition.Operator.NOT_EQUALS, "expansion"), row)).isTrue();
        assertThat(holds(on(0, Condition.Operator.IN, "expansion", "RENEWAL"), row)).isTrue();
        assertThat(holds(on(0, Condition.Operator.IN, "expansion", "new business"), row)).isFalse();
        assertThat(holds(on(1, Condition.Operator.IN, 1.0, 3.0), row)).isTrue();
        assertThat(holds(on(0, Condition.Operator.NOT_IN, "expansion", "renewal"), row)).isFalse();
        assertThat(holds(on(0, Condition.Operator.NOT_IN, "expansion", "new business"), row)).isTrue();
        assertThat(holds(on(0, Condition.Operator.EQUALS, 3.0), row)).as("text is never a number").isFalse();
    }

    @Test
    void anEmptyValueMatchesOnlyTheNegativeFilters() {
        Observation empty = row(null, null, null);
        for (Condition.Operator o : Condition.Operator.values()) {
            boolean list = o == Condition.Operator.IN || o == Condition.Operator.NOT_IN;
            Object value = o.comparison() ? (Object) 1.0 : "x";
            Condition c = list ? on(o.comparison() ? 1 : 0, o, value, value) : on(o.comparison() ? 1 : 0, o, value);
            assertThat(holds(c, empty)).as(o.key())
                    .isEqualTo(o == Condition.Operator.NOT_EQUALS || o == Condition.Operator.NOT_IN);
        }
        assertThat(holds(on(5, Condition.Operator.EQUALS, "x"), empty)).as("a column the row lacks is empty")
                .isFalse();
        assertThat(holds(on(5, Condition.Operator.NOT_EQUALS, "x"), empty)).isTrue();
    }

    @Test
    void comparisonsHoldAtTheirBoundsAsTheirNamesSay() {
        Observation two = row("t", 2.0, false);
        assertThat(holds(on(1, Condition.Operator.GT, 2.0), two)).isFalse();
        assertThat(holds(on(1, Condition.Operator.GT, 1.5), two)).isTrue();
        assertThat(holds(on(1, Condition.Operator.GTE, 2.0), two)).isTrue();
        assertThat(holds(on(1, Condition.Operator.GTE, 2.5), two)).isFalse();
        assertThat(holds(on(1, Condition.Operator.LT, 2.0), two)).isFalse();
        assertThat(holds(on(1, Condition.Operator.LT, 2.5), two)).isTrue();
        assertThat(holds(on(1, Condition.Operator.LTE, 2.0), two)).isTrue();
        assertThat(holds(on(1, Condition.Operator.LTE, 1.5), two)).isFalse();
        assertThat(holds(on(0, Condition.Operator.GT, 1.0), two)).as("text is not compared").isFalse();
    }

    @Test
    void containsAndHasTagReadTextIgnoringCase() {
        Observation row = row("Billing discrepancy - Acme", 1.0, true);
        assertThat(holds(on(0, Condition.Operator.CONTAINS, "DISCREPANCY"), row)).isTrue();
        assertThat(holds(on(0, Condition.Operator.CONTAINS, "refund"), row)).isFalse();
        assertThat(holds(on(1, Condition.Operator.CONTAINS, "1"), row)).as("a number contains no text").isFalse();
        Observation tags = row("topic:billing|channel:email", null, null);
        assertThat(holds(on(0, Condition.Operator.HAS_TAG, "Topic:Billing"), tags)).isTrue();
        assertThat(holds(on(0, Condition.Operator.HAS_TAG, "billing"), tags)).as("a whole entry").isFalse();
        assertThat(holds(on(0, Condition.Operator.HAS_TAG, "Bug"), row("Upgrade Opportunity, bug ", null, null)))
                .isTrue();
        assertThat(holds(on(1, Condition.Operator.HAS_TAG, "Bug"), row)).isFalse();
    }

    @Test
    void eachFilterTakesTheColumnTypesItCanRead() {
        for (Condition.Operator o : Condition.Operator.values()) {
            assertThat(Condition.applies(o, ColumnType.DATE)).as(o.key() + " on a date").isFalse();
            assertThat(Condition.applies(o, ColumnType.NUMBER)).as(o.key() + " on a number").isEqualTo(!o.textual());
            assertThat(Condition.applies(o, ColumnType.TEXT)).as(o.key() + " on text").isEqualTo(!o.comparison());
            assertThat(Condition.applies(o, ColumnType.BOOLEAN)).as(o.key() + " on a boolean")
                    .isEqualTo(!o.textual() && !o.comparison());
            assertThat(Condition.Operator.byKey(o.key())).isEqualTo(o);
        }
        assertThat(Condition.Operator.CONTAINS.textual()).isTrue();
        assertThat(Condition.Operator.HAS_TAG.textual()).isTrue();
        assertThat(Condition.Operator.EQUALS.textual()).isFalse();
        assertThat(Condition.Operator.byKey("above")).isNull();
    }
}
