package io.pulse.testing;

import io.pulse.events.CustomerEvent;
import io.pulse.events.EventType;
import io.pulse.rules.facts.Account;

import java.time.Duration;
import java.time.Instant;

/** Test-data vocabulary: named instants and builders for customer events. */
public final class TestEvents {
    public static final String ACME = "acme.example";
    public static final String GLOBEX = "globex.example";

    /** 2025-03-01T00:00Z, a day boundary. */
    public static final long DAY_0 = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
    public static final long DAY_MS = Duration.ofDays(1).toMillis();

    private TestEvents() {}

    public static long day(int n) {
        return DAY_0 + n * DAY_MS;
    }

    /** The last millisecond of day n: when a daily period ends. */
    public static long endOfDay(int n) {
        return day(n + 1) - 1;
    }

    public static CustomerEvent accountSnapshot(String customer, long time, String segment, int daysSinceActivity,
                                                int activities30d) {
        CustomerEvent e = new CustomerEvent(EventType.ACCOUNT_SNAPSHOT, customer, time,
                "salesforce__customer_360_view:" + customer + "@" + time);
        Account a = new Account();
        a.setCustomerId(customer);
        a.setAccountName(customer);
        a.setSizeSegment(segment);
        a.setEmployees(1000);
        a.setAnnualRevenue(50_000_000);
        a.setTotalWonAmount(2_000_000);
        a.setPipelineAmount(3_000_000);
        a.setTotalContacts(10);
        a.setContactsWithEmail(9);
        a.setDaysSinceLastActivity(daysSinceActivity);
        a.setActivities30d(activities30d);
        e.account = a;
        return e;
    }

    public static CustomerEvent activitySnapshot(String customer, long time, String risk, String velocity) {
        CustomerEvent e = new CustomerEvent(EventType.ACTIVITY_SNAPSHOT, customer, time,
                "customer360__customer_activity_metrics:" + customer + "@" + time);
        e.activity = new CustomerEvent.ActivitySnapshot();
        e.activity.activityRiskLevel = risk;
        e.activity.engagementVelocity = velocity;
        e.activity.compositeEngagementScore = 8.0;
        e.activity.customerHealthScore = 70;
        return e;
    }

    public static CustomerEvent valueSnapshot(String customer, long time, String tier, double ltv, int monetary) {
        CustomerEvent e = new CustomerEvent(EventType.VALUE_SNAPSHOT, customer, time,
                "customer360__customer_value_analysis:" + customer + "@" + time);
        e.value = new CustomerEvent.ValueSnapshot();
        e.value.customerTier = tier;
        e.value.estimatedCustomerLtv = ltv;
        e.value.monetaryScore = monetary;
        return e;
    }

    public static CustomerEvent conversation(String customer, long time, String tags, boolean botFirst) {
        CustomerEvent e = new CustomerEvent(EventType.CONVERSATION_CREATED, customer, time,
                "intercom__conversation_enhanced:" + customer + "@" + time);
        e.conversation = new CustomerEvent.Conversation();
        e.conversation.conversationId = customer + "@" + time;
        e.conversation.tags = tags;
        e.conversation.botFirstResponse = botFirst;
        e.conversation.firstResponseMinutes = 20;
        return e;
    }

    public static CustomerEvent usage(String customer, long time) {
        CustomerEvent e = new CustomerEvent(EventType.PRODUCT_USAGE, customer, time,
                "pulse__product_usage:" + customer + "@" + time);
        e.usage = new CustomerEvent.ProductUsage();
        e.usage.feature = "dashboards";
        return e;
    }

    public static CustomerEvent outcome(String customer, long time, String outcome) {
        CustomerEvent e = new CustomerEvent(EventType.OUTCOME, customer, time,
                "pulse__customer_outcomes:" + customer + "@" + time);
        e.outcome = new CustomerEvent.Outcome();
        e.outcome.outcome = outcome;
        return e;
    }

    public static CustomerEvent closed(String customer, long time, double rating) {
        CustomerEvent e = new CustomerEvent(EventType.CONVERSATION_CLOSED, customer, time,
                "intercom__conversation_enhanced:close:" + customer + "@" + time);
        e.conversation = new CustomerEvent.Conversation();
        e.conversation.conversationId = customer + "@" + time;
        e.conversation.rating = rating;
        return e;
    }

    public static CustomerEvent planChange(String customer, long time, String oldPlan, String newPlan, double spendDelta) {
        CustomerEvent e = new CustomerEvent(EventType.PLAN_CHANGE, customer, time,
                "pulse__subscription_changes:" + customer + "@" + time);
        e.planChange = new CustomerEvent.PlanChange();
        e.planChange.oldPlan = oldPlan;
        e.planChange.newPlan = newPlan;
        e.planChange.monthlySpendDelta = spendDelta;
        return e;
    }

    public static CustomerEvent companySnapshot(String customer, long time, String plan, int seats, double monthlySpend,
                                                String tags) {
        CustomerEvent e = new CustomerEvent(EventType.COMPANY_SNAPSHOT, customer, time,
                "intercom__company_enhanced:" + customer + "@" + time);
        e.company = new CustomerEvent.CompanySnapshot();
        e.company.planName = plan;
        e.company.seats = seats;
        e.company.monthlySpend = monthlySpend;
        e.company.tags = tags;
        return e;
    }
}
