package io.pulse.portfolio;

import io.pulse.rules.facts.Parameters;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * The grading of the portfolio view (rules-pack section 1): a share of Low-band accounts of at
 * least {@code highMin} percent is High, at least {@code elevatedMin} Elevated, at least
 * {@code watchMin} Watch, anything below Stable. The thresholds are {@code portfolioGrades} in
 * {@code rules/parameters.json}.
 *
 * <p>The share is computed exactly and rounded half up to two decimals before it is graded, so the
 * figure a reader sees is the figure that was graded: 69.99 is Elevated, 70.00 High.
 */
public record LowShareGrades(BigDecimal highMin, BigDecimal elevatedMin, BigDecimal watchMin) {

    public LowShareGrades {
        Objects.requireNonNull(highMin, "highMin");
        Objects.requireNonNull(elevatedMin, "elevatedMin");
        Objects.requireNonNull(watchMin, "watchMin");
        if (!(watchMin.compareTo(elevatedMin) < 0 && elevatedMin.compareTo(highMin) < 0)) {
            throw new IllegalArgumentException("grades must rise: watch " + watchMin + " < elevated " + elevatedMin
                    + " < high " + highMin);
        }
    }

    /** The thresholds of a rule pack's parameters. */
    public static LowShareGrades of(Parameters.PortfolioGrades p) {
        return new LowShareGrades(BigDecimal.valueOf(p.getHighMin()), BigDecimal.valueOf(p.getElevatedMin()),
                BigDecimal.valueOf(p.getWatchMin()));
    }

    /**
     * {@code low} of {@code accounts} in percent, rounded half up to two decimals (exact decimal
     * arithmetic, no binary rounding on the way); null for an empty cell.
     */
    public static BigDecimal share(long low, long accounts) {
        if (low < 0 || low > accounts) {
            throw new IllegalArgumentException(low + " Low-band accounts of " + accounts);
        }
        if (accounts == 0) {
            return null;
        }
        return BigDecimal.valueOf(low).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(accounts), 2, RoundingMode.HALF_UP);
    }

    /** The grade of a share in percent (two decimals, as {@link #share} gives it). */
    public Grade grade(BigDecimal sharePercent) {
        Objects.requireNonNull(sharePercent, "an empty cell has no grade");
        if (sharePercent.compareTo(highMin) >= 0) {
            return Grade.HIGH;
        }
        if (sharePercent.compareTo(elevatedMin) >= 0) {
            return Grade.ELEVATED;
        }
        if (sharePercent.compareTo(watchMin) >= 0) {
            return Grade.WATCH;
        }
        return Grade.STABLE;
    }

    /** One line for a report's header: {@code High >= 70%, Elevated >= 40%, Watch >= 20%, Stable below}. */
    public String describe() {
        return "High >= " + plain(highMin) + "%, Elevated >= " + plain(elevatedMin) + "%, Watch >= " + plain(watchMin)
                + "%, Stable below";
    }

    static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }
}
