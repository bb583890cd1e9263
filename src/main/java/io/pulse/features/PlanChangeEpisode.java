package io.pulse.features;

/**
 * The customer's open upgrade or downgrade (rules-pack section 3), kept in {@link CustomerRollingState}
 * from the change day until its post window closes 30 days later. The baseline and pre windows lie
 * before the change, so their figures are taken once, when the change is seen, while their day
 * buckets are still kept; the post window is summed from the buckets at each evaluation.
 */
public class PlanChangeEpisode {
    public String direction;
    public String source;
    public long changedAt;
    /** Epoch day (UTC) of the change. */
    public long changeDay;
    public String oldPlan;
    public String newPlan;
    /** Days between the customer's first event and the change day. */
    public int daysObservedBefore;
    public int baselineConversations;
    public int preConversations;
    public int baselineBugOrOutage;
    public int preBugOrOutage;
    public double preAverageRating;
    /** True once a window of this episode was emitted, so its end is emitted too. */
    public boolean emitted;

    public PlanChangeEpisode() {}

    /** The post window is open from the day after the change to 30 days after it. */
    public boolean openOn(long day) {
        return day - changeDay <= SupportWindows.POST_WINDOW_DAYS;
    }
}
