package io.pulse.actions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The database the job writes to (the CS queue and the dead letters): SQLite by default,
 * PostgreSQL when given a {@code jdbc:postgresql:} URL. Holds the schema, written once for both.
 */
public final class SinkDatabase {
    private final String url;

    private SinkDatabase(String url) {
        this.url = url;
    }

    /**
     * A SQLite URL gets WAL mode (a reader never blocks the writer) and a busy timeout (parallel sink
     * writers wait for each other instead of failing), unless the URL already sets them.
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
            return new SinkDatabase(u.toString());
        }
        return new SinkDatabase(url);
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

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    /** Creates the tables if they do not exist. */
    public void createSchema() throws SQLException {
        String id = sqlite() ? "id INTEGER PRIMARY KEY AUTOINCREMENT" : "id BIGSERIAL PRIMARY KEY";
        List<String> ddl = List.of(
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
                        + " priority INTEGER NOT NULL,"
                        + " due_at TEXT NOT NULL,"
                        + " playbook TEXT,"
                        + " reasons TEXT NOT NULL,"
                        + " ruleset_version TEXT NOT NULL,"
                        + " valid_as_of TEXT NOT NULL,"
                        + " first_valid_as_of TEXT NOT NULL,"
                        + " status TEXT NOT NULL DEFAULT 'OPEN',"
                        + " assignee TEXT,"
                        + " UNIQUE (customer_id, action))",
                "CREATE INDEX IF NOT EXISTS recommended_actions_queue ON recommended_actions (status, priority, due_at)",
                "CREATE TABLE IF NOT EXISTS dead_letters ("
                        + id + ","
                        + " source TEXT NOT NULL,"
                        + " reason TEXT NOT NULL,"
                        + " raw TEXT,"
                        + " event_time TEXT,"
                        + " UNIQUE (source, reason))");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : ddl) {
                s.execute(sql);
            }
        }
    }
}
