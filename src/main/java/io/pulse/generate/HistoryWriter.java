package io.pulse.generate;

import io.pulse.history.HistoryDatabase;
import io.pulse.jdbc.SqlDialect;

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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Streams generated rows into a new SQLite history file, or into new history tables of a
 * PostgreSQL database (dropped first if they exist): creates the schema from the classpath DDL,
 * keeps one prepared INSERT per table, and executes and commits the batches every {@link #BATCH_ROWS} rows so memory stays flat however large the history is.
 *
 * <p>Rows are collected in chunks of {@link #BATCH_ROWS} and handed through a short queue to one
 * writing thread, so generating and the database's inserting each get a core. There is one queue and
 * one writer, so rows reach each table in the order they were added, and every chunk is one
 * batch per table (executed in table order) and one commit, wherever the threads happen to be.
 *
 * <p>A SQLite file is written with the rollback journal off and without fsyncs, for speed (a failed
 * run's file is deleted by the caller, {@link #discard}), and never in WAL mode, so the result is one
 * self-contained file.
 */
final class HistoryWriter implements AutoCloseable {

    static final String SCHEMA_RESOURCE = "/io/pulse/history/history-schema.sql";
    static final int BATCH_ROWS = 10_000;

    /** The tables the generator writes, in schema order, with the columns it binds in order. */
    enum Table {
        COMPANY("intercom__company_enhanced", false, "company_id, company_name, website, website_domain, industry,"
                + " created_at, updated_at, user_count, session_count, monthly_spend, plan_id, plan_name,"
                + " company_age_days, all_company_tags"),
        COMPANY_METRICS("intercom__company_metrics", false, "company_id, total_conversations, avg_conversation_rating,"
                + " contacts_active_7d, contacts_active_30d, registration_retention_7d, registration_retention_30d,"
                + " p50_time_to_first_response_min"),
        CONTACT("intercom__contact_enhanced", false, "contact_id, contact_email, contact_role, last_activity_ts,"
                + " is_active_7d, is_active_30d, all_contact_tags, all_contact_company_names"),
        CONVERSATION("intercom__conversation_enhanced", true, "conversation_id, conversation_created_at,"
                + " conversation_last_updated_at, conversation_type, conversation_initiated_type,"
                + " conversation_subject, conversation_assignee_type, conversation_author_type, conversation_state,"
                + " sla_name, sla_status, conversation_rating, first_close_at, last_close_at, all_conversation_tags,"
                + " all_conversation_contacts, all_contact_company_names"),
        CONVERSATION_METRICS("intercom__conversation_metrics", false, "conversation_id, count_reopens, count_total_parts,"
                + " count_assignments, time_to_first_response_minutes, time_to_first_close_minutes,"
                + " time_to_last_close_minutes, first_response_at, first_close_at, last_close_at"),
        ACCOUNT_SNAPSHOT("salesforce__customer_360_view", true, "snapshot_at, account_id, account_name,"
                + " industry_normalized, account_size_segment, number_of_employees, annual_revenue,"
                + " total_won_amount, current_pipeline_amount, win_rate_percentage, account_age_days,"
                + " total_contacts, contacts_with_email, days_since_last_activity, total_activities_30d,"
                + " customer_health_score, owner_id"),
        OPPORTUNITY("salesforce__opportunity_enhanced", false, "opportunity_id, account_id, is_won, is_closed, stage_name,"
                + " close_date, amount, created_date, opportunity_type"),
        SF_CONTACT("salesforce__contact_enhanced", false, "contact_id, account_id, email, title"),
        USER("salesforce__user", false, "user_id, name, first_name, last_name, email, user_role_name, manager_id,"
                + " is_active, created_date"),
        ACCOUNT_HISTORY("salesforce__account_history", false, "id, account_id, field, old_value, new_value,"
                + " created_date"),
        ACTIVITY("customer360__customer_activity_metrics", true, "primary_email, composite_engagement_score,"
                + " customer_health_score, days_since_last_activity, primary_engagement_channel, engagement_velocity,"
                + " activity_risk_level, in_marketo, in_stripe, in_zendesk, zendesk_active,"
                + " activity_analysis_timestamp"),
        FUNNEL("customer360__conversion_funnel_analysis", true, "primary_email, customer_tier, marketing_to_sales_days,"
                + " sales_to_support_days, estimated_customer_ltv, funnel_analysis_timestamp"),
        VALUE("customer360__customer_value_analysis", true, "primary_email, customer_tier, recency_score,"
                + " frequency_score, monetary_score, estimated_customer_ltv, churn_probability, analysis_timestamp"),
        USAGE("pulse__product_usage", true, "usage_id, company_id, contact_email, feature, used_at"),
        SUBSCRIPTION_CHANGE("pulse__subscription_changes", true, "change_id, company_id, old_plan, new_plan,"
                + " monthly_spend_delta, changed_at"),
        OUTCOME("pulse__customer_outcomes", true, "outcome_id, company_id, outcome, outcome_at");

        final String tableName;
        /** Whether the history replays this table's rows as events (see {@link GenerationReport}). */
        final boolean event;
        final int columns;
        final String insertSql;

        Table(String tableName, boolean event, String columnList) {
            this.tableName = tableName;
            this.event = event;
            this.columns = columnList.split(",").length;
            this.insertSql = "INSERT INTO " + tableName + " (" + columnList + ") VALUES ("
                    + "?, ".repeat(columns - 1) + "?)";
        }
    }

    private static final int QUEUE_CHUNKS = 3;
    private static final int WIDEST_ROW = Arrays.stream(Table.values()).mapToInt(t -> t.columns).max().orElseThrow();
    private static final Chunk END = new Chunk();

    private final Connection connection;
    private final PreparedStatement[] statements;
    private final Row[] rows;
    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    private final Thread writerThread;
    private volatile Throwable failure;
    private Chunk chunk = new Chunk();
    private boolean ended;

    HistoryWriter(HistoryDatabase target) throws IOException, SQLException {
        SqlDialect dialect = SqlDialect.of(target.url());
        connection = target.sqlite() ? newSqliteFile(target.sqliteFile()) : emptiedServerDatabase(target);
        statements = new PreparedStatement[Table.values().length];
        rows = new Row[Table.values().length];
        try (Statement s = connection.createStatement()) {
            for (String ddl : schemaStatements(dialect)) {
                s.execute(ddl);
            }
            connection.setAutoCommit(false);
            for (Table t : Table.values()) {
                statements[t.ordinal()] = connection.prepareStatement(t.insertSql);
                rows[t.ordinal()] = new Row(t);
            }
        } catch (SQLException | RuntimeException e) {
            closeStatementsAndConnection();
            throw e;
        }
        writerThread = new Thread(this::writeChunks, "pulse-history-writer");
        writerThread.setDaemon(true);
        writerThread.start();
    }

    /** A connection to a new SQLite file, set up for one fast bulk load. */
    private static Connection newSqliteFile(Path file) throws IOException, SQLException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // A leftover journal or WAL next to a new file would be replayed into it by SQLite.
        for (String suffix : new String[] {"", "-journal", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(file + suffix));
        }
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            // Large pages: fewer page splits and B-tree levels for these wide append-mostly tables.
            s.execute("PRAGMA page_size=16384");
            s.execute("PRAGMA journal_mode=OFF");
            s.execute("PRAGMA synchronous=OFF");
            s.execute("PRAGMA locking_mode=EXCLUSIVE");
            s.execute("PRAGMA temp_store=MEMORY");
            s.execute("PRAGMA cache_size=-131072");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * A connection to a database server whose history tables were dropped, to be created anew;
     * its other tables are left alone. Batches go as multi-row INSERTs (PostgreSQL's
     * {@code reWriteBatchedInserts}).
     */
    private static Connection emptiedServerDatabase(HistoryDatabase target) throws SQLException {
        Properties options = new Properties();
        options.setProperty("reWriteBatchedInserts", "true");
        Connection c = DriverManager.getConnection(target.url(), options);
        try {
            dropTables(c);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Removes what a failed run wrote: the SQLite file, or the history tables of a server database. */
    static void discard(HistoryDatabase target) throws IOException, SQLException {
        if (target.sqlite()) {
            Files.deleteIfExists(target.sqliteFile());
            return;
        }
        try (Connection c = DriverManager.getConnection(target.url())) {
            dropTables(c);
        }
    }

    private static void dropTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (Table t : Table.values()) {
                s.execute("DROP TABLE IF EXISTS " + t.tableName);
            }
        }
    }

    /**
     * The DDL statements of the schema resource for a database, comments removed (they may contain
     * ';'), {@code ${integer_key}} replaced by the dialect's {@link SqlDialect#integerKey()}.
     */
    static String[] schemaStatements(SqlDialect dialect) throws IOException {
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
        return Arrays.stream(sql.toString().replace("${integer_key}", dialect.integerKey()).split(";"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }

    /** Starts a row of a table; give its columns in order, then {@link Row#add()}. */
    Row row(Table table) {
        Row row = rows[table.ordinal()];
        row.column = 0;
        row.start = chunk.size;
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

    /** Writes everything added and commits; the file is complete when this returns. */
    void finish() throws SQLException {
        if (chunk.rows > 0) {
            handOff(chunk);
        }
        end();
        if (failure != null) {
            throw new SQLException("writing the history failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() throws SQLException {
        end();
        closeStatementsAndConnection();
    }

    /** Tells the writing thread to stop after what is queued, and waits for it. */
    private void end() throws SQLException {
        if (ended) {
            return;
        }
        ended = true;
        handOff(END);
        try {
            writerThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while writing the history", e);
        }
    }

    private void handOff(Chunk full) throws SQLException {
        if (failure != null && full != END) {
            throw new SQLException("writing the history failed: " + failure.getMessage(), failure);
        }
        try {
            while (!queue.offer(full, 100, TimeUnit.MILLISECONDS)) {
                if (!writerThread.isAlive()) {
                    throw new SQLException("writing the history failed", failure);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while writing the history", e);
        }
    }

    /** The writing thread: binds each chunk's rows, one batch per table, one commit per chunk. */
    private void writeChunks() {
        try {
            for (Chunk c = queue.take(); c != END; c = queue.take()) {
                int[] batched = new int[statements.length];
                int at = 0;
                for (int i = 0; i < c.rows; i++) {
                    int table = c.tables[i];
                    PreparedStatement ps = statements[table];
                    int columns = Table.values()[table].columns;
                    for (int col = 1; col <= columns; col++) {
                        ps.setObject(col, c.values[at++]);
                    }
                    ps.addBatch();
                    batched[table]++;
                }
                for (int t = 0; t < statements.length; t++) {
                    if (batched[t] > 0) {
                        statements[t].executeBatch();
                    }
                }
                connection.commit();
            }
        } catch (Throwable t) {
            // Keep draining so the producer never blocks; it sees the failure on its next hand-off or at finish.
            failure = t;
            drainUntilEnd();
        }
    }

    private void drainUntilEnd() {
        try {
            while (queue.take() != END) {
                // discard
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeStatementsAndConnection() throws SQLException {
        try {
            for (PreparedStatement ps : statements) {
                if (ps != null) {
                    ps.close();
                }
            }
        } finally {
            connection.close();
        }
    }

    /** Up to {@link #BATCH_ROWS} rows of any tables, in the order they were added. */
    private static final class Chunk {
        final int[] tables = new int[BATCH_ROWS];
        /** Column values of all rows back to back. */
        final Object[] values = new Object[BATCH_ROWS * WIDEST_ROW];
        int rows;
        int size;
    }

    /** A row being filled: one per table, reused. Checks that every column was given exactly once. */
    final class Row {
        private final Table table;
        private int column;
        private int start;
        private long count;

        private Row(Table table) {
            this.table = table;
        }

        Row text(String value) {
            return value(value);
        }

        Row integer(long value) {
            return value(value);
        }

        Row real(double value) {
            return value(value);
        }

        /** A REAL column that may be NULL (NaN stands for NULL). */
        Row realOrNull(double value) {
            return value(Double.isNaN(value) ? null : value);
        }

        private Row value(Object value) {
            chunk.values[start + column++] = value;
            return this;
        }

        void add() throws SQLException {
            if (column != table.columns) {
                throw new IllegalStateException(table.tableName + ": got " + column + " of "
                        + table.columns + " columns");
            }
            chunk.tables[chunk.rows++] = table.ordinal();
            chunk.size += column;
            count++;
            if (chunk.rows == BATCH_ROWS) {
                handOff(chunk);
                chunk = new Chunk();
            }
        }
    }
}
