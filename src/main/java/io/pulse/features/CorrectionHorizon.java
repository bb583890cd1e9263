package io.pulse.features;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * How late an event may arrive and still correct its customer's features. An event whose period
 * was already evaluated is a correction when it is at most {@code horizon} behind the watermark and
 * belongs to a period after {@code from}; any other is dead-lettered as late.
 *
 * <p>To correct, the features operator keeps each customer's events of the periods after
 * {@code from} within the horizon (and its state before them), so the cost grows with the horizon.
 * Live mode sets {@code from} to the history's end less the horizon: live events may correct the
 * history's last days, and the bootstrap logs only those. Replays and backtests read their history
 * in order and correct nothing ({@link #none()}).
 */
public record CorrectionHorizon(Duration horizon, long from) implements Serializable {
    public CorrectionHorizon {
        if (horizon.isNegative()) {
            throw new IllegalArgumentException("the correction horizon cannot be negative: " + horizon);
        }
    }

    /** No corrections: every event whose period was evaluated is dead-lettered. */
    public static CorrectionHorizon none() {
        return new CorrectionHorizon(Duration.ZERO, Long.MAX_VALUE);
    }

    /**
     * Corrections up to {@code horizon} behind the watermark, of periods after the history's end
     * ({@code Long.MIN_VALUE}: none) less the horizon.
     */
    public static CorrectionHorizon after(long historyEnd, Duration horizon) {
        if (horizon.isZero()) {
            return none();
        }
        long h = horizon.toMillis();
        return new CorrectionHorizon(horizon, historyEnd < Long.MIN_VALUE + h ? Long.MIN_VALUE : historyEnd - h);
    }

    boolean enabled() {
        return !horizon.isZero();
    }

    /** Whether the events of the period ending at {@code periodEnd} are kept for corrections. */
    boolean logs(long periodEnd) {
        return enabled() && periodEnd > from;
    }

    /** Whether an event at {@code eventTime} may still correct, with event time at {@code watermark}. */
    boolean covers(long eventTime, long watermark) {
        return enabled() && eventTime > watermark - horizon.toMillis();
    }

    @Override
    public String toString() {
        return enabled() ? horizon + " after " + Instant.ofEpochMilli(from) : "none";
    }
}
