package io.pulse.actions;

import io.pulse.jdbc.SqlDialect;
import io.pulse.jdbc.SqlScript;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

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
     * Creates the tables and indexes of {@code schema.sql} and the dialect's history trigger if they
     * do not exist, in one transaction; on PostgreSQL under an advisory lock, so processes starting
     * together do not race.
     */
    public void createSchema() throws SQLException {
        List<String> ddl = new ArrayList<>();
        for (String sql : SqlScript.statements("/io/pulse/actions/schema.sql")) {
            ddl.add(sql.replace("${id}", dialect.idColumn()));
        }
        ddl.addAll(SqlScript.statements("/io/pulse/actions/history-trigger-" + dialect.id() + ".sql"));
        try (Connection c = connect(); Statement s = c.createStatement()) {
            dialect.begin(c);
            if (dialect == SqlDialect.POSTGRESQL) {
                s.execute("SELECT pg_advisory_xact_lock(7271)");
            }
            for (String sql : ddl) {
                s.execute(sql);
            }
            dialect.commit(c);
            dialect.end(c);
        }
    }
}
