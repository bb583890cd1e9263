package io.pulse.rules.facts;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every threshold and weight of the rule pack, read from {@code rules/parameters.json} (the one
 * file a business user edits for numbers) and inserted into each evaluation as a fact, so rules
 * match on it: {@code Parameters( $highMin : healthBands.highMin )}. One shared instance per
 * compiled rule set; read-only (getters only, filled by Jackson through its fields).
 *
 * <p>The field names below are the JSON keys. {@code rules/README.md} documents each one.
 */
public final class Parameters {
    private HealthScoreWeights healthScore;
    private HealthBands healthBands;
    private Predicted6mRevenue predicted6mRevenue;
    private ValueTierThresholds valueTier;
    /** Action code (URGENT_RETAIN, REACT_AND_RESCUE, ...) -> its priority and SLA. */
    private Map<String, ActionTerms> actions = new TreeMap<>();

    public HealthScoreWeights getHealthScore() { return healthScore; }
    public HealthBands getHealthBands() { return healthBands; }
    public Predicted6mRevenue getPredicted6mRevenue() { return predicted6mRevenue; }
    public ValueTierThresholds getValueTier() { return valueTier; }
    public Map<String, ActionTerms> getActions() { return Collections.unmodifiableMap(actions); }

    /** The terms of one action, or null when parameters.json does not list it. */
    public ActionTerms action(String actionCode) { return actions.get(actionCode); }

    /** Section 1: weights and normalisation bounds of the 0-100 health score. */
    public static final class HealthScoreWeights {
        private DimensionWeights weights;
        private ActivityDimension activity;
        private CommercialDimension commercialValue;
        private ScaleDimension scale;

        public DimensionWeights getWeights() { return weights; }
        public ActivityDimension getActivity() { return activity; }
        public CommercialDimension getCommercialValue() { return commercialValue; }
        public ScaleDimension getScale() { return scale; }
    }

    /** Weight of each dimension in the score (they should add up to 1). */
    public static final class DimensionWeights {
        private double activity;
        private double contactQuality;
        private double commercialValue;
        private double scale;

        public double getActivity() { return activity; }
        public double getContactQuality() { return contactQuality; }
        public double getCommercialValue() { return commercialValue; }
        public double getScale() { return scale; }
    }

    /** activity = recencyWeight x recency + volumeWeight x volume. */
    public static final class ActivityDimension {
        private double recencyWeight;
        private double volumeWeight;
        /** recency = (recencyMaxDays - daysSinceLastActivity) / recencyMaxDays, clipped to [0,1]. */
        private double recencyMaxDays;
        /** volume = activities30d / activities30dMax, clipped to [0,1]. */
        private double activities30dMax;

        public double getRecencyWeight() { return recencyWeight; }
        public double getVolumeWeight() { return volumeWeight; }
        public double getRecencyMaxDays() { return recencyMaxDays; }
        public double getActivities30dMax() { return activities30dMax; }
    }

    /** commercial = annualRevenueWeight x minmax(annualRevenue) + totalWonWeight x won / max(won). */
    public static final class CommercialDimension {
        private double annualRevenueWeight;
        private double totalWonWeight;

        public double getAnnualRevenueWeight() { return annualRevenueWeight; }
        public double getTotalWonWeight() { return totalWonWeight; }
    }

    /** scale = segmentWeight x segment score + employeesWeight x sqrt(minmax(employees)). */
    public static final class ScaleDimension {
        private double segmentWeight;
        private double employeesWeight;
        /** Size segment -> score in [0,1]; a segment not listed scores 0. */
        private Map<String, Double> segmentScores = new TreeMap<>();

        public double getSegmentWeight() { return segmentWeight; }
        public double getEmployeesWeight() { return employeesWeight; }
        public Map<String, Double> getSegmentScores() { return Collections.unmodifiableMap(segmentScores); }

        public double segmentScore(String sizeSegment) {
            Double s = sizeSegment == null ? null : segmentScores.get(sizeSegment);
            return s == null ? 0.0 : s;
        }
    }

    /** High: score >= highMin; Medium: mediumMin <= score < highMin; Low: score < mediumMin. */
    public static final class HealthBands {
        private double highMin;
        private double mediumMin;

        public double getHighMin() { return highMin; }
        public double getMediumMin() { return mediumMin; }
    }

    /** predicted6m = (totalWonWeight x won + pipelineWeight x pipeline) x score / 100. */
    public static final class Predicted6mRevenue {
        private double totalWonWeight;
        private double pipelineWeight;

        public double getTotalWonWeight() { return totalWonWeight; }
        public double getPipelineWeight() { return pipelineWeight; }
    }

    /** High: LTV above the tier average and monetary >= highMin; Low: below and <= lowMax. */
    public static final class ValueTierThresholds {
        private int highMinMonetaryScore;
        private int lowMaxMonetaryScore;

        public int getHighMinMonetaryScore() { return highMinMonetaryScore; }
        public int getLowMaxMonetaryScore() { return lowMaxMonetaryScore; }
    }

    /** Queue terms of one action: its priority (1 = most urgent) and its SLA in hours. */
    public static final class ActionTerms {
        private int priority;
        private double slaHours;

        public int getPriority() { return priority; }
        public double getSlaHours() { return slaHours; }

        /** The SLA in milliseconds (dueAt = validAsOf + this). */
        public long slaMillis() { return Math.round(slaHours * 3_600_000d); }
    }
}
