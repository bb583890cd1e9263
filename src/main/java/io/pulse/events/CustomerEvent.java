package io.pulse.events;

import io.pulse.model.DeadLetter;
import io.pulse.rules.facts.Account;

/**
 * One customer event: type, customer (the company's website domain), event time and a payload.
 * Exactly one payload field, the one matching {@link #type}, is set. Flink serialises this as a
 * POJO (null payloads cost one flag each), which is far cheaper than a generic map.
 */
public class CustomerEvent {
    public EventType type;
    public String customerId;
    /** Event time, epoch ms UTC. */
    public long eventTime;
    /** Where the event came from, e.g. {@code intercom__conversation_enhanced:123456789012345}. */
    public String source;

    public Account account;
    public ActivitySnapshot activity;
    public FunnelSnapshot funnel;
    public ValueSnapshot value;
    public CompanySnapshot company;
    public Conversation conversation;
    public ProductUsage usage;
    public PlanChange planChange;
    public Outcome outcome;
    public Row row;

    /**
     * Set on an input that could not be read as an event (a malformed live line): why. It travels
     * like an event so the one validator sends every bad input to the dead letters.
     */
    public String unreadableBecause;
    /**
     * A live event's input exactly as it arrived (the line, or the Kafka record's value), and where
     * it arrived ({@code path:line}, or {@code kafka:topic-partition@offset}): what its dead letter
     * keeps, whichever operator rejects it. Null for history rows. The feature operator drops both
     * once an event is on time, so they never reach keyed state.
     */
    public String raw;
    public String origin;

    public CustomerEvent() {}

    public CustomerEvent(EventType type, String customerId, long eventTime, String source) {
        this.type = type;
        this.customerId = customerId;
        this.eventTime = eventTime;
        this.source = source;
    }

    /** The payload matching {@link #type} (null when it is missing). */
    public Object payload() {
        return switch (type) {
            case ACCOUNT_SNAPSHOT -> account;
            case ACTIVITY_SNAPSHOT -> activity;
            case FUNNEL_SNAPSHOT -> funnel;
            case VALUE_SNAPSHOT -> value;
            case COMPANY_SNAPSHOT -> company;
            case CONVERSATION_CREATED, CONVERSATION_CLOSED -> conversation;
            case PRODUCT_USAGE -> usage;
            case PLAN_CHANGE -> planChange;
            case ROW -> row;
            case OUTCOME -> outcome;
        };
    }

    /** An input that could not be read: it goes to the dead letters with the reason. */
    public static CustomerEvent unreadable(String source, String reason, String raw, long eventTime) {
        CustomerEvent e = new CustomerEvent(null, null, eventTime, source);
        e.unreadableBecause = reason;
        e.raw = raw;
        return e;
    }

    @Override
    public String toString() {
        return type + "(" + customerId + " @" + eventTime + " from " + source + ")";
    }

    /** customer360__customer_activity_metrics row. */
    public static class ActivitySnapshot {
        public double compositeEngagementScore;
        public double customerHealthScore;
        public int daysSinceLastActivity;
        public String primaryEngagementChannel;
        public String engagementVelocity;
        public String activityRiskLevel;
        public boolean zendeskActive;
    }

    /** customer360__conversion_funnel_analysis row. */
    public static class FunnelSnapshot {
        public String customerTier;
        public int marketingToSalesDays;
        public int salesToSupportDays;
        public double estimatedCustomerLtv;
    }

    /** customer360__customer_value_analysis row. */
    public static class ValueSnapshot {
        public String customerTier;
        public int recencyScore;
        public int frequencyScore;
        public int monetaryScore;
        public double estimatedCustomerLtv;
        public double churnProbability;
    }

    /** intercom__company_enhanced row. */
    public static class CompanySnapshot {
        public String companyId;
        public String companyName;
        public String planName;
        public int seats;
        public double monthlySpend;
        public String tags;
    }

    /** intercom__conversation_enhanced (+ metrics) row. */
    public static class Conversation {
        public String conversationId;
        public String subject;
        /** Raw tags, either format ({@code topic:billing|...} or {@code Bug, Escalation}). */
        public String tags;
        /** 1-5; 0 when not rated. */
        public double rating;
        public boolean botFirstResponse;
        /** -1 when unknown. */
        public double firstResponseMinutes;
        public String slaStatus;
    }

    /** pulse__product_usage row. */
    public static class ProductUsage {
        public String feature;
        public String contactEmail;
    }

    /** pulse__subscription_changes row. */
    public static class PlanChange {
        public String oldPlan;
        public String newPlan;
        public double monthlySpendDelta;
    }

    /**
     * A row of a table the rule pack declares: the declared table's name and the row's values by
     * column. Values travel as text with a kind letter each (text, number, boolean, date, none), so
     * Flink serialises the row as plain strings; {@link DeclaredTable#typed} puts them in the
     * declared order and types.
     */
    public static class Row {
        static final char TEXT = 'T';
        static final char NUMBER = 'N';
        static final char BOOLEAN = 'B';
        static final char DATE = 'D';
        static final char NONE = '-';

        /** The declared table's name, e.g. {@code RENEWAL_OPPORTUNITY}. */
        public String table;
        /** Column names, in the order of {@link #values}. */
        public String[] columns;
        /** Each value as text: a number exactly as it came, a date as epoch ms; null for none. */
        public String[] values;
        /** One kind letter per value: T text, N number, B boolean, D date, - none. */
        public String kinds;

        /** A row of {@code table} with these values (String, Number, Boolean or null; anything else as its text). */
        public static Row of(String table, String[] columns, Object[] values) {
            Row r = new Row();
            r.table = table;
            r.columns = columns.clone();
            r.values = new String[values.length];
            StringBuilder kinds = new StringBuilder(values.length);
            for (int i = 0; i < values.length; i++) {
                Object v = values[i];
                if (v == null) {
                    kinds.append(NONE);
                } else if (v instanceof Number n) {
                    kinds.append(NUMBER);
                    // Exact text: a 19-digit id read as a number is still the same id as text.
                    r.values[i] = n instanceof java.math.BigDecimal d ? d.toPlainString()
                            : n instanceof Double || n instanceof Float ? Double.toString(n.doubleValue()) : n.toString();
                } else if (v instanceof Boolean b) {
                    kinds.append(BOOLEAN);
                    r.values[i] = b.toString();
                } else {
                    kinds.append(TEXT);
                    r.values[i] = v.toString();
                }
            }
            r.kinds = kinds.toString();
            return r;
        }

        /** The value at {@code i}: String, Double (a number, or a date's epoch ms), Boolean or null. */
        public Object value(int i) {
            return switch (kinds.charAt(i)) {
                case TEXT -> values[i];
                case NUMBER, DATE -> Double.valueOf(values[i]);
                case BOOLEAN -> Boolean.valueOf(values[i]);
                default -> null;
            };
        }

        /** Every value, in column order (see {@link #value}). */
        public Object[] values() {
            Object[] all = new Object[values.length];
            for (int i = 0; i < all.length; i++) {
                all[i] = value(i);
            }
            return all;
        }
    }

    /** pulse__customer_outcomes row. */
    public static class Outcome {
        public String outcome;
    }

    /**
     * This event as a dead letter with {@code reason}: its raw input when known, else its fields;
     * where it arrived when known, else its source.
     */
    public DeadLetter toDeadLetter(String reason) {
        return new DeadLetter(origin != null ? origin : source, reason, raw != null ? raw : toString(), eventTime);
    }
}
