package io.pulse.features;

import io.pulse.events.CustomerEvent;
import io.pulse.events.EventType;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.Subscription;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each snapshot sets its own fields and keeps every other field of the profile or subscription before it. */
class SnapshotEventsTest {
    private static final String ACME = "acme.example";

    private static CustomerEvent activity() {
        CustomerEvent e = new CustomerEvent(EventType.ACTIVITY_SNAPSHOT, ACME, 1, "a");
        e.activity = new CustomerEvent.ActivitySnapshot();
        e.activity.activityRiskLevel = "High";
        e.activity.engagementVelocity = "Declining";
        e.activity.customerHealthScore = 61.5;
        e.activity.compositeEngagementScore = 7.25;
        e.activity.zendeskActive = true;
        return e;
    }

    private static CustomerEvent funnel() {
        CustomerEvent e = new CustomerEvent(EventType.FUNNEL_SNAPSHOT, ACME, 2, "f");
        e.funnel = new CustomerEvent.FunnelSnapshot();
        e.funnel.marketingToSalesDays = 18;
        e.funnel.salesToSupportDays = 62;
        return e;
    }

    private static CustomerEvent value() {
        CustomerEvent e = new CustomerEvent(EventType.VALUE_SNAPSHOT, ACME, 3, "v");
        e.value = new CustomerEvent.ValueSnapshot();
        e.value.customerTier = "Gold";
        e.value.estimatedCustomerLtv = 21_000;
        e.value.monetaryScore = 4;
        e.value.churnProbability = 0.12;
        return e;
    }

    private static void hasAllSnapshotsFields(CustomerProfile p) {
        assertThat(p.getCustomerId()).isEqualTo(ACME);
        assertThat(p.getActivityRiskLevel()).isEqualTo("High");
        assertThat(p.getEngagementVelocity()).isEqualTo("Declining");
        assertThat(p.getSourceHealthScore()).isEqualTo(61.5);
        assertThat(p.getCompositeEngagementScore()).isEqualTo(7.25);
        assertThat(p.isZendeskActive()).isTrue();
        assertThat(p.getMarketingToSalesDays()).isEqualTo(18);
        assertThat(p.getSalesToSupportDays()).isEqualTo(62);
        assertThat(p.getCustomerTier()).isEqualTo("Gold");
        assertThat(p.getEstimatedLtv()).isEqualTo(21_000);
        assertThat(p.getMonetaryScore()).isEqualTo(4);
        assertThat(p.getChurnProbability()).isEqualTo(0.12);
    }

    @Test
    void aProfileHoldsEverySnapshotsFieldsInWhicheverOrderTheyCome() {
        CustomerProfile one = SnapshotEvents.withValue(SnapshotEvents.withFunnel(
                SnapshotEvents.withActivity(null, activity()), funnel()), value());
        hasAllSnapshotsFields(one);
        CustomerProfile other = SnapshotEvents.withActivity(SnapshotEvents.withFunnel(
                SnapshotEvents.withValue(null, value()), funnel()), activity());
        hasAllSnapshotsFields(other);
        CustomerProfile before = SnapshotEvents.withFunnel(null, funnel());
        CustomerProfile after = SnapshotEvents.withActivity(before, activity());
        assertThat(after).as("a new object: the one before is kept as it was").isNotSameAs(before);
        assertThat(before.getActivityRiskLevel()).isNull();
    }

    @Test
    void aSubscriptionKeepsItsFieldsThroughPlanAndSegmentChanges() {
        CustomerEvent company = new CustomerEvent(EventType.COMPANY_SNAPSHOT, ACME, 1, "c");
        company.company = new CustomerEvent.CompanySnapshot();
        company.company.planName = "Growth";
        company.company.seats = 130;
        company.company.monthlySpend = 2_400;
        company.company.tags = "tier:growth,segment:renewal,region:EMEA";
        Subscription sub = SnapshotEvents.withCompany(null, company);
        assertThat(sub.getCustomerId()).isEqualTo(ACME);
        assertThat(sub.getPlanName()).isEqualTo("Growth");
        assertThat(sub.getSeats()).isEqualTo(130);
        assertThat(sub.getMonthlySpend()).isEqualTo(2_400);
        assertThat(sub.getSegment()).isEqualTo("renewal");

        Subscription upgraded = SnapshotEvents.withPlan(sub, ACME, "Scale");
        assertThat(upgraded.getPlanName()).isEqualTo("Scale");
        assertThat(upgraded.getCustomerId()).isEqualTo(ACME);
        assertThat(upgraded.getSeats()).isEqualTo(130);
        assertThat(upgraded.getMonthlySpend()).isEqualTo(2_400);
        assertThat(upgraded.getSegment()).isEqualTo("renewal");
        assertThat(sub.getPlanName()).as("the one before is kept").isEqualTo("Growth");

        Subscription watched = SnapshotEvents.withSegment(upgraded, ACME, "churn_watch");
        assertThat(watched.getSegment()).isEqualTo("churn_watch");
        assertThat(watched.getPlanName()).isEqualTo("Scale");

        company.company.tags = "tier:growth,region:EMEA"; // no segment tag: the segment stays
        Subscription again = SnapshotEvents.withCompany(watched, company);
        assertThat(again.getSegment()).isEqualTo("churn_watch");
        assertThat(again.getPlanName()).isEqualTo("Growth");
    }
}
