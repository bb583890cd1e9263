package io.pulse.history;

import io.pulse.events.Column;
import io.pulse.events.ColumnType;
import io.pulse.events.CustomerEvent;
import io.pulse.events.DeclaredTable;
import io.pulse.events.EventType;
import io.pulse.jdbc.SqlDialect;
import io.pulse.rules.facts.Account;
import org.apache.flink.connector.jdbc.core.datastream.source.reader.extractor.ResultExtractor;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * How each history table becomes events: one SQL query per event stream, ordered by event time,
 * and the row-to-event mapping.
 *
 * <p>The customer id is the company's website domain (lower case). The mapping from each system
 * to it is done in SQL, so it reads in one place:
 * <ul>
 *   <li>Intercom company rows: {@code website_domain}; the {@code pulse__*} tables join on
 *       {@code company_id} (any plan snapshot of the company);
 *   <li>conversations: the email domain of the first contact in {@code all_conversation_contacts},
 *       when it is a company's domain; otherwise by {@code all_contact_company_names};
 *   <li>Salesforce accounts: the email domain of the account's contacts
 *       ({@code salesforce__contact_enhanced}) that is a company's domain (the smallest, if
 *       several); otherwise by {@code account_name};
 *   <li>by name means compared lower-cased and trimmed; a name shared by several companies
 *       resolves to the company whose first snapshot is earliest (then the smallest
 *       {@code company_id}). Emails come first because names do collide;
 *   <li>customer-360 rows: the domain of {@code primary_email}.
 * </ul>
 * Rows that map to no customer keep a null customer id and end in the dead letters.
 * Times are parsed by the database ({@link SqlDialect#epochMillis}), honouring offsets such as
 * {@code +08:00}. Rows of one event time come in the order of their id compared byte-wise, so
 * SQLite and PostgreSQL give the same order (and any other database read with PostgreSQL's SQL).
 */
public final class HistoryQueries {

    /** One event stream read from the history database. */
    public record Query(String name, String sql, ResultExtractor<CustomerEvent> extractor) {}

    private final SqlDialect dialect;
    /** Whether the account snapshots carry {@code owner_id} and the CRM's users are there to name them. */
    private final boolean accountOwners;

    private HistoryQueries(SqlDialect dialect, boolean accountOwners) {
        this.dialect = dialect;
        this.accountOwners = accountOwners;
    }

    private HistoryQueries(SqlDialect dialect) {
        this(dialect, false);
    }

    /** All event streams of a history database in the dialect of its SQL, accounts without owners. */
    public static List<Query> all(SqlDialect dialect) {
        return all(dialect, List.of(), false);
    }

    /** The built-in event streams, then one per table the rule pack declares; accounts without owners. */
    public static List<Query> all(SqlDialect dialect, List<DeclaredTable> tables) {
        return all(dialect, tables, false);
    }

    /**
     * The built-in event streams, then one per table the rule pack declares. With
     * {@code accountOwners} ({@link HistoryTables#hasAccountOwners}), each account snapshot carries
     * its owner's e-mail ({@code salesforce__user.email} of its {@code owner_id}).
     */
    public static List<Query> all(SqlDialect dialect, List<DeclaredTable> tables, boolean accountOwners) {
        HistoryQueries q = new HistoryQueries(dialect, accountOwners);
        List<Query> all = new java.util.ArrayList<>(List.of(q.accounts(), q.activity(), q.funnel(), q.value(),
                q.companies(), q.conversationsCreated(), q.conversationsClosed(), q.usage(), q.planChanges(),
                q.outcomes()));
        tables.forEach(t -> all.add(q.declared(t)));
        return all;
    }

    /**
     * The rows of a declared table, as {@link EventType#ROW} events: its time column as event time
     * (a date column as epoch ms), its customer mapped like Pulse's own tables, in the order of
     * event time then id. A query of no row checks that the table and its columns exist.
     */
    public static Query declared(SqlDialect dialect, DeclaredTable table) {
        return new HistoryQueries(dialect).declared(table);
    }

    private Query declared(DeclaredTable t) {
        StringBuilder columns = new StringBuilder();
        for (Column c : t.columns()) {
            String column = "r." + c.name();
            columns.append(", ").append(c.type() == ColumnType.DATE ? dialect.epochMillis(column) : column)
                    .append(" AS ").append(c.name());
        }
        String id = "CAST(r." + t.idColumn() + " AS TEXT)";
        String customer = "r." + t.customerColumn();
        String with = "";
        String join = "";
        String customerId = switch (t.customerKey()) {
            case DOMAIN -> "lower(trim(" + customer + "))";
            case EMAIL -> emailDomain(customer);
            case COMPANY_ID -> {
                with = COMPANY_TO_CUSTOMER;
                join = " LEFT JOIN company_to_customer k ON k.company_id = " + customer;
                yield "k.customer_id";
            }
            case ACCOUNT_ID -> {
                with = accountToCustomer();
                join = " LEFT JOIN account_to_customer k ON k.account_id = " + customer;
                yield "k.customer_id";
            }
            case CONVERSATION_ID -> {
                with = contactToCustomer();
                join = " LEFT JOIN intercom__conversation_enhanced c ON c.conversation_id = " + customer
                        + " LEFT JOIN contact_to_customer k ON k.contact_key = " + firstContact()
                        + " LEFT JOIN name_to_customer n ON n.name_key = lower(trim(c.all_contact_company_names))";
                yield "coalesce(k.customer_id, n.customer_id)";
            }
        };
        String sql = with + "SELECT " + epochMillis("r." + t.timeColumn()) + ", " + customerId + " AS customer_id, "
                + id + " AS row_id" + columns + " FROM " + t.table() + " r" + join + inTimeOrder(id);
        String[] names = t.columnNames().toArray(String[]::new);
        return new Query("table-" + t.name(), sql, rs -> {
            CustomerEvent e = event(EventType.ROW, rs, t.table() + ":" + rs.getString("row_id"));
            Object[] values = new Object[names.length];
            for (int i = 0; i < names.length; i++) {
                values[i] = rs.getObject(names[i]);
            }
            e.row = CustomerEvent.Row.of(t.name(), names, values);
            return e;
        });
    }

    /** What really happened (churned, downgraded, upgraded, renewed): kept from the rules, read by backtests. */
    public static Query outcomes(SqlDialect dialect) {
        return new HistoryQueries(dialect).outcomes();
    }

    private String epochMillis(String timestamp) {
        return dialect.epochMillis(timestamp) + " AS event_time";
    }

    /** The lower-cased domain of an email column. */
    private String emailDomain(String email) {
        return "lower(substr(" + email + ", " + dialect.position("'@'", email) + " + 1))";
    }

    /**
     * ORDER BY event time (rows without one first, as SQLite sorts NULL), then the row's text id
     * compared byte-wise: one total order on every database.
     */
    private String inTimeOrder(String textId) {
        return inTimeOrderOfNumber(dialect.byteOrder(textId));
    }

    private static String inTimeOrderOfNumber(String numericId) {
        return " ORDER BY event_time NULLS FIRST, " + numericId;
    }

    private String nameToCustomer() {
        return "WITH name_to_customer AS (SELECT name_key, customer_id FROM ("
                + " SELECT lower(trim(company_name)) AS name_key, lower(website_domain) AS customer_id,"
                + " row_number() OVER (PARTITION BY lower(trim(company_name)) ORDER BY "
                + dialect.byteOrder("created_at") + ", " + dialect.byteOrder("company_id") + ") AS rn"
                + " FROM intercom__company_enhanced) AS ranked WHERE rn = 1),"
                + " company_domains AS (SELECT DISTINCT lower(website_domain) AS customer_id"
                + " FROM intercom__company_enhanced) ";
    }

    private String accountToCustomer() {
        return nameToCustomer()
                + ", account_to_customer AS (SELECT c.account_id, min(" + dialect.byteOrder("d.customer_id")
                + ") AS customer_id FROM salesforce__contact_enhanced c JOIN company_domains d"
                + " ON d.customer_id = " + emailDomain("c.email") + " GROUP BY c.account_id) ";
    }

    private String contactToCustomer() {
        return nameToCustomer()
                + ", contact_to_customer AS (SELECT 'contact:' || k.contact_id AS contact_key, d.customer_id"
                + " FROM intercom__contact_enhanced k JOIN company_domains d"
                + " ON d.customer_id = " + emailDomain("k.contact_email") + ") ";
    }

    /** The first {@code contact:<id>} of a conversation's comma-separated contact list. */
    private String firstContact() {
        String comma = dialect.position("','", "c.all_conversation_contacts");
        return "trim(CASE WHEN " + comma + " > 0"
                + " THEN substr(c.all_conversation_contacts, 1, " + comma + " - 1)"
                + " ELSE c.all_conversation_contacts END)";
    }

    private static final String COMPANY_TO_CUSTOMER =
            "WITH company_to_customer AS (SELECT company_id, lower(website_domain) AS customer_id"
                    + " FROM intercom__company_enhanced) ";

    private Query accounts() {
        String sql = accountToCustomer()
                + "SELECT " + epochMillis("a.snapshot_at") + ", coalesce(e.customer_id, n.customer_id)"
                + " AS customer_id, a.account_id, a.account_name,"
                + " a.industry_normalized, a.account_size_segment, a.number_of_employees, a.annual_revenue,"
                + " a.total_won_amount, a.current_pipeline_amount, a.total_contacts, a.contacts_with_email,"
                + " a.days_since_last_activity, a.total_activities_30d"
                + (accountOwners ? ", lower(trim(o.email)) AS owner_email" : "")
                + " FROM salesforce__customer_360_view a"
                + " LEFT JOIN account_to_customer e ON e.account_id = a.account_id"
                + " LEFT JOIN name_to_customer n ON n.name_key = lower(trim(a.account_name))"
                + (accountOwners ? " LEFT JOIN salesforce__user o ON o.user_id = a.owner_id" : "")
                + inTimeOrder("a.account_id");
        boolean owners = accountOwners; // the extractor is serialized with the job: it must not capture this
        return new Query("accounts", sql, rs -> {
            CustomerEvent e = event(EventType.ACCOUNT_SNAPSHOT, rs,
                    "salesforce__customer_360_view:" + rs.getString("account_id"));
            Account a = new Account();
            a.setCustomerId(e.customerId);
            a.setAccountName(rs.getString("account_name"));
            a.setIndustry(rs.getString("industry_normalized"));
            a.setSizeSegment(rs.getString("account_size_segment"));
            a.setEmployees(rs.getLong("number_of_employees"));
            a.setAnnualRevenue(rs.getDouble("annual_revenue"));
            a.setTotalWonAmount(rs.getDouble("total_won_amount"));
            a.setPipelineAmount(rs.getDouble("current_pipeline_amount"));
            a.setTotalContacts(rs.getInt("total_contacts"));
            a.setContactsWithEmail(rs.getInt("contacts_with_email"));
            a.setDaysSinceLastActivity(rs.getInt("days_since_last_activity"));
            a.setActivities30d(rs.getInt("total_activities_30d"));
            if (owners) {
                a.setOwner(rs.getString("owner_email"));
            }
            e.account = a;
            return e;
        });
    }

    private Query activity() {
        String sql = "SELECT " + epochMillis("activity_analysis_timestamp") + ", " + emailDomain("primary_email")
                + " AS customer_id, primary_email, composite_engagement_score, customer_health_score,"
                + " days_since_last_activity, primary_engagement_channel, engagement_velocity, activity_risk_level,"
                + " zendesk_active FROM customer360__customer_activity_metrics" + inTimeOrder("primary_email");
        return new Query("activity", sql, rs -> {
            CustomerEvent e = event(EventType.ACTIVITY_SNAPSHOT, rs,
                    "customer360__customer_activity_metrics:" + rs.getString("primary_email"));
            CustomerEvent.ActivitySnapshot s = new CustomerEvent.ActivitySnapshot();
            s.compositeEngagementScore = rs.getDouble("composite_engagement_score");
            s.customerHealthScore = rs.getDouble("customer_health_score");
            s.daysSinceLastActivity = rs.getInt("days_since_last_activity");
            s.primaryEngagementChannel = rs.getString("primary_engagement_channel");
            s.engagementVelocity = rs.getString("engagement_velocity");
            s.activityRiskLevel = rs.getString("activity_risk_level");
            s.zendeskActive = rs.getInt("zendesk_active") == 1;
            e.activity = s;
            return e;
        });
    }

    private Query funnel() {
        String sql = "SELECT " + epochMillis("funnel_analysis_timestamp") + ", " + emailDomain("primary_email")
                + " AS customer_id, primary_email, customer_tier, marketing_to_sales_days, sales_to_support_days,"
                + " estimated_customer_ltv FROM customer360__conversion_funnel_analysis"
                + inTimeOrder("primary_email");
        return new Query("funnel", sql, rs -> {
            CustomerEvent e = event(EventType.FUNNEL_SNAPSHOT, rs,
                    "customer360__conversion_funnel_analysis:" + rs.getString("primary_email"));
            CustomerEvent.FunnelSnapshot s = new CustomerEvent.FunnelSnapshot();
            s.customerTier = rs.getString("customer_tier");
            s.marketingToSalesDays = rs.getInt("marketing_to_sales_days");
            s.salesToSupportDays = rs.getInt("sales_to_support_days");
            s.estimatedCustomerLtv = rs.getDouble("estimated_customer_ltv");
            e.funnel = s;
            return e;
        });
    }

    private Query value() {
        String sql = "SELECT " + epochMillis("analysis_timestamp") + ", " + emailDomain("primary_email")
                + " AS customer_id, primary_email, customer_tier, recency_score, frequency_score, monetary_score,"
                + " estimated_customer_ltv, churn_probability FROM customer360__customer_value_analysis"
                + inTimeOrder("primary_email");
        return new Query("value", sql, rs -> {
            CustomerEvent e = event(EventType.VALUE_SNAPSHOT, rs,
                    "customer360__customer_value_analysis:" + rs.getString("primary_email"));
            CustomerEvent.ValueSnapshot s = new CustomerEvent.ValueSnapshot();
            s.customerTier = rs.getString("customer_tier");
            s.recencyScore = rs.getInt("recency_score");
            s.frequencyScore = rs.getInt("frequency_score");
            s.monetaryScore = rs.getInt("monetary_score");
            s.estimatedCustomerLtv = rs.getDouble("estimated_customer_ltv");
            s.churnProbability = rs.getDouble("churn_probability");
            e.value = s;
            return e;
        });
    }

    private Query companies() {
        String sql = "SELECT " + epochMillis("created_at") + ", lower(website_domain) AS customer_id,"
                + " company_id, company_name, plan_name, user_count, monthly_spend, all_company_tags"
                + " FROM intercom__company_enhanced" + inTimeOrder("company_id");
        return new Query("companies", sql, rs -> {
            CustomerEvent e = event(EventType.COMPANY_SNAPSHOT, rs,
                    "intercom__company_enhanced:" + rs.getString("company_id"));
            CustomerEvent.CompanySnapshot s = new CustomerEvent.CompanySnapshot();
            s.companyId = rs.getString("company_id");
            s.companyName = rs.getString("company_name");
            s.planName = rs.getString("plan_name");
            s.seats = rs.getInt("user_count");
            s.monthlySpend = rs.getDouble("monthly_spend");
            s.tags = rs.getString("all_company_tags");
            e.company = s;
            return e;
        });
    }

    private String conversationColumns() {
        return " coalesce(k.customer_id, n.customer_id) AS customer_id,"
                + " c.conversation_id, c.conversation_subject,"
                + " c.all_conversation_tags, c.conversation_rating, c.conversation_author_type, c.sla_status,"
                + " m.time_to_first_response_minutes"
                + " FROM intercom__conversation_enhanced c"
                + " LEFT JOIN intercom__conversation_metrics m ON m.conversation_id = c.conversation_id"
                + " LEFT JOIN contact_to_customer k ON k.contact_key = " + firstContact()
                + " LEFT JOIN name_to_customer n ON n.name_key = lower(trim(c.all_contact_company_names))";
    }

    private Query conversationsCreated() {
        String sql = contactToCustomer() + "SELECT " + epochMillis("c.conversation_created_at") + ","
                + conversationColumns() + inTimeOrder("c.conversation_id");
        return new Query("conversations-created", sql,
                rs -> conversation(EventType.CONVERSATION_CREATED, rs));
    }

    private Query conversationsClosed() {
        String sql = contactToCustomer() + "SELECT " + epochMillis("c.last_close_at") + ","
                + conversationColumns() + " WHERE c.last_close_at IS NOT NULL" + inTimeOrder("c.conversation_id");
        return new Query("conversations-closed", sql,
                rs -> conversation(EventType.CONVERSATION_CLOSED, rs));
    }

    private static CustomerEvent conversation(EventType type, ResultSet rs) throws SQLException {
        CustomerEvent e = event(type, rs, "intercom__conversation_enhanced:" + rs.getString("conversation_id"));
        CustomerEvent.Conversation c = new CustomerEvent.Conversation();
        c.conversationId = rs.getString("conversation_id");
        c.subject = rs.getString("conversation_subject");
        c.tags = rs.getString("all_conversation_tags");
        c.rating = rs.getDouble("conversation_rating");
        String tags = c.tags == null ? "" : c.tags.toLowerCase();
        c.botFirstResponse = "bot".equals(rs.getString("conversation_author_type"))
                || tags.contains("first_response:bot");
        double minutes = rs.getDouble("time_to_first_response_minutes");
        c.firstResponseMinutes = rs.wasNull() ? -1 : minutes;
        c.slaStatus = rs.getString("sla_status");
        e.conversation = c;
        return e;
    }

    private Query usage() {
        String sql = COMPANY_TO_CUSTOMER + "SELECT " + epochMillis("u.used_at") + ", k.customer_id,"
                + " u.usage_id, u.feature, u.contact_email FROM pulse__product_usage u"
                + " LEFT JOIN company_to_customer k ON k.company_id = u.company_id" + inTimeOrderOfNumber("u.usage_id");
        return new Query("usage", sql, rs -> {
            CustomerEvent e = event(EventType.PRODUCT_USAGE, rs, "pulse__product_usage:" + rs.getLong("usage_id"));
            CustomerEvent.ProductUsage s = new CustomerEvent.ProductUsage();
            s.feature = rs.getString("feature");
            s.contactEmail = rs.getString("contact_email");
            e.usage = s;
            return e;
        });
    }

    private Query planChanges() {
        String sql = COMPANY_TO_CUSTOMER + "SELECT " + epochMillis("s.changed_at") + ", k.customer_id,"
                + " s.change_id, s.old_plan, s.new_plan, s.monthly_spend_delta FROM pulse__subscription_changes s"
                + " LEFT JOIN company_to_customer k ON k.company_id = s.company_id" + inTimeOrderOfNumber("s.change_id");
        return new Query("plan-changes", sql, rs -> {
            CustomerEvent e = event(EventType.PLAN_CHANGE, rs,
                    "pulse__subscription_changes:" + rs.getLong("change_id"));
            CustomerEvent.PlanChange s = new CustomerEvent.PlanChange();
            s.oldPlan = rs.getString("old_plan");
            s.newPlan = rs.getString("new_plan");
            s.monthlySpendDelta = rs.getDouble("monthly_spend_delta");
            e.planChange = s;
            return e;
        });
    }

    private Query outcomes() {
        String sql = COMPANY_TO_CUSTOMER + "SELECT " + epochMillis("o.outcome_at") + ", k.customer_id,"
                + " o.outcome_id, o.outcome FROM pulse__customer_outcomes o"
                + " LEFT JOIN company_to_customer k ON k.company_id = o.company_id" + inTimeOrderOfNumber("o.outcome_id");
        return new Query("outcomes", sql, rs -> {
            CustomerEvent e = event(EventType.OUTCOME, rs, "pulse__customer_outcomes:" + rs.getLong("outcome_id"));
            CustomerEvent.Outcome s = new CustomerEvent.Outcome();
            s.outcome = rs.getString("outcome");
            e.outcome = s;
            return e;
        });
    }

    /** The common part of every row: event time (null time becomes {@link Long#MIN_VALUE}) and customer. */
    private static CustomerEvent event(EventType type, ResultSet rs, String source) throws SQLException {
        long time = rs.getLong("event_time");
        if (rs.wasNull()) {
            time = Long.MIN_VALUE;
        }
        return new CustomerEvent(type, rs.getString("customer_id"), time, source);
    }
}
