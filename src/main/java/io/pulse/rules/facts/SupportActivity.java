package io.pulse.rules.facts;

import java.util.Objects;

/**
 * A customer's support and product activity from the rolling windows the pipeline keeps per
 * customer (conversations and product usage, in UTC-day buckets), as of the evaluation. Input
 * fact for the support signals (rules-pack section 3) and touchpoints (section 4). Also a Flink POJO.
 *
 * <p>"30d" figures cover the 30 days up to the evaluation. Unknowns are -1 (no conversation yet,
 * no conversation whose 72 hours have passed), so a rule can tell "none" from "zero".
 */
public class SupportActivity {
    private String customerId;
    private int conversations30d;
    /** Conversations tagged Bug or Outage. */
    private int bugOrOutageConversations30d;
    /** Conversations with downgrade-risk language: Escalation, Executive Attention, Renewal, Data Quality, Billing. */
    private int escalationConversations30d;
    /** Conversations with upgrade drivers: Enablement, Automation, Implementation, Feature Feedback, Usage Spike, API. */
    private int upgradeDriverConversations30d;
    /** Conversations whose first response came from a bot. */
    private int botFirstConversations30d;
    /** Mean rating (1-5) of rated conversations; 0 when none was rated. */
    private double averageRating30d;
    private int productUsageEvents30d;
    /** Median minutes to the first response, outliers outside P1..P99 left out; -1 with no response times. */
    private double medianFirstResponseMinutes30d = -1;
    /**
     * Share (0-1) of the conversations opened 30 days to 72 hours ago that were followed by product
     * usage within 72 hours; -1 when there were none.
     */
    private double usageConversion72h = -1;
    /** Share (0-1) of the last 8 weeks with product usage whose next week also had usage; -1 with no such week. */
    private double weeklyRetention = -1;
    /** 1 when the previous 30 days had usage and the last 30 days too, 0 when only the previous; -1 when neither. */
    private double monthlyRetention = -1;
    /** Whole hours from the last conversation close to the evaluation; -1 when none was closed in 30 days. */
    private int hoursSinceLastClose = -1;
    /** The latest day with conversations: its count, how many days before the evaluation day it was. */
    private int latestDayConversations;
    private int latestDayDaysAgo = -1;
    /** Mean and standard deviation of the daily conversation count over the 14 days before that day. */
    private double trailing14dMeanConversations;
    private double trailing14dStdDevConversations;

    public SupportActivity() {}

    public String getCustomerId() { return customerId; }
    public void setCustomerId(String customerId) { this.customerId = customerId; }
    public int getConversations30d() { return conversations30d; }
    public void setConversations30d(int conversations30d) { this.conversations30d = conversations30d; }
    public int getBugOrOutageConversations30d() { return bugOrOutageConversations30d; }
    public void setBugOrOutageConversations30d(int v) { this.bugOrOutageConversations30d = v; }
    public int getEscalationConversations30d() { return escalationConversations30d; }
    public void setEscalationConversations30d(int v) { this.escalationConversations30d = v; }
    public int getUpgradeDriverConversations30d() { return upgradeDriverConversations30d; }
    public void setUpgradeDriverConversations30d(int v) { this.upgradeDriverConversations30d = v; }
    public int getBotFirstConversations30d() { return botFirstConversations30d; }
    public void setBotFirstConversations30d(int v) { this.botFirstConversations30d = v; }
    public double getAverageRating30d() { return averageRating30d; }
    public void setAverageRating30d(double averageRating30d) { this.averageRating30d = averageRating30d; }
    public int getProductUsageEvents30d() { return productUsageEvents30d; }
    public void setProductUsageEvents30d(int productUsageEvents30d) { this.productUsageEvents30d = productUsageEvents30d; }
    public double getMedianFirstResponseMinutes30d() { return medianFirstResponseMinutes30d; }
    public void setMedianFirstResponseMinutes30d(double v) { this.medianFirstResponseMinutes30d = v; }
    public double getUsageConversion72h() { return usageConversion72h; }
    public void setUsageConversion72h(double v) { this.usageConversion72h = v; }
    public double getWeeklyRetention() { return weeklyRetention; }
    public void setWeeklyRetention(double v) { this.weeklyRetention = v; }
    public double getMonthlyRetention() { return monthlyRetention; }
    public void setMonthlyRetention(double v) { this.monthlyRetention = v; }
    public int getHoursSinceLastClose() { return hoursSinceLastClose; }
    public void setHoursSinceLastClose(int v) { this.hoursSinceLastClose = v; }
    public int getLatestDayConversations() { return latestDayConversations; }
    public void setLatestDayConversations(int v) { this.latestDayConversations = v; }
    public int getLatestDayDaysAgo() { return latestDayDaysAgo; }
    public void setLatestDayDaysAgo(int v) { this.latestDayDaysAgo = v; }
    public double getTrailing14dMeanConversations() { return trailing14dMeanConversations; }
    public void setTrailing14dMeanConversations(double v) { this.trailing14dMeanConversations = v; }
    public double getTrailing14dStdDevConversations() { return trailing14dStdDevConversations; }
    public void setTrailing14dStdDevConversations(double v) { this.trailing14dStdDevConversations = v; }

    /** Share (0-1) of the 30 days' conversations whose first response was a bot; 0 with no conversation. */
    public double getBotFirstShare30d() {
        return conversations30d == 0 ? 0.0 : botFirstConversations30d / (double) conversations30d;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof SupportActivity)) return false;
        SupportActivity s = (SupportActivity) o;
        return conversations30d == s.conversations30d && bugOrOutageConversations30d == s.bugOrOutageConversations30d
                && escalationConversations30d == s.escalationConversations30d
                && upgradeDriverConversations30d == s.upgradeDriverConversations30d
                && botFirstConversations30d == s.botFirstConversations30d
                && Double.compare(averageRating30d, s.averageRating30d) == 0
                && productUsageEvents30d == s.productUsageEvents30d
                && Double.compare(medianFirstResponseMinutes30d, s.medianFirstResponseMinutes30d) == 0
                && Double.compare(usageConversion72h, s.usageConversion72h) == 0
                && Double.compare(weeklyRetention, s.weeklyRetention) == 0
                && Double.compare(monthlyRetention, s.monthlyRetention) == 0
                && hoursSinceLastClose == s.hoursSinceLastClose && latestDayConversations == s.latestDayConversations
                && latestDayDaysAgo == s.latestDayDaysAgo
                && Double.compare(trailing14dMeanConversations, s.trailing14dMeanConversations) == 0
                && Double.compare(trailing14dStdDevConversations, s.trailing14dStdDevConversations) == 0
                && Objects.equals(customerId, s.customerId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(customerId, conversations30d, bugOrOutageConversations30d, productUsageEvents30d,
                hoursSinceLastClose, latestDayDaysAgo);
    }
}
