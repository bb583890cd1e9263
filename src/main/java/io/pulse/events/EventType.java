package io.pulse.events;

/** The kinds of customer event Pulse ingests, from history tables or live JSON lines. */
public enum EventType {
    /** A Salesforce account snapshot (salesforce__customer_360_view). */
    ACCOUNT_SNAPSHOT,
    /** customer360__customer_activity_metrics. */
    ACTIVITY_SNAPSHOT,
    /** customer360__conversion_funnel_analysis. */
    FUNNEL_SNAPSHOT,
    /** customer360__customer_value_analysis. */
    VALUE_SNAPSHOT,
    /** An Intercom company row: plan, seats, spend, tags as of its created_at. */
    COMPANY_SNAPSHOT,
    /** A support conversation was opened. */
    CONVERSATION_CREATED,
    /** A support conversation was closed (its last close). */
    CONVERSATION_CLOSED,
    /** A product feature was used. */
    PRODUCT_USAGE,
    /** A subscription moved from one plan to another. */
    PLAN_CHANGE,
    /** A row of a table the rule pack declares ({@code features.yaml}, {@code tables}). */
    ROW,
    /** What really happened to the customer (churned, downgraded, upgraded, renewed): for backtests. */
    OUTCOME
}
