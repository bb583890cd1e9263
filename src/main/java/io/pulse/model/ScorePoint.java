package io.pulse.model;

import java.util.Arrays;

/**
 * One point of a customer's score history ({@code score_history}): what an evaluation made of the
 * customer, written only when it differs from the customer's previous point in score, band or a
 * tier, so the history holds every evaluation's classification at no cost for the many that change
 * nothing (the latest point at or before a time is the customer's classification then). Keyed by
 * (customerId, validAsOf): a re-score at the same time (a rule reload) replaces the point. Also a
 * Flink POJO.
 */
public class ScorePoint {
    public String customerId;
    /** Event time (epoch ms) the evaluation is valid as of. */
    public long validAsOf;
    /** 0-100, 2 decimals. */
    public double healthScore;
    public String healthBand;
    public String valueTier;
    public String riskTier;
    public double predicted6mRevenue;
    public String rulesetVersion;
    /**
     * What each input added to the score, in points, in the order of
     * {@link io.pulse.rules.facts.ScoreInputs#NAMES}; null when the pack's score rule does not say.
     */
    public double[] inputs;

    public ScorePoint() {}

    public ScorePoint(String customerId, long validAsOf, double healthScore, String healthBand, String valueTier,
                      String riskTier, double predicted6mRevenue, String rulesetVersion, double[] inputs) {
        this.customerId = customerId;
        this.validAsOf = validAsOf;
        this.healthScore = healthScore;
        this.healthBand = healthBand;
        this.valueTier = valueTier;
        this.riskTier = riskTier;
        this.predicted6mRevenue = predicted6mRevenue;
        this.rulesetVersion = rulesetVersion;
        this.inputs = inputs;
    }

    @Override
    public String toString() {
        return "ScorePoint[" + customerId + " @" + validAsOf + ": " + healthScore + " " + healthBand + ", value "
                + valueTier + ", risk " + riskTier + (inputs == null ? "" : ", inputs " + Arrays.toString(inputs)) + "]";
    }
}
