package io.pulse.features;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CorrectionHorizonTest {
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final long END = Instant.parse("2026-12-06T00:00:00Z").toEpochMilli();

    @Test
    void liveCorrectionsReachTheHistorysLastHoursWithinTheHorizonExclusive() {
        CorrectionHorizon h = CorrectionHorizon.after(END, Duration.ofHours(6));
        assertThat(h.from()).isEqualTo(END - 6 * HOUR);
        assertThat(h.enabled()).isTrue();
        assertThat(h.logs(END - 6 * HOUR)).as("the period ending at from: before it").isFalse();
        assertThat(h.logs(END - 6 * HOUR + 1)).isTrue();
        long watermark = END + 10 * HOUR;
        assertThat(h.covers(watermark - 6 * HOUR, watermark)).as("exactly the horizon behind: too late").isFalse();
        assertThat(h.covers(watermark - 6 * HOUR + 1, watermark)).isTrue();
        assertThat(h.toString()).isEqualTo("PT6H after 2026-12-05T18:00:00Z");
    }

    @Test
    void noHorizonCorrectsNothingAndAnEmptyHistoryLeavesNoFloor() {
        CorrectionHorizon none = CorrectionHorizon.after(END, Duration.ZERO);
        assertThat(none).isEqualTo(CorrectionHorizon.none());
        assertThat(none.enabled()).isFalse();
        assertThat(none.logs(Long.MAX_VALUE)).isFalse();
        assertThat(none.covers(END, END)).isFalse();
        assertThat(none.toString()).isEqualTo("none");
        assertThat(CorrectionHorizon.after(Long.MIN_VALUE, Duration.ofHours(1)).from()).as("no underflow")
                .isEqualTo(Long.MIN_VALUE);
        assertThat(CorrectionHorizon.after(Long.MIN_VALUE + HOUR, Duration.ofHours(1)).from()).isEqualTo(Long.MIN_VALUE);
        assertThat(CorrectionHorizon.after(Long.MIN_VALUE + HOUR + 1, Duration.ofHours(1)).from())
                .isEqualTo(Long.MIN_VALUE + 1);
        assertThatThrownBy(() -> CorrectionHorizon.after(END, Duration.ofHours(-1)))
                .hasMessageContaining("cannot be negative");
    }
}
