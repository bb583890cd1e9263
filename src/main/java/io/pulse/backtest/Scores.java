package io.pulse.backtest;

import java.util.List;
import java.util.SortedMap;

/**
 * How one rule set scored against what really happened. Every figure is a ratio of whole counts,
 * rounded to 4 decimals, so the same log gives the same figures on every machine.
 */
public record Scores(String rules, String rulesetVersion, String evaluatedFrom, String evaluatedTo, int customers,
              int customersWithOutcome, Double baseRate, int negativeOutcomesInWindow, int greenThenChurned,
              List<SegmentScore> actions, List<SegmentScore> valueTiers, List<SegmentScore> riskTiers,
              List<SegmentScore> healthBands, List<WeekWorkload> weeklyWorkload, List<WeekBands> bandDistribution,
              long deadLetters, StabilityScores stability) {

    /**
     * One segment's figures. {@code flagged}: customers in the segment at some time in the window;
     * {@code precision}: share of them that churned or downgraded within the horizon after their
     * first flag in the window; {@code recall}: share of the customers who churned or downgraded in
     * the window that were in the segment within the horizon before it; {@code lift}: precision
     * over the base rate; {@code leadTimeDays}: median days from first flag to that outcome;
     * {@code churnedWhileInSegment}: churners who were in the segment when they churned (for the
     * High health band: the green-then-churned misses).
     */
    public record SegmentScore(Segment segment, int flagged, int flaggedThenLost, Double precision,
                        int lostCaught, Double recall, Double lift, Double leadTimeDays, int churnedWhileInSegment) {}

    /**
     * New actions raised in one week (Monday start), by action; per CSM when a team size is given;
     * with a weekly capacity, the backlog left undone at the week's end (carried to the next).
     */
    public record WeekWorkload(String week, SortedMap<String, Integer> newActions, int total, Double perCsm,
                               Integer leftUndone) {}

    /** Customers per health band at the start of one week. */
    public record WeekBands(String week, SortedMap<String, Integer> customers) {}

    /**
     * How steady one action's (or one family's) recommendations are over the window; see
     * {@link StabilityScorer} and the README's Backtests section for the definitions.
     * {@code openings}: times it became open for a customer in the window (from not open);
     * {@code openingsPerCustomerYear}: openings over the population over the window's years (365
     * days each); {@code customersOpened}: customers with at least one opening;
     * {@code maxOpeningsPerCustomer}: the most for one customer; {@code openedThreeTimes} and its
     * {@code shareOpenedThreeTimes} of the population: customers with three openings or more;
     * {@code medianDaysOpen}: median days from an opening to its retirement, an opening still open at
     * the window's end counting until the end ({@code stillOpenAtEnd} of them); {@code flipFlops}:
     * returns to an action within 60 days of leaving it, by {@code customersWithFlipFlops} customers.
     */
    public record StabilityScore(String name, int openings, Double openingsPerCustomerYear, int customersOpened,
                                 int maxOpeningsPerCustomer, int openedThreeTimes, Double shareOpenedThreeTimes,
                                 Double medianDaysOpen, int stillOpenAtEnd, int flipFlops, int customersWithFlipFlops) {}

    /** New actions per ISO week (Monday start): median and max over the weeks wholly inside the window. */
    public record WeeklyNewActions(Double median, int max, int weeks) {}

    /** Stability per action and per family (VALUE_RISK, HEALTH, ALERT, ...), and the weekly new actions. */
    public record StabilityScores(double windowYears, List<StabilityScore> actions, List<StabilityScore> families,
                                  WeeklyNewActions weeklyNewActions) {
        /** The figures of one family, or null if no customer of the population had an action of it. */
        public StabilityScore family(String name) {
            return families.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
        }

        /** The figures of one action, or null if no customer of the population had it. */
        public StabilityScore action(String name) {
            return actions.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
        }
    }
}
