package io.pulse.generate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streams generated rows into a new SQLite history file: creates the schema from the classpath
 * DDL, keeps one prepared INSERT per table, and executes and commits the batches every
 * {@link #BATCH_ROWS} rows so memory stays flat however large the history is.
 *
 * <p>The file is written with the rollback journal off and without fsyncs (a failed run leaves a
 * file to delete, never a half-valid one that looks complete: the caller deletes it), and never
 * in WAL mode, so the result is one self-contained file. Batches are always executed in table
 * order, so the same rows give the same bytes.
 */
final class HistoryWriter implements AutoCloseable {

    static final String SCHEMA_RESOURCE = "/io/pulse/history/history-schema.sql";
    static final int BATCH_ROWS = 10_000;

    /** The tables the generator writes, in schema order, with the columns it binds in order. */
    enum Table {
        COMPANY("intercom__company_enhanced", "company_id, company_name, website, website_domain, industry,"
                + " created_at, updated_at, user_count, session_count, monthly_spend, plan_id, plan_name,"
                + " company_age_days, all_company_tags"),
        COMPANY_METRICS("intercom__company_metrics", "company_id, total_conversations, avg_conversation_rating,"
                + " contacts_active_7d, contacts_active_30d, registration_retention_7d, registration_retention_30d,"
                + " p50_time_to_first_response_min"),
        CONTACT("intercom__contact_enhanced", "contact_id, contact_email, contact_role, last_activity_ts,"
                + " is_active_7d, is_active_30d, all_contact_tags, all_contact_company_names"),
        CONVERSATION("intercom__conversation_enhanced", "conversation_id, conversation_created_at,"
                + " conversation_last_updated_at, conversation_type, conversation_initiated_type,"
                + " conversation_subject, conversation_assignee_type, conversation_author_type, conversation_state,"
                + " sla_name, sla_status, conversation_rating, first_close_at, last_close_at, all_conversation_tags,"
                + " all_conversation_contacts, all_contact_company_names"),
        CONVERSATION_METRICS("intercom__conversation_metrics", "conversation_id, count_reopens, count_total_parts,"
                + " count_assignments, time_to_first_response_minutes, time_to_first_close_minutes,"
                + " time_to_last_close_minutes, first_response_at, first_close_at, last_close_at"),
        ACCOUNT_SNAPSHOT("salesforce__customer_360_view", "snapshot_at, account_id, account_name,"
                + " industry_normalized, account_size_segment, number_of_employees, annual_revenue,"
                + " total_won_amount, current_pipeline_amount, win_rate_percentage, account_age_days,"
                + " total_contacts, contacts_with_email, days_since_last_activity, total_activities_30d,"
                + " customer_health_score"),
        OPPORTUNITY("salesforce__opportunity_enhanced", "opportunity_id, account_id, is_won, is_closed, stage_name,"
                + " close_date, amount"),
        SF_CONTACT("salesforce__contact_enhanced", "contact_id, account_id, email, title"),
        ACTIVITY("customer360__customer_activity_metrics", "primary_email, composite_engagement_score,"
                + " customer_health_score, days_since_last_activity, primary_engagement_channel, engagement_velocity,"
                + " activity_risk_level, in_marketo, in_stripe, in_zendesk, zendesk_active,"
                + " activity_analysis_timestamp"),
        FUNNEL("customer360__conversion_funnel_analysis", "primary_email, customer_tier, marketing_to_sales_days,"
                + " sales_to_support_days, estimated_customer_ltv, funnel_analysis_timestamp"),
        VALUE("customer360__customer_value_analysis", "primary_email, customer_tier, recency_score,"
                + " frequency_score, monetary_score, estimated_customer_ltv, churn_probability, analysis_timestamp"),
        USAGE("pulse__product_usage", "usage_id, company_id, contact_email, feature, used_at"),
        SUBSCRIPTION_CHANGE("pulse__subscription_changes", "change_id, company_id, old_plan, new_plan,"
                + " monthly_spend_delta, changed_at"),
        OUTCOME("pulse__customer_outcomes", "outcome_id, company_id, outcome, outcome_at");

        final String tableName;
        final int columns;
        final String insertSql;

        Table(String tableName, String columnList) {
            this.tableName = tableName;
            this.columns = columnList.split(",").length;
            this.insertSql = "INSERT INTO " + tableName + " (" + columnList + ") VALUES ("
                    + "?, ".repeat(columns - 1) + "?)";
        }
    }

    private final Connection connection;
    private final Row[] rows;
    private int pending;

    HistoryWriter(Path file) throws IOException, SQLException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // A leftover journal or WAL next to a new file would be replayed into it by SQLite.
        for (String suffix : new String[] {"", "-journal", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(file + suffix));
        }
        connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA journal_mode=OFF");
            s.execute("PRAGMA synchronous=OFF");
            s.execute("PRAGMA locking_mode=EXCLUSIVE");
            s.execute("PRAGMA temp_store=MEMORY");
            s.execute("PRAGMA cache_size=-131072");
            for (String ddl : schemaStatements()) {
                s.execute(ddl);
            }
        }
        connection.setAutoCommit(false);
        rows = new Row[Table.values().length];
        for (Table t : Table.values()) {
            rows[t.ordinal()] = new Row(t, connection.prepareStatement(t.insertSql));
        }
    }

    /** The DDL statements of the schema resource, comments removed (they may contain ';'). */
    static String[] schemaStatements() throws IOException {
        String text;
        try (InputStream in = HistoryWriter.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IOException("schema resource not found on the classpath: " + SCHEMA_RESOURCE);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder sql = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            int comment = line.indexOf("--");
            sql.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        return java.util.Arrays.stream(sql.toString().split(";"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }

    /** Starts a row of a table; bind its columns in order, then {@link Row#add()}. */
    Row row(Table table) {
        Row row = rows[table.ordinal()];
        row.column = 1;
        return row;
    }

    /** Rows added so far to a table (also the last integer id handed out for id-keyed tables). */
    long count(Table table) {
        return rows[table.ordinal()].count;
    }

    /** Rows per table name, in schema order. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Row row : rows) {
            counts.put(row.table.tableName, row.count);
        }
        return counts;
    }

    /** Writes what is pending and commits; the file is complete after this. */
    void finish() throws SQLException {
        flush();
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA optimize");
        }
        connection.commit();
    }

    private void flush() throws SQLException {
        for (Row row : rows) {
            if (row.batched > 0) {
                row.statement.executeBatch();
                row.batched = 0;
            }
        }
        connection.commit();
        pending = 0;
    }

    @Override
    public void close() throws SQLException {
        try {
            for (Row row : rows) {
                if (row != null) {
                    row.statement.close();
                }
            }
        } finally {
            connection.close();
        }
    }

    /** A row being bound: one per table, reused. Checks that every column was bound exactly once. */
    final class Row {
        private final Table table;
        private final PreparedStatement statement;
        private int column;
        private int batched;
        private long count;

        private Row(Table table, PreparedStatement statement) {
            this.table = table;
            this.statement = statement;
        }

        Row text(String value) throws SQLException {
            if (value == null) {
                statement.setNull(column++, Types.VARCHAR);
            } else {
                statement.setString(column++, value);
            }
            return this;
        }

        Row integer(long value) throws SQLException {
            statement.setLong(column++, value);
            return this;
        }

        Row real(double value) throws SQLException {
            statement.setDouble(column++, value);
            return this;
        }

        /** A REAL column that may be NULL (NaN stands for NULL). */
        Row realOrNull(double value) throws SQLException {
            if (Double.isNaN(value)) {
                statement.setNull(column++, Types.REAL);
            } else {
                statement.setDouble(column++, value);
            }
            return this;
        }

        void add() throws SQLException {
            if (column != table.columns + 1) {
                throw new IllegalStateException(table.tableName + ": bound " + (column - 1) + " of "
                        + table.columns + " columns");
            }
            statement.addBatch();
            batched++;
            count++;
            if (++pending >= BATCH_ROWS) {
                flush();
            }
        }
    }
}
