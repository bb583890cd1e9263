package io.pulse.features;

import io.pulse.events.CustomerEvent;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.Subscription;

/**
 * The customer's profile and subscription after a snapshot event. Each returns a new object: the
 * snapshots in {@link CustomerRollingState} are replaced, never mutated, so the operator can tell a
 * change from the snapshots a period started with.
 */
final class SnapshotEvents {
    private SnapshotEvents() {}

    static CustomerProfile withActivity(CustomerProfile old, CustomerEvent e) {
        CustomerProfile p = copy(old, e.customerId);
        p.setActivityRiskLevel(e.activity.activityRiskLevel);
        p.setEngagementVelocity(e.activity.engagementVelocity);
        p.setSourceHealthScore(e.activity.customerHealthScore);
        p.setCompositeEngagementScore(e.activity.compositeEngagementScore);
        p.setZendeskActive(e.activity.zendeskActive);
        return p;
    }

    static CustomerProfile withFunnel(CustomerProfile old, CustomerEvent e) {
        CustomerProfile p = copy(old, e.customerId);
        p.setMarketingToSalesDays(e.funnel.marketingToSalesDays);
        p.setSalesToSupportDays(e.funnel.salesToSupportDays);
        return p;
    }

    static CustomerProfile withValue(CustomerProfile old, CustomerEvent e) {
        CustomerProfile p = copy(old, e.customerId);
        p.setCustomerTier(e.value.customerTier);
        p.setEstimatedLtv(e.value.estimatedCustomerLtv);
        p.setMonetaryScore(e.value.monetaryScore);
        p.setChurnProbability(e.value.churnProbability);
        return p;
    }

    /** The company snapshot's plan, seats and spend; its segment tag, if it has one. */
    static Subscription withCompany(Subscription old, CustomerEvent e) {
        Subscription sub = copy(old, e.customerId);
        sub.setPlanName(e.company.planName);
        sub.setSeats(e.company.seats);
        sub.setMonthlySpend(e.company.monthlySpend);
        String segment = ConversationTags.parse(e.company.tags).segment();
        if (segment != null) {
            sub.setSegment(segment);
        }
        return sub;
    }

    static Subscription withPlan(Subscription old, String customerId, String plan) {
        Subscription sub = copy(old, customerId);
        sub.setPlanName(plan);
        return sub;
    }

    static Subscription withSegment(Subscription old, String customerId, String segment) {
        Subscription sub = copy(old, customerId);
        sub.setSegment(segment);
        return sub;
    }

    private static Subscription copy(Subscription old, String customerId) {
        Subscription sub = new Subscription();
        sub.setCustomerId(customerId);
        if (old != null) {
            sub.setPlanName(old.getPlanName());
            sub.setSeats(old.getSeats());
            sub.setMonthlySpend(old.getMonthlySpend());
            sub.setSegment(old.getSegment());
        }
        return sub;
    }

    private static CustomerProfile copy(CustomerProfile old, String customerId) {
        CustomerProfile p = new CustomerProfile();
        p.setCustomerId(customerId);
        if (old != null) {
            p.setCustomerTier(old.getCustomerTier());
            p.setEstimatedLtv(old.getEstimatedLtv());
            p.setMonetaryScore(old.getMonetaryScore());
            p.setChurnProbability(old.getChurnProbability());
            p.setActivityRiskLevel(old.getActivityRiskLevel());
            p.setEngagementVelocity(old.getEngagementVelocity());
            p.setSourceHealthScore(old.getSourceHealthScore());
            p.setCompositeEngagementScore(old.getCompositeEngagementScore());
            p.setZendeskActive(old.isZendeskActive());
            p.setMarketingToSalesDays(old.getMarketingToSalesDays());
            p.setSalesToSupportDays(old.getSalesToSupportDays());
        }
        return p;
    }
}
