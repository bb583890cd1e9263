package io.pulse.rules.facts;

import java.util.Objects;

/**
 * Input fact (rules-pack section 3): the customer's latest upgrade or downgrade and its support
 * activity in the windows around it, present while the post window is open (from the day after
 * the change to 30 days after it). Windows are whole UTC days relative to the change day:
 * baseline days -60..-31, pre days -30..-1, post days +1..+30 (so far: the post figures grow as
 * the window fills). Also a Flink POJO.
 *
 * <p>A real subscription change (old plan, new plan) always starts a window; a conversation whose
 * tags or subject say "upgrade" or "downgrade" (not both) starts one only when no window is open,
 * so a real change wins and talk about a change does not restart its own window.
 */
public class PlanChangeWindow {
    public static final String UPGRADE = "UPGRADE";
    public static final String DOWNGRADE = "DOWNGRADE";
    /** The window was started by a subscription change event. */
    public static final String PLAN_CHANGE = "plan change";
    /** The window was started by a conversation about an upgrade or a downgrade. */
    public static final String CONVERSATION = "conversation";

    private String customerId;
    /** UPGRADE or DOWNGRADE. */
    private String direction;
    /** "plan change" or "conversation". */
    private String source;
    /** Event time (epoch ms) of the change. */
    private long changedAt;
    /** Plan before and after; null when the window comes from a conversation. */
    private String oldPlan;
    private String newPlan;
    /** Whole days from the change day to the evaluation day (1..30). */
    private int daysSinceChange;
    /**
     * Whole days the pipeline had seen the customer before the change day: under 30, the pre
     * window is only partly observed (a new customer, or the start of the history).
     */
    private int daysObservedBeforeChange;
    private int baselineConversations;
    private int preConversations;
    private int postConversations;
    /** Conversations tagged Bug or Outage in each window. */
    private int baselineBugOrOutage;
    private int preBugOrOutage;
    private int postBugOrOutage;
    /** Mean rating (1-5) of the rated conversations closed in the window; 0 when none was rated. */
    private double preAverageRating;
    private double postAverageRating;

    public PlanChangeWindow() {}

    public String getCustomerId() { return customerId; }
    public void setCustomerId(String customerId) { this.customerId = customerId; }
    public String getDirection() { return direction; }
    public void setDirection(String direction) { this.direction = direction; }
    public String getSource() { return source; }
    public void setSource(String source) { this.source = source; }
    public long getChangedAt() { return changedAt; }
    public void setChangedAt(long changedAt) { this.changedAt = changedAt; }
    public String getOldPlan() { return oldPlan; }
    public void setOldPlan(String oldPlan) { this.oldPlan = oldPlan; }
    public String getNewPlan() { return newPlan; }
    public void setNewPlan(String newPlan) { this.newPlan = newPlan; }
    public int getDaysSinceChange() { return daysSinceChange; }
    public void setDaysSinceChange(int daysSinceChange) { this.daysSinceChange = daysSinceChange; }
    public int getDaysObservedBeforeChange() { return daysObservedBeforeChange; }
    public void setDaysObservedBeforeChange(int v) { this.daysObservedBeforeChange = v; }
    public int getBaselineConversations() { return baselineConversations; }
    public void setBaselineConversations(int v) { this.baselineConversations = v; }
    public int getPreConversations() { return preConversations; }
    public void setPreConversations(int v) { this.preConversations = v; }
    public int getPostConversations() { return postConversations; }
    public void setPostConversations(int v) { this.postConversations = v; }
    public int getBaselineBugOrOutage() { return baselineBugOrOutage; }
    public void setBaselineBugOrOutage(int v) { this.baselineBugOrOutage = v; }
    public int getPreBugOrOutage() { return preBugOrOutage; }
    public void setPreBugOrOutage(int v) { this.preBugOrOutage = v; }
    public int getPostBugOrOutage() { return postBugOrOutage; }
    public void setPostBugOrOutage(int v) { this.postBugOrOutage = v; }
    public double getPreAverageRating() { return preAverageRating; }
    public void setPreAverageRating(double v) { this.preAverageRating = v; }
    public double getPostAverageRating() { return postAverageRating; }
    public void setPostAverageRating(double v) { this.postAverageRating = v; }

    /** Post-window conversations per pre-window conversation (a quiet pre window counts as one). */
    public double getConversationGrowth() {
        return postConversations / (double) Math.max(1, preConversations);
    }

    /** Post-window Bug/Outage conversations per pre-window one (a quiet pre window counts as one). */
    public double getBugOrOutageGrowth() {
        return postBugOrOutage / (double) Math.max(1, preBugOrOutage);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof PlanChangeWindow)) return false;
        PlanChangeWindow w = (PlanChangeWindow) o;
        return changedAt == w.changedAt && daysSinceChange == w.daysSinceChange
                && daysObservedBeforeChange == w.daysObservedBeforeChange
                && baselineConversations == w.baselineConversations && preConversations == w.preConversations
                && postConversations == w.postConversations && baselineBugOrOutage == w.baselineBugOrOutage
                && preBugOrOutage == w.preBugOrOutage && postBugOrOutage == w.postBugOrOutage
                && Double.compare(preAverageRating, w.preAverageRating) == 0
                && Double.compare(postAverageRating, w.postAverageRating) == 0
                && Objects.equals(customerId, w.customerId) && Objects.equals(direction, w.direction)
                && Objects.equals(source, w.source) && Objects.equals(oldPlan, w.oldPlan)
                && Objects.equals(newPlan, w.newPlan);
    }

    @Override
    public int hashCode() {
        return Objects.hash(customerId, direction, changedAt, daysSinceChange, postConversations);
    }

    @Override
    public String toString() {
        return "PlanChangeWindow[" + direction + " by " + source + ", day " + daysSinceChange + ": conversations "
                + preConversations + " -> " + postConversations + ", Bug/Outage " + preBugOrOutage + " -> "
                + postBugOrOutage + "]";
    }
}
