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
              long deadLetters) {

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

    /** New actions raised in one week (Monday start), by action; per CSM when a team size is given. */
    public record WeekWorkload(String week, SortedMap<String, Integer> newActions, int total, Double perCsm) {}

    /** Customers per health band at the start of one week. */
    public record WeekBands(String week, SortedMap<String, Integer> customers) {}
}
