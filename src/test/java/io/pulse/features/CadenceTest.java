package io.pulse.features;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CadenceTest {
    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void aDailyPeriodEndsAtTheLastMillisecondOfTheUtcDay() {
        Cadence daily = Cadence.every(Duration.ofDays(1));
        assertThat(daily.periodEnd(at("2025-03-01T10:15:00Z"))).isEqualTo(at("2025-03-02T00:00:00Z") - 1);
        assertThat(daily.periodEnd(at("2025-03-01T00:00:00Z"))).isEqualTo(at("2025-03-02T00:00:00Z") - 1);
    }

    @Test
    void afterTheSwitchPeriodsAreShortAndTheDayBeforeEndsAtTheSwitch() {
        long historyEnd = at("2025-03-01T10:15:00Z");
        Cadence live = Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofSeconds(1), historyEnd);
        assertThat(live.periodEnd(at("2025-03-01T08:00:00Z"))).as("the last day of history ends at the switch")
                .isEqualTo(historyEnd);
        assertThat(live.periodEnd(historyEnd)).isEqualTo(historyEnd);
        assertThat(live.periodEnd(at("2025-02-27T08:00:00Z"))).isEqualTo(at("2025-02-28T00:00:00Z") - 1);
        assertThat(live.periodEnd(historyEnd + 1)).isEqualTo(at("2025-03-01T10:15:01Z") - 1);
        assertThat(live.periodEnd(at("2025-03-01T10:20:00.500Z"))).isEqualTo(at("2025-03-01T10:20:01Z") - 1);
    }

    @Test
    void aPeriodMustTileTheDay() {
        assertThatThrownBy(() -> Cadence.every(Duration.ofHours(7))).hasMessageContaining("PT7H");
        assertThatThrownBy(() -> Cadence.every(Duration.ofHours(36))).hasMessageContaining("divide a day");
        assertThat(Cadence.every(Duration.ofDays(7)).periodEnd(0)).isEqualTo(Duration.ofDays(7).toMillis() - 1);
    }

    @Test
    void aPeriodOfADayOrOneThatDividesItIsTakenAndZeroIsNot() {
        assertThat(Cadence.every(Duration.ofDays(1)).periodEnd(0)).isEqualTo(Duration.ofDays(1).toMillis() - 1);
        assertThat(Cadence.every(Duration.ofMillis(1)).periodEnd(5)).isEqualTo(5);
        assertThat(Cadence.every(Duration.ofHours(8)).periodEnd(0)).isEqualTo(Duration.ofHours(8).toMillis() - 1);
        assertThatThrownBy(() -> Cadence.every(Duration.ZERO)).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> Cadence.every(Duration.ofMillis(-1))).hasMessageContaining("divide a day");
        assertThatThrownBy(() -> Cadence.every(Duration.ofDays(1).plusMillis(1))).hasMessageContaining("whole number");
    }

    @Test
    void aCadenceSaysItsPeriodsAndWhenTheySwitch() {
        assertThat(Cadence.every(Duration.ofDays(1))).hasToString("every PT24H");
        assertThat(Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofSeconds(1), at("2025-03-01T10:15:00Z")))
                .hasToString("every PT24H until 2025-03-01T10:15:00Z, then every PT1S");
    }
}
