package io.pulse.actions;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The database the job writes to (the CS queue and the dead letters): SQLite by default,
 * PostgreSQL when given a {@code jdbc:postgresql:} URL. Holds the schema, written once for both.
 */
public final class SinkDatabase {
    /** The {@code action_cooldowns} row that applies to actions without their own. */
    public static final String DEFAULT_COOLDOWN_KEY = "*";
    public static final int DEFAULT_COOLDOWN_DAYS = 30;

    private final String url;

    private SinkDatabase(String url) {
        this.url = url;
    }

    /**
     * A SQLite URL gets WAL mode (a reader never blocks the writer), a busy timeout (parallel sink
     * writers and queue agents wait for each other instead of failing) and {@code synchronous=NORMAL}
     * (WAL's recommended setting: a commit survives a crash of the process but not necessarily of
     * the machine; it fsyncs at checkpoints, not on every commit, which makes a queue claim ~2.5x
     * cheaper), unless the URL already sets them.
     */
    public static SinkDatabase of(String url) {
        if (isSqlite(url)) {
            StringBuilder u = new StringBuilder(url);
            if (!url.contains("journal_mode=")) {
                u.append(u.indexOf("?") >= 0 ? '&' : '?').append("journal_mode=WAL");
            }
            if (!url.contains("busy_timeout=")) {
                u.append("&busy_timeout=60000");
            }
            if (!url.contains("synchronous=")) {
                u.append("&synchronous=NORMAL");
            }
            return new SinkDatabase(u.toString());
        }
        return new SinkDatabase(url);
    }

    /**
     * The JDBC driver class for a URL (SQLite or PostgreSQL), null for another database. Connectors
     * name it rather than ask {@link DriverManager}: on a Flink session cluster every job has its own
     * class loader, and DriverManager hands a driver registered by an earlier job's loader to no
     * later job ("No suitable driver").
     */
    public static String driverClass(String url) {
        if (isSqlite(url)) {
            return "org.sqlite.JDBC";
        }
        return url.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : null;
    }

    public static boolean isSqlite(String url) {
        return url.startsWith("jdbc:sqlite:");
    }

    public String url() {
        return url;
    }

    public boolean sqlite() {
        return isSqlite(url);
    }

    /** The database file of a SQLite URL (without its options); null for any other database. */
    public Path sqliteFile() {
        return sqlite() ? Path.of(url.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", "")) : null;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    /**
     * Creates the tables, indexes and the history trigger if they do not exist. On PostgreSQL the
     * DDL runs in one transaction under an advisory lock, so processes starting together do not race.
     */
    public void createSchema() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            if (!sqlite()) {
                c.setAutoCommit(false);
                s.execute("SELECT pg_advisory_xact_lock(7271)");
            }
            addLaterColumns(c, s);
            for (String sql : ddl()) {
                s.execute(sql);
            }
            if (!sqlite()) {
                c.commit();
            }
        }
    }

    /**
     * Columns added after the first schema (the queue's workflow, the cohort tags, the account's
     * industry and size and the pipeline's own status for the portfolio view): a table written
     * before them gets them (all TEXT, NULL until the pipeline re-writes the row).
     */
    private static final List<String> LATER_COLUMNS = List.of("notes", "outcome", "snoozed_until", "claimed_at",
            "closed_at", "reopen_after", "status_changed_at", "status_changed_by", "status_note", "cohorts",
            "industry", "size_segment", "pipeline_status");

    /** Columns of {@code rule_deployments} added after its first schema (the re-score of a reload), with their types. */
    private static final List<String> LATER_DEPLOYMENT_COLUMNS = List.of("rescored_at TEXT",
            "customers_rescored BIGINT", "actions_written BIGINT");

    private static void addLaterColumns(Connection c, Statement s) throws SQLException {
        addMissing(c, s, "recommended_actions", LATER_COLUMNS.stream().map(column -> column + " TEXT").toList());
        addMissing(c, s, "rule_deployments", LATER_DEPLOYMENT_COLUMNS);
    }

