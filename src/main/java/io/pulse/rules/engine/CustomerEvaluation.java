package io.pulse.rules.engine;

import io.pulse.model.Recommendation;
import io.pulse.rules.facts.ScoreInputs;
import java.util.List;

/**
 * The outcome of evaluating one customer against a rule set: the classification (health score
 * and band, value tier, risk tier), the two strategies, and the recommendations to write to the
 * CS queue. The recommendations are fresh objects the caller may change.
 */
public final class CustomerEvaluation {
    private final String customerId;
    private final double healthScore;
    private final ScoreInputs scoreInputs;
    private final String healthBand;
    private final String valueTier;
    private final String riskTier;
    private final String indicatedRiskTier;
    private final String healthStrategy;
    private final String valueRiskStrategy;
    private final double predicted6mRevenue;
    private final List<Recommendation> recommendations;
    private final List<String> firedRules;
    private final List<String> cohorts;
    private final List<String> signals;
    private final String rulesetVersion;
    private final long asOf;

    CustomerEvaluation(String customerId, double healthScore, ScoreInputs scoreInputs, String healthBand, String valueTier, String riskTier,
                       String indicatedRiskTier, String healthStrategy, String valueRiskStrategy, double predicted6mRevenue,
                       List<Recommendation> recommendations, List<String> firedRules, List<String> cohorts,
                       List<String> signals, String rulesetVersion, long asOf) {
        this.customerId = customerId;
        this.healthScore = healthScore;
        this.scoreInputs = scoreInputs;
        this.healthBand = healthBand;
        this.valueTier = valueTier;
        this.riskTier = riskTier;
        this.indicatedRiskTier = indicatedRiskTier;
        this.healthStrategy = healthStrategy;
        this.valueRiskStrategy = valueRiskStrategy;
        this.predicted6mRevenue = predicted6mRevenue;
        this.recommendations = List.copyOf(recommendations);
        this.firedRules = List.copyOf(firedRules);
        this.cohorts = List.copyOf(cohorts);
        this.signals = List.copyOf(signals);
        this.rulesetVersion = rulesetVersion;
        this.asOf = asOf;
    }

    public String customerId() { return customerId; }
    /** Pulse's health score, 0-100, rounded to 2 decimals. */
    public double healthScore() { return healthScore; }
    /** What each input adds to the health score, in points; null when the pack's score rule does not say. */
    public ScoreInputs scoreInputs() { return scoreInputs; }
    /** High, Medium or Low. */
    public String healthBand() { return healthBand; }
    /** High, Mid or Low. */
    public String valueTier() { return valueTier; }
    /** High, Medium or Low. */
    public String riskTier() { return riskTier; }
    /** The risk tier the inputs indicate before damping (the risk tier itself when the pack does not damp it). */
    public String indicatedRiskTier() { return indicatedRiskTier; }
    /** Action code of the band x size strategy (family HEALTH), e.g. REACT_AND_RESCUE. */
    public String healthStrategy() { return healthStrategy; }
    /** Action code of the value x risk strategy (family VALUE_RISK), e.g. URGENT_RETAIN. */
    public String valueRiskStrategy() { return valueRiskStrategy; }
    /** Predicted six-month revenue contribution, USD. */
    public double predicted6mRevenue() { return predicted6mRevenue; }
    /** One per strategy, ordered by priority (most urgent first), then action code. */
    public List<Recommendation> recommendations() { return recommendations; }
    /** Names of the rules that fired, in firing order. */
    public List<String> firedRules() { return firedRules; }
    /** Cohorts the customer belongs to (e.g. QUIET_HIGH_VALUE), sorted. */
    public List<String> cohorts() { return cohorts; }
    /** Support signals the rules read (e.g. DOWNGRADE_RISK_LANGUAGE), sorted. */
    public List<String> signals() { return signals; }
    public String rulesetVersion() { return rulesetVersion; }
    /** Event time (epoch ms) the evaluation is valid as of. */
    public long asOf() { return asOf; }

    /** The recommendation for an action code, or null. */
    public Recommendation recommendation(String action) {
        for (Recommendation r : recommendations) {
            if (r.getAction().equals(action)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "CustomerEvaluation[" + customerId + ": health " + healthScore + " " + healthBand + ", value " + valueTier
                + ", risk " + riskTier + " -> " + valueRiskStrategy + ", " + healthStrategy + "]";
    }
}
