package io.pulse.features;

import io.pulse.events.Column;
import io.pulse.events.ColumnType;
import io.pulse.events.CustomerEvent;
import io.pulse.events.EventType;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sources declared features read among the events Pulse ingests: support conversations (as
 * opened and as closed), product usage, plan changes and Intercom company snapshots, named by
 * their event type, with the history columns they come from (the names an analyst sees in the
 * warehouse). Account and customer-360 snapshots are facts of their own ({@code Account},
 * {@code CustomerProfile}); outcomes never reach the rules.
 */
public final class BuiltInSources {
    private static final List<Column> CONVERSATION = List.of(
            new Column("conversation_id", ColumnType.TEXT),
            new Column("conversation_subject", ColumnType.TEXT),
            new Column("all_conversation_tags", ColumnType.TEXT),
            new Column("conversation_rating", ColumnType.NUMBER),
            new Column("bot_first_response", ColumnType.BOOLEAN),
            new Column("time_to_first_response_minutes", ColumnType.NUMBER),
            new Column("sla_status", ColumnType.TEXT));

    private static final Map<String, Source> SOURCES = new TreeMap<>();

    static {
        add(new Source(EventType.CONVERSATION_CREATED.name(), CONVERSATION));
        add(new Source(EventType.CONVERSATION_CLOSED.name(), CONVERSATION));
        add(new Source(EventType.PRODUCT_USAGE.name(), List.of(
                new Column("feature", ColumnType.TEXT),
                new Column("contact_email", ColumnType.TEXT))));
        add(new Source(EventType.PLAN_CHANGE.name(), List.of(
                new Column("old_plan", ColumnType.TEXT),
                new Column("new_plan", ColumnType.TEXT),
                new Column("monthly_spend_delta", ColumnType.NUMBER))));
        add(new Source(EventType.COMPANY_SNAPSHOT.name(), List.of(
                new Column("company_id", ColumnType.TEXT),
                new Column("company_name", ColumnType.TEXT),
                new Column("plan_name", ColumnType.TEXT),
                new Column("user_count", ColumnType.NUMBER),
                new Column("monthly_spend", ColumnType.NUMBER),
                new Column("all_company_tags", ColumnType.TEXT))));
    }

    private BuiltInSources() {}

    private static void add(Source source) {
        SOURCES.put(source.name(), source);
    }

    /** Source name -> source, by name. */
    public static Map<String, Source> all() {
        return SOURCES;
    }

    /**
     * The event as an observation of its source (a declared table's row: of that table), or null
     * for an event of no source (an account snapshot).
     */
    public static Observation observe(CustomerEvent e) {
        if (e.type == null) {
            return null;
        }
        Object[] values = switch (e.type) {
            case CONVERSATION_CREATED, CONVERSATION_CLOSED -> conversation(e.conversation);
            case PRODUCT_USAGE -> new Object[] {e.usage.feature, e.usage.contactEmail};
            case PLAN_CHANGE -> new Object[] {e.planChange.oldPlan, e.planChange.newPlan,
                    e.planChange.monthlySpendDelta};
            case COMPANY_SNAPSHOT -> new Object[] {e.company.companyId, e.company.companyName, e.company.planName,
                    (double) e.company.seats, e.company.monthlySpend, e.company.tags};
            case ROW -> e.row.values();
            default -> null;
        };
        String source = e.type == EventType.ROW ? e.row.table : e.type.name();
        return values == null ? null : new Observation(source, e.eventTime, e.source, values);
    }

    private static Object[] conversation(CustomerEvent.Conversation c) {
        return new Object[] {c.conversationId, c.subject, c.tags, c.rating, c.botFirstResponse,
                c.firstResponseMinutes < 0 ? null : c.firstResponseMinutes, c.slaStatus};
    }
}
