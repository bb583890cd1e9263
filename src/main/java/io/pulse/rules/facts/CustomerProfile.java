package io.pulse.rules.facts;

import java.util.Objects;

/**
 * A customer's value and activity profile from the customer-360 marts (activity metrics,
 * conversion funnel, value analysis), each field as of its latest snapshot. Input fact for the
 * value tier x risk tier matrix (rules-pack section 2). Also a Flink POJO.
 */
public class CustomerProfile {
    private String customerId;
    /** Basic, Bronze, Silver, Gold or Platinum. */
    private String customerTier;
    /** USD. */
    private double estimatedLtv;
    /** 1 (lowest) to 5. */
    private int monetaryScore;
    /** Very Low, Low, Medium, High, High Activity Risk or Critical. */
    private String activityRiskLevel;
    /** Accelerating, Stable, Volatile, Declining or Stagnant. */
    private String engagementVelocity;
    /** The upstream mart's own 0-100 score: an input fact only, never Pulse's health band. */
    private double sourceHealthScore;
    private double compositeEngagementScore;
    private int marketingToSalesDays;
    private int salesToSupportDays;
    private boolean zendeskActive;
    private double churnProbability;

    public CustomerProfile() {}

    public String getCustomerId() { return customerId; }
    public void setCustomerId(String customerId) { this.customerId = customerId; }
    public String getCustomerTier() { return customerTier; }
    public void setCustomerTier(String customerTier) { this.customerTier = customerTier; }
    public double getEstimatedLtv() { return estimatedLtv; }
    public void setEstimatedLtv(double estimatedLtv) { this.estimatedLtv = estimatedLtv; }
    public int getMonetaryScore() { return monetaryScore; }
    public void setMonetaryScore(int monetaryScore) { this.monetaryScore = monetaryScore; }
    public String getActivityRiskLevel() { return activityRiskLevel; }
    public void setActivityRiskLevel(String activityRiskLevel) { this.activityRiskLevel = activityRiskLevel; }
    public String getEngagementVelocity() { return engagementVelocity; }
    public void setEngagementVelocity(String engagementVelocity) { this.engagementVelocity = engagementVelocity; }
    public double getSourceHealthScore() { return sourceHealthScore; }
    public void setSourceHealthScore(double sourceHealthScore) { this.sourceHealthScore = sourceHealthScore; }
    public double getCompositeEngagementScore() { return compositeEngagementScore; }
    public void setCompositeEngagementScore(double compositeEngagementScore) { this.compositeEngagementScore = compositeEngagementScore; }
    public int getMarketingToSalesDays() { return marketingToSalesDays; }
    public void setMarketingToSalesDays(int marketingToSalesDays) { this.marketingToSalesDays = marketingToSalesDays; }
    public int getSalesToSupportDays() { return salesToSupportDays; }
    public void setSalesToSupportDays(int salesToSupportDays) { this.salesToSupportDays = salesToSupportDays; }
    public boolean isZendeskActive() { return zendeskActive; }
    public void setZendeskActive(boolean zendeskActive) { this.zendeskActive = zendeskActive; }
    public double getChurnProbability() { return churnProbability; }
    public void setChurnProbability(double churnProbability) { this.churnProbability = churnProbability; }

    /** True once the value analysis and activity metrics have both been seen. */
    public boolean isComplete() {
        return customerTier != null && activityRiskLevel != null && engagementVelocity != null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof CustomerProfile)) return false;
        CustomerProfile p = (CustomerProfile) o;
        return Double.compare(estimatedLtv, p.estimatedLtv) == 0 && monetaryScore == p.monetaryScore
                && Double.compare(sourceHealthScore, p.sourceHealthScore) == 0
                && Double.compare(compositeEngagementScore, p.compositeEngagementScore) == 0
                && marketingToSalesDays == p.marketingToSalesDays && salesToSupportDays == p.salesToSupportDays
                && zendeskActive == p.zendeskActive && Double.compare(churnProbability, p.churnProbability) == 0
                && Objects.equals(customerId, p.customerId) && Objects.equals(customerTier, p.customerTier)
                && Objects.equals(activityRiskLevel, p.activityRiskLevel)
                && Objects.equals(engagementVelocity, p.engagementVelocity);
    }

    @Override
    public int hashCode() {
        return Objects.hash(customerId, customerTier, estimatedLtv, monetaryScore, activityRiskLevel, engagementVelocity);
    }
}
