package io.pulse.rules.facts;

import java.util.List;

/**
 * What each input of the health score adds to it, in points of the 0-100 score (weights applied,
 * before the score is clipped to 0-100): the score's breakdown, one term per input of
 * {@link HealthScoreCalculator}. A customer's story compares two breakdowns to name the inputs that
 * moved the score most.
 *
 * @param recency       days since the last activity
 * @param activities    activities in the last 30 days
 * @param contacts      the share of contacts with an e-mail
 * @param annualRevenue annual revenue, against the population's range
 * @param totalWon      total won amount, against the population's largest
 * @param sizeSegment   the size segment
 * @param employees     employees, against the population's range
 */
public record ScoreInputs(double recency, double activities, double contacts, double annualRevenue, double totalWon,
                          double sizeSegment, double employees) {
    /** The inputs' names, in the order of {@link #points()}: also the story's and the score history's names. */
    public static final List<String> NAMES = List.of("recency", "activities", "contacts", "annual_revenue",
            "total_won", "size_segment", "employees");

    /** The points, in the order of {@link #NAMES}. */
    public double[] points() {
        return new double[] {recency, activities, contacts, annualRevenue, totalWon, sizeSegment, employees};
    }

    /** The inputs of {@code points}, in the order of {@link #NAMES}. */
    public static ScoreInputs of(double[] points) {
        if (points.length != NAMES.size()) {
            throw new IllegalArgumentException("a score breakdown has " + NAMES.size() + " inputs, not " + points.length);
        }
        return new ScoreInputs(points[0], points[1], points[2], points[3], points[4], points[5], points[6]);
    }
}
