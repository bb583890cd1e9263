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
    private RiskTierDamping riskTier;
    private RedAlert redAlert;
    private QuietHighValue quietHighValue;
    private SupportSignals supportSignals;
    private PostUpgradeSurge postUpgradeSurge;
    private Touchpoints touchpoints;
    private PortfolioGrades portfolioGrades;
    /** Action code (URGENT_RETAIN, REACT_AND_RESCUE, ...) -> its priority and SLA. */
    private Map<String, ActionTerms> actions = new TreeMap<>();

    public HealthScoreWeights getHealthScore() { return healthScore; }
    public HealthBands getHealthBands() { return healthBands; }
    public Predicted6mRevenue getPredicted6mRevenue() { return predicted6mRevenue; }
    public ValueTierThresholds getValueTier() { return valueTier; }
    public RiskTierDamping getRiskTier() { return riskTier; }
    public RedAlert getRedAlert() { return redAlert; }
    public QuietHighValue getQuietHighValue() { return quietHighValue; }
    public SupportSignals getSupportSignals() { return supportSignals; }
    public PostUpgradeSurge getPostUpgradeSurge() { return postUpgradeSurge; }
    public Touchpoints getTouchpoints() { return touchpoints; }
    public PortfolioGrades getPortfolioGrades() { return portfolioGrades; }
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

    /**
     * High: score >= highMin; Medium: mediumMin <= score < highMin; Low: score < mediumMin. A
     * customer leaves its previous band downwards only once its score is more than
     * hysteresisMargin points below the band's lower threshold.
     */
    public static final class HealthBands {
        private double highMin;
        private double mediumMin;
        private double hysteresisMargin;

        public double getHighMin() { return highMin; }
        public double getMediumMin() { return mediumMin; }
        public double getHysteresisMargin() { return hysteresisMargin; }
    }

    /** predicted6m = (totalWonWeight x won + pipelineWeight x pipeline) x score / 100. */
    public static final class Predicted6mRevenue {
        private double totalWonWeight;
        private double pipelineWeight;

        public double getTotalWonWeight() { return totalWonWeight; }
        public double getPipelineWeight() { return pipelineWeight; }
    }

    /**
     * High: LTV above the tier average and monetary >= highMin; Low: below and <= lowMax. A High
     * or Low customer keeps its tier while it misses the tier's conditions by no more than the
     * margins: its LTV within {@code ltvMargin} (a share of the tier average) on the wrong side of
     * the average, its monetary score within {@code monetaryScoreMargin} points. Both 0: no damping.
     */
    public static final class ValueTierThresholds {
        private int highMinMonetaryScore;
        private int lowMaxMonetaryScore;
        private double ltvMargin;
        private int monetaryScoreMargin;

        public int getHighMinMonetaryScore() { return highMinMonetaryScore; }
        public int getLowMaxMonetaryScore() { return lowMaxMonetaryScore; }
        public double getLtvMargin() { return ltvMargin; }
        public int getMonetaryScoreMargin() { return monetaryScoreMargin; }
    }

    /** Red alert: slow to reach support, declining, at high activity risk, and health below a ceiling. */
    /** Section 2: how long another risk must be indicated before the risk tier moves to it (0: at once). */
    public static final class RiskTierDamping {
        private int daysBeforeRaising;
        private int daysBeforeLowering;

        /** A higher risk (unless severe, which applies at once) after the inputs indicated it this many days in a row. */
        public int getDaysBeforeRaising() { return daysBeforeRaising; }
        /** A lower risk after the inputs indicated it this many days in a row. */
        public int getDaysBeforeLowering() { return daysBeforeLowering; }
    }

    public static final class RedAlert {
        private int minSalesToSupportDays;
        private double maxHealthScore;

        /** sales_to_support_days must be above this. */
        public int getMinSalesToSupportDays() { return minSalesToSupportDays; }
        /** The health score must be below this; at or above it the alert is suppressed. */
        public double getMaxHealthScore() { return maxHealthScore; }
    }

    /** The quiet high-value cohort: marketing-to-sales days in a range, slow to support, engaged. */
    public static final class QuietHighValue {
        private int minMarketingToSalesDays;
        private int maxMarketingToSalesDays;
        private int minSalesToSupportDays;

        public int getMinMarketingToSalesDays() { return minMarketingToSalesDays; }
        public int getMaxMarketingToSalesDays() { return maxMarketingToSalesDays; }
        /** sales_to_support_days must be above this. */
        public int getMinSalesToSupportDays() { return minSalesToSupportDays; }
    }

    /** Section 3 signals read in the last 30 days of support conversations. */
    public static final class SupportSignals {
        private int downgradeRiskMinConversations30d;
        private int upgradeDriverMinConversations30d;
        private int upsellSignalCooldownDays;
        private double spikeMinStdDevs;
        private int spikeMinConversations;
        private int spikeRecentDays;

        public int getDowngradeRiskMinConversations30d() { return downgradeRiskMinConversations30d; }
        public int getUpgradeDriverMinConversations30d() { return upgradeDriverMinConversations30d; }
        /** No new UPSELL_SIGNAL within this many days of the last one opening (0: no spacing). */
        public int getUpsellSignalCooldownDays() { return upsellSignalCooldownDays; }
        /** A spike day has at least the 14-day mean plus this many standard deviations... */
        public double getSpikeMinStdDevs() { return spikeMinStdDevs; }
        /** ...and at least this many conversations... */
        public int getSpikeMinConversations() { return spikeMinConversations; }
        /** ...and counts as recent for this many days after it. */
        public int getSpikeRecentDays() { return spikeRecentDays; }
    }

    /** A post-upgrade surge: the post window against the pre window of an upgrade. */
    public static final class PostUpgradeSurge {
        private int minDaysObservedBefore;
        private int minPostConversations;
        private double minConversationGrowth;
        private int minPostBugOrOutage;
        private double minBugOrOutageGrowth;

        /** The customer must have been seen this many days before the upgrade (a whole pre window). */
        public int getMinDaysObservedBefore() { return minDaysObservedBefore; }
        public int getMinPostConversations() { return minPostConversations; }
        /** post / pre conversations (a quiet pre window counts as one). */
        public double getMinConversationGrowth() { return minConversationGrowth; }
        public int getMinPostBugOrOutage() { return minPostBugOrOutage; }
        /** post / pre Bug/Outage conversations (a quiet pre window counts as one). */
        public double getMinBugOrOutageGrowth() { return minBugOrOutageGrowth; }
    }

    /** Section 4: when paying customers get a human first, and a 72-hour adoption sprint. */
    public static final class Touchpoints {
        private double humanFirstMinAcv;
        private int humanFirstMinSeats;
        private double botFirstShareTarget;
        private double firstResponseSlaMinutes;
        private int adoptionSprintHours;
        private double adoptionSprintNewContractMinAcv;
        private int adoptionSprintCooldownDays;

        /** churn_watch / renewal customers with at least this ACV (USD) or these seats get HUMAN_FIRST_ROUTING. */
        public double getHumanFirstMinAcv() { return humanFirstMinAcv; }
        public int getHumanFirstMinSeats() { return humanFirstMinSeats; }
        /** The routing's target: at most this share (0-1) of first responses by a bot. */
        public double getBotFirstShareTarget() { return botFirstShareTarget; }
        /** The routing's first-response SLA, minutes. */
        public double getFirstResponseSlaMinutes() { return firstResponseSlaMinutes; }
        /** ADOPTION_SPRINT_72H is recommended this many hours after a conversation closes. */
        public int getAdoptionSprintHours() { return adoptionSprintHours; }
        /** new_contract customers need at least this ACV (USD) for the onboarding sprint. */
        public double getAdoptionSprintNewContractMinAcv() { return adoptionSprintNewContractMinAcv; }
        /** No new ADOPTION_SPRINT_72H within this many days of the last one opening (0: no spacing). */
        public int getAdoptionSprintCooldownDays() { return adoptionSprintCooldownDays; }
    }

    /**
     * The portfolio view (a report, not a rule): each industry x size cell is graded by its share of
     * Low-band accounts, in percent: High >= highMin, Elevated >= elevatedMin, Watch >= watchMin,
     * Stable below.
     */
    public static final class PortfolioGrades {
        private double highMin;
        private double elevatedMin;
        private double watchMin;

        public double getHighMin() { return highMin; }
        public double getElevatedMin() { return elevatedMin; }
        public double getWatchMin() { return watchMin; }
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
