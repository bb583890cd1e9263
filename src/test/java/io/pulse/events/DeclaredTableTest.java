package io.pulse.events;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeclaredTableTest {
    private static final DeclaredTable SURVEYS = new DeclaredTable("NPS_SURVEY", "surveys", "answered_at", "survey_id",
            DeclaredTable.CustomerKey.EMAIL, "respondent_email", List.of(new Column("score", ColumnType.NUMBER),
            new Column("promoter", ColumnType.BOOLEAN), new Column("comment", ColumnType.TEXT),
            new Column("follow_up_on", ColumnType.DATE)), 3);

    private static Object[] typed(Object... values) {
        return SURVEYS.typed(CustomerEvent.Row.of("NPS_SURVEY", new String[] {"score", "promoter", "comment",
                "follow_up_on"}, values)).values();
    }

    private static double epochMs(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void valuesAreReadAsTheirColumnsTypesWhateverTheDatabaseOrJsonGaveThem() {
        assertThat(typed(9, 1, 42, "2026-03-01")).containsExactly(9.0, true, "42", epochMs("2026-03-01T00:00:00Z"));
        assertThat(typed(" 7.5 ", "false", "fine", "2026-03-01 10:30:00+02:00"))
                .containsExactly(7.5, false, "fine", epochMs("2026-03-01T08:30:00Z"));
        assertThat(typed(10.0, "yes", 3.25, "2026-03-01T10:30:00Z"))
                .containsExactly(10.0, true, "3.25", epochMs("2026-03-01T10:30:00Z"));
        assertThat(typed(null, null, null, epochMs("2026-03-01T00:00:00Z")))
                .as("nulls stay empty; a number in a date column is epoch ms")
                .containsExactly(null, null, null, epochMs("2026-03-01T00:00:00Z"));
        assertThat(typed(1, 0, "x", "2026-03-01T10:30")).containsExactly(1.0, false, "x",
                epochMs("2026-03-01T10:30:00Z"));
    }

    @Test
    void aNumberReadIntoATextColumnKeepsEveryDigit() {
        assertThat(typed(null, null, 1234567890123456789L, null)[2]).isEqualTo("1234567890123456789");
        assertThat(typed(null, null, new java.math.BigDecimal("12345678901234567.50"), null)[2])
                .isEqualTo("12345678901234567.5");
        assertThat(typed(null, null, 7, null)[2]).isEqualTo("7");
        assertThat(typed(null, null, 1e21, null)[2]).isEqualTo("1000000000000000000000");
    }

    @Test
    void aRowTakesTheDeclaredColumnsInTheirOrderLeavingOutOthersAndEmptyingMissingOnes() {
        CustomerEvent.Row row = SURVEYS.typed(CustomerEvent.Row.of("NPS_SURVEY", new String[] {"comment", "secret",
                "score"}, new Object[] {"slow exports", "hidden", 3}));
        assertThat(row.columns).containsExactly("score", "promoter", "comment", "follow_up_on");
        assertThat(row.values()).containsExactly(3.0, null, "slow exports", null);
    }

    @Test
    void aValueNotOfItsColumnsTypeSaysWhichColumnAndWhatItHolds() {
        assertThatThrownBy(() -> typed("ten", null, null, null))
                .hasMessage("NPS_SURVEY.score: \"ten\" is not a number");
        assertThatThrownBy(() -> typed(null, 2, null, null))
                .hasMessage("NPS_SURVEY.promoter: 2 is not true or false");
        assertThatThrownBy(() -> typed(null, true, null, "next tuesday"))
                .hasMessage("NPS_SURVEY.follow_up_on: \"next tuesday\" is not a date (ISO 8601, e.g. 2026-03-01)");
        assertThatThrownBy(() -> typed(true, null, null, null))
                .hasMessage("NPS_SURVEY.score: true is not a number");
    }

    @Test
    void aCustomerKeyIsNamedAsADeclarationWritesIt() {
        for (DeclaredTable.CustomerKey k : DeclaredTable.CustomerKey.values()) {
            assertThat(DeclaredTable.CustomerKey.byKey(k.key())).isEqualTo(k);
        }
        assertThat(DeclaredTable.CustomerKey.ACCOUNT_ID.key()).isEqualTo("account_id");
        assertThat(DeclaredTable.CustomerKey.byKey("company")).isNull();
    }
}
