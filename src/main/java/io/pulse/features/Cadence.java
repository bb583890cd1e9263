package io.pulse.features;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * When customers are evaluated: the evaluation periods, UTC-aligned. A customer whose features
 * changed in a period is evaluated once, at the period's end. Replay and backtests use one period
 * (a day by default); live mode replays the history at that period and follows live events at a
 * short one from the history's end on, so the bootstrap coalesces like a replay and live events
 * are scored within moments.
 */
public final class Cadence implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private final long periodMs;
    /** The last millisecond of the first part; Long.MAX_VALUE when there is one part. */
    private final long switchAt;
    private final long laterPeriodMs;

    private Cadence(long periodMs, long switchAt, long laterPeriodMs) {
        this.periodMs = periodMs;
        this.switchAt = switchAt;
        this.laterPeriodMs = laterPeriodMs;
    }

    /**
     * One period throughout.
     *
     * @throws IllegalArgumentException unless the period is a whole number of days or divides a day
     */
    public static Cadence every(Duration period) {
        return new Cadence(checked(period), Long.MAX_VALUE, checked(period));
    }

    /** This cadence up to and including {@code until} (epoch ms), then periods of {@code period}. */
    public Cadence thenEvery(Duration period, long until) {
        return new Cadence(periodMs, until, checked(period));
    }

    private static long checked(Duration period) {
        long ms = period.toMillis();
        if (ms <= 0 || (ms < DAY_MS ? DAY_MS % ms != 0 : ms % DAY_MS != 0)) {
            throw new IllegalArgumentException("an evaluation period must be a whole number of days or divide a day"
                    + " evenly, not " + period);
        }
        return ms;
    }

    /** The last millisecond of the evaluation period that contains {@code time}. */
    public long periodEnd(long time) {
        if (time <= switchAt) {
            return Math.min(floorEnd(time, periodMs), switchAt);
        }
        return floorEnd(time, laterPeriodMs);
    }

    private static long floorEnd(long time, long period) {
        return Math.floorDiv(time, period) * period + period - 1;
    }

    @Override
    public String toString() {
        String first = "every " + Duration.ofMillis(periodMs);
        return switchAt == Long.MAX_VALUE ? first
                : first + " until " + Instant.ofEpochMilli(switchAt) + ", then every " + Duration.ofMillis(laterPeriodMs);
    }
}
