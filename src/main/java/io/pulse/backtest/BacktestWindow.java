package io.pulse.backtest;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * The part of the history a backtest scores: flags raised from the start of {@code from} to the
 * end of {@code to} (UTC days), and outcomes up to {@code horizon} after each flag.
 */
public record BacktestWindow(LocalDate from, LocalDate to, Duration horizon) {
    public static final long DAY_MS = Duration.ofDays(1).toMillis();

    public BacktestWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(horizon, "horizon");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("--to " + to + " is before --from " + from);
        }
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("the horizon must be positive, got " + horizon);
        }
    }

    /** Epoch ms of the window's first instant. */
    public long startMs() {
        return from.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** Epoch ms just after the window: midnight after {@code to}. */
    public long endMs() {
        return to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    public long horizonMs() {
        return horizon.toMillis();
    }

    /** The same window starting later (not before {@code from}): the part a rule set could be scored on. */
    public BacktestWindow startingAt(LocalDate day) {
        return day.isAfter(from) ? new BacktestWindow(day, to, horizon) : this;
    }

    /** "90d"-style durations as well as ISO-8601 ("P90D"). */
    public static Duration parseHorizon(String text) {
        String t = text.trim();
        if (t.matches("\\d+d")) {
            return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        try {
            return Duration.parse(t);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("--horizon '" + text + "' is not a duration: write it as 90d or P90D");
        }
    }
}
