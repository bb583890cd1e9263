package io.pulse.rules.facts;

import java.util.Objects;

/**
 * Input fact (rules-pack section 4): the customer's subscription as Intercom sees it, from the
 * latest company snapshot (plan, seats, monthly spend) and the support segment, which the latest
 * segment tag wins, whether it came on a company or a conversation. Also a Flink POJO.
 */
public class Subscription {
    public static final String NEW_CONTRACT = "new_contract";
    public static final String RENEWAL = "renewal";
    public static final String EXPANSION = "expansion";
    public static final String CHURN_WATCH = "churn_watch";

    private String customerId;
    /** Starter, Growth, Scale or Enterprise. */
    private String planName;
    private int seats;
    /** USD per month. */
    private double monthlySpend;
    /** new_contract, renewal, expansion or churn_watch; null until a segment tag is seen. */
    private String segment;

    public Subscription() {}

    public String getCustomerId() { return customerId; }
    public void setCustomerId(String customerId) { this.customerId = customerId; }
    public String getPlanName() { return planName; }
    public void setPlanName(String planName) { this.planName = planName; }
    public int getSeats() { return seats; }
    public void setSeats(int seats) { this.seats = seats; }
    public double getMonthlySpend() { return monthlySpend; }
    public void setMonthlySpend(double monthlySpend) { this.monthlySpend = monthlySpend; }
    public String getSegment() { return segment; }
    public void setSegment(String segment) { this.segment = segment; }

    /** Annual contract value, USD: monthly spend x 12. */
    public double getAcv() {
        return monthlySpend * 12;
    }

    /** 1-10, 11-50, 51-200 or 200+. */
    public String getSeatBucket() {
        return seats <= 10 ? "1-10" : seats <= 50 ? "11-50" : seats <= 200 ? "51-200" : "200+";
    }

    /** <$5k, $5k-20k, $20k-100k or $100k+. */
    public String getAcvBucket() {
        double acv = getAcv();
        return acv < 5_000 ? "<$5k" : acv < 20_000 ? "$5k-20k" : acv < 100_000 ? "$20k-100k" : "$100k+";
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Subscription)) return false;
        Subscription s = (Subscription) o;
        return seats == s.seats && Double.compare(monthlySpend, s.monthlySpend) == 0
                && Objects.equals(customerId, s.customerId) && Objects.equals(planName, s.planName)
                && Objects.equals(segment, s.segment);
    }

    @Override
    public int hashCode() {
        return Objects.hash(customerId, planName, seats, monthlySpend, segment);
    }

    @Override
    public String toString() {
        return "Subscription[" + planName + ", " + seats + " seats, ACV " + Math.round(getAcv()) + ", " + segment + "]";
    }
}
