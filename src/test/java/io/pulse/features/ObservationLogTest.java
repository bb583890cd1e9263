package io.pulse.features;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ObservationLogTest {
    private static final long DAY = Duration.ofDays(1).toMillis();

    private static Observation row(String source, long time, String id, Object... values) {
        return new Observation(source, time, id, values);
    }

    @Test
    void aLogSurvivesPackingWithEveryKindOfValue() {
        ObservationLog log = new ObservationLog();
        log.addAll(List.of(
                row("CONVERSATION_CREATED", 5 * DAY, "c:1", "c1", "Billing – ünïcode", "Bug, API", 4.5, true, null, "met"),
                row("PRODUCT_USAGE", 3 * DAY, "u:7", "reports", null),
                row("PLAN_CHANGE", 4 * DAY, "p:2", "Growth", "Scale", -0.1)));

        ObservationLog back = ObservationLog.unpack(log.pack());

        assertThat(back.rows()).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(log.rows());
        assertThat(back.rows()).extracting(Observation::time).containsExactly(3 * DAY, 4 * DAY, 5 * DAY);
        assertThat(back.pack()).isEqualTo(log.pack());
    }

    @Test
    void aRowSentAgainIsKeptOnce() {
        ObservationLog log = new ObservationLog();
        log.addAll(List.of(row("PRODUCT_USAGE", DAY, "u:1", "reports", null)));
        log.addAll(List.of(row("PRODUCT_USAGE", DAY, "u:1", "reports", null), row("PRODUCT_USAGE", DAY, "u:2", "x", null)));
        assertThat(log.rows()).extracting(Observation::id).containsExactly("u:1", "u:2");
    }

    @Test
    void evictionKeepsTheRetentionAndTheLatestRowOfEachSource() {
        ObservationLog log = new ObservationLog();
        log.addAll(List.of(
                row("COMPANY_SNAPSHOT", 1 * DAY, "co:1", "Growth"),
                row("COMPANY_SNAPSHOT", 2 * DAY, "co:2", "Scale"),
                row("PRODUCT_USAGE", 5 * DAY, "u:1", "reports"),
                row("PRODUCT_USAGE", 150 * DAY, "u:2", "exports"),
                row("PRODUCT_USAGE", 170 * DAY, "u:3", "search")));

        log.evict(200 * DAY); // keeps from day 110 on

        assertThat(log.rows()).extracting(Observation::id).containsExactly("co:2", "u:2", "u:3");
    }

    @Test
    void aRowHoldsAtMostThirtyOneValuesOfEveryKind() {
        Object[] most = new Object[ObservationLog.MAX_VALUES];
        for (int i = 0; i < most.length; i++) {
            most[i] = switch (i % 4) {
                case 0 -> "t" + i;
                case 1 -> (double) i;
                case 2 -> i % 3 == 0;
                default -> null;
            };
        }
        ObservationLog log = new ObservationLog();
        log.addAll(List.of(row("WIDE", DAY, "w:1", most)));
        assertThat(ObservationLog.unpack(log.pack()).rows().get(0).values()).containsExactly(most);

        ObservationLog tooWide = new ObservationLog();
        tooWide.addAll(List.of(row("WIDE", DAY, "w:2", new Object[ObservationLog.MAX_VALUES + 1])));
        org.assertj.core.api.Assertions.assertThatThrownBy(tooWide::pack)
                .hasMessage("an observation holds at most 31 values, not 32");
    }

    @Test
    void aRowExactlyTheRetentionOldIsKeptAndOneMillisecondOlderIsNot() {
        ObservationLog log = new ObservationLog();
        assertThat(log.isEmpty()).isTrue();
        long asOf = 200 * DAY;
        long from = asOf - ObservationLog.RETENTION_DAYS * DAY;
        log.addAll(List.of(row("PRODUCT_USAGE", from - 1, "u:old", "a"), row("PRODUCT_USAGE", from, "u:edge", "b"),
                row("PRODUCT_USAGE", from + DAY, "u:new", "c")));
        assertThat(log.isEmpty()).isFalse();
        log.evict(asOf);
        assertThat(log.rows()).extracting(Observation::id).containsExactly("u:edge", "u:new");
    }
}
