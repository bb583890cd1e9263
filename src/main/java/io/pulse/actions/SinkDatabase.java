package io.pulse.actions;

import io.pulse.jdbc.SqlDialect;
import io.pulse.jdbc.SqlScript;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The database the job writes to (the CS queue, the dead letters, the rule deployments): SQLite by
 * default, PostgreSQL when given a {@code jdbc:postgresql:} URL. The schema is a {@code .sql} resource.
 */
public final class SinkDatabase {
    /** The {@code action_cooldowns} row that applies to actions without their own. */
    public static final String DEFAULT_COOLDOWN_KEY = "*";
    public static final int DEFAULT_COOLDOWN_DAYS = 30;

    private final String url;
    private final SqlDialect dialect;

    private SinkDatabase(String url, SqlDialect dialect) {
        this.url = url;
        this.dialect = dialect;
    }

    /** The database of a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL, with the dialect's default options. */
    public static SinkDatabase of(String url) {
        SqlDialect dialect = SqlDialect.of(url);
        return new SinkDatabase(dialect.withDefaults(url), dialect);
    }

    public String url() {
        return url;
    }

    public SqlDialect dialect() {
        return dialect;
    }

    public boolean sqlite() {
        return dialect == SqlDialect.SQLITE;
    }

    /** The database file of a SQLite URL (without its options); null for any other database. */
    public Path sqliteFile() {
        return sqlite() ? Path.of(url.substring(dialect.urlPrefix().length()).replaceFirst("\\?.*$", "")) : null;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    /**
     * Columns added to a table after its first release, as {@code name TYPE}: a database from before
     * them gets them (NULL in existing rows) from {@link #createSchema}; {@code schema.sql} has them too.
     */
    static final Map<String, List<String>> LATER_COLUMNS = Map.of(
            "dead_letters", List.of("replayed_at TEXT", "replayed_to TEXT"),
            "rule_deployments", List.of("backfilled_features TEXT"),
            "recommended_actions", List.of("owner TEXT", "escalated_at TEXT"),
            "notification_targets", List.of("agent TEXT"));

    /**
     * Creates the tables and indexes of {@code schema.sql} and the dialect's history trigger if they
     * do not exist, and adds the {@link #LATER_COLUMNS} an existing table lacks, in one transaction;
     * on PostgreSQL under an advisory lock, so processes starting together do not race.
     */
    public void createSchema() throws SQLException {
        List<String> ddl = new ArrayList<>();
        for (String sql : SqlScript.statements("/io/pulse/actions/schema.sql")) {
            // SQLite keeps a table keyed by its primary key alone in that key's tree, with no rowid tree beside it.
            ddl.add(sql.replace("${id}", dialect.idColumn())
                    .replace("${without_rowid}", dialect == SqlDialect.SQLITE ? " WITHOUT ROWID" : ""));
        }
        ddl.addAll(SqlScript.statements("/io/pulse/actions/history-trigger-" + dialect.id() + ".sql"));
        try (Connection c = connect(); Statement s = c.createStatement()) {
            dialect.begin(c);
            if (dialect == SqlDialect.POSTGRESQL) {
                s.execute("SELECT pg_advisory_xact_lock(7271)");
            }
            addLaterColumns(c, s); // first: schema.sql may index them
            for (String sql : ddl) {
                s.execute(sql);
            }
            dialect.commit(c);
            dialect.end(c);
        }
    }

    /** Adds each of {@link #LATER_COLUMNS} that an existing table lacks; a table not there yet is left to schema.sql. */
    private void addLaterColumns(Connection c, Statement s) throws SQLException {
        for (Map.Entry<String, List<String>> table : new TreeMap<>(LATER_COLUMNS).entrySet()) {
            Set<String> existing = dialect == SqlDialect.SQLITE ? sqliteColumns(s, table.getKey()) : null;
            for (String column : table.getValue()) {
                if (existing == null) { // PostgreSQL says IF NOT EXISTS itself
                    s.execute("ALTER TABLE IF EXISTS " + table.getKey() + " ADD COLUMN IF NOT EXISTS " + column);
                } else if (!existing.isEmpty() && !existing.contains(column.substring(0, column.indexOf(' ')))) {
                    s.execute("ALTER TABLE " + table.getKey() + " ADD COLUMN " + column);
                }
            }
        }
    }

    /** The column names of a SQLite table, lower-cased; empty when there is no such table. */
    private static Set<String> sqliteColumns(Statement s, String table) throws SQLException {
        Set<String> names = new HashSet<>();
        try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                names.add(rs.getString("name").toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }
}