    /** Adds each "name TYPE" column that an existing {@code table} lacks; a new database gets the tables whole. */
    private static void addMissing(Connection c, Statement s, String table, List<String> columns) throws SQLException {
        Set<String> existing = new HashSet<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, null, table, null)) {
            while (rs.next()) {
                existing.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        if (existing.isEmpty()) {
            return;
        }
        for (String column : columns) {
            if (!existing.contains(column.substring(0, column.indexOf(' ')))) {
                s.execute("ALTER TABLE " + table + " ADD COLUMN " + column);
            }
        }
    }

    /**
     * The schema. {@code recommended_actions} is one row per (customer, action): the recommendation
     * columns belong to the pipeline, the workflow columns (status, assignee, notes, outcome, the
     * times) to people. Every change of {@code status} (or re-snooze) is copied into
     * {@code action_history} by a trigger from the {@code status_changed_*} columns that each writer
     * sets in the same statement, so no writer can forget the history.
     */
    private List<String> ddl() {
        String id = sqlite() ? "id INTEGER PRIMARY KEY AUTOINCREMENT" : "id BIGSERIAL PRIMARY KEY";
        List<String> ddl = new ArrayList<>(List.of(
                "CREATE TABLE IF NOT EXISTS recommended_actions ("
                        + id + ","
                        + " customer_id TEXT NOT NULL,"
                        + " action TEXT NOT NULL,"
                        + " family TEXT NOT NULL,"
                        + " value_tier TEXT,"
                        + " risk_tier TEXT,"
                        + " health_band TEXT,"
                        + " health_score DOUBLE PRECISION,"
                        + " predicted_6m_revenue DOUBLE PRECISION,"
                        + " cohorts TEXT,"
                        + " industry TEXT,"
                        + " size_segment TEXT,"
                        + " priority INTEGER NOT NULL,"
                        + " due_at TEXT NOT NULL,"
                        + " playbook TEXT,"
                        + " reasons TEXT NOT NULL,"
                        + " ruleset_version TEXT NOT NULL,"
                        + " valid_as_of TEXT NOT NULL,"
                        + " first_valid_as_of TEXT NOT NULL,"
                        + " status TEXT NOT NULL DEFAULT 'OPEN',"
                        + " pipeline_status TEXT,"
                        + " assignee TEXT,"
                        + " notes TEXT,"
                        + " outcome TEXT,"
                        + " snoozed_until TEXT,"
                        + " claimed_at TEXT,"
                        + " closed_at TEXT,"
                        + " reopen_after TEXT,"
                        + " status_changed_at TEXT,"
                        + " status_changed_by TEXT,"
                        + " status_note TEXT,"
                        + " UNIQUE (customer_id, action))",
                "CREATE INDEX IF NOT EXISTS recommended_actions_priority"
                        + " ON recommended_actions (status, priority, predicted_6m_revenue DESC, due_at)",
                "CREATE TABLE IF NOT EXISTS action_history ("
                        + id + ","
                        + " action_id BIGINT NOT NULL REFERENCES recommended_actions (id),"
                        + " at TEXT,"
                        + " actor TEXT,"
                        + " from_status TEXT,"
                        + " to_status TEXT NOT NULL,"
                        + " note TEXT)",
                "CREATE INDEX IF NOT EXISTS action_history_action ON action_history (action_id, id)",
                "CREATE TABLE IF NOT EXISTS action_cooldowns ("
                        + " action TEXT PRIMARY KEY,"
                        + " cooldown_days INTEGER NOT NULL CHECK (cooldown_days >= 0))",
                "INSERT INTO action_cooldowns (action, cooldown_days) VALUES ('" + DEFAULT_COOLDOWN_KEY + "', "
                        + DEFAULT_COOLDOWN_DAYS + ") ON CONFLICT (action) DO NOTHING",
                "CREATE TABLE IF NOT EXISTS dead_letters ("
                        + id + ","
                        + " source TEXT NOT NULL,"
                        + " reason TEXT NOT NULL,"
                        + " raw TEXT,"
                        + " event_time TEXT,"
                        + " UNIQUE (source, reason))",
                "CREATE TABLE IF NOT EXISTS rule_deployments ("
                        + id + ","
                        + " ruleset_version TEXT NOT NULL,"
                        + " deployed_at TEXT NOT NULL,"
                        + " status TEXT NOT NULL,"
                        + " messages TEXT NOT NULL,"
                        + " rescored_at TEXT,"
                        + " customers_rescored BIGINT,"
                        + " actions_written BIGINT,"
                        + " UNIQUE (ruleset_version, deployed_at))"));
        String historyRow = "INSERT INTO action_history (action_id, at, actor, from_status, to_status, note)";
        if (sqlite()) {
            ddl.add("CREATE TRIGGER IF NOT EXISTS recommended_actions_created AFTER INSERT ON recommended_actions"
                    + " BEGIN " + historyRow + " VALUES (new.id, new.status_changed_at, new.status_changed_by,"
                    + " NULL, new.status, new.status_note); END");
            ddl.add("CREATE TRIGGER IF NOT EXISTS recommended_actions_transition AFTER UPDATE ON recommended_actions"
                    + " WHEN old.status IS NOT new.status OR old.status_changed_at IS NOT new.status_changed_at"
                    + " BEGIN " + historyRow + " VALUES (new.id, new.status_changed_at, new.status_changed_by,"
                    + " old.status, new.status, new.status_note); END");
        } else {
            ddl.add("CREATE OR REPLACE FUNCTION recommended_actions_history() RETURNS trigger LANGUAGE plpgsql AS $$"
                    + " BEGIN"
                    + " IF TG_OP = 'INSERT' THEN " + historyRow + " VALUES (NEW.id, NEW.status_changed_at,"
                    + " NEW.status_changed_by, NULL, NEW.status, NEW.status_note);"
                    + " ELSIF OLD.status IS DISTINCT FROM NEW.status"
                    + " OR OLD.status_changed_at IS DISTINCT FROM NEW.status_changed_at THEN " + historyRow
                    + " VALUES (NEW.id, NEW.status_changed_at, NEW.status_changed_by, OLD.status, NEW.status,"
                    + " NEW.status_note);"
                    + " END IF;"
                    + " RETURN NULL;"
                    + " END $$");
            ddl.add("DROP TRIGGER IF EXISTS recommended_actions_history ON recommended_actions");
            ddl.add("CREATE TRIGGER recommended_actions_history AFTER INSERT OR UPDATE ON recommended_actions"
                    + " FOR EACH ROW EXECUTE FUNCTION recommended_actions_history()");
        }
        return ddl;
    }
}
