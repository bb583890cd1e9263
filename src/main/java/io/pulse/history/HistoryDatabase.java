package io.pulse.history;

import io.pulse.jdbc.JdbcUrls;
import io.pulse.jdbc.SqlDialect;

import java.nio.file.Path;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Where a history is: a SQLite file, given as a plain path, or any JDBC URL ({@code jdbc:sqlite:},
 * {@code jdbc:postgresql://HOST/DB?user=NAME&password=SECRET}, or another database whose driver is
 * on the classpath). SQLite is read with SQLite's SQL; every other database with PostgreSQL's
 * (see {@link SqlDialect}), so one that does not speak it needs a dialect of its own.
 *
 * @param url the JDBC URL; may hold a password: print {@link #describe()}, never this
 */
public record HistoryDatabase(String url) {
    public HistoryDatabase {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("not a JDBC URL: " + JdbcUrls.masked(url));
        }
    }

    /** A path means a SQLite file; a {@code jdbc:} URL is taken as it is. */
    public static HistoryDatabase of(String pathOrUrl) {
        return new HistoryDatabase(pathOrUrl.startsWith("jdbc:") ? pathOrUrl
                : SqlDialect.SQLITE.urlPrefix() + pathOrUrl);
    }

    public static HistoryDatabase sqlite(Path file) {
        return new HistoryDatabase(SqlDialect.SQLITE.urlPrefix() + Objects.requireNonNull(file, "file"));
    }

    public boolean sqlite() {
        return url.startsWith(SqlDialect.SQLITE.urlPrefix());
    }

    /** The dialect the history queries are written in for this database. */
    public SqlDialect dialect() {
        return sqlite() ? SqlDialect.SQLITE : SqlDialect.POSTGRESQL;
    }

    /** The file of a SQLite history (without URL options), null for any other database. */
    public Path sqliteFile() {
        return sqlite() ? Path.of(url.substring(SqlDialect.SQLITE.urlPrefix().length()).replaceFirst("\\?.*$", ""))
                : null;
    }

    /**
     * The driver class for the URL: named, not left to DriverManager, because on a Flink cluster each
     * job has its own class loader (see {@link SqlDialect#driverClass}). A database without a dialect
     * here gets the driver DriverManager finds; an SQLException when none accepts the URL.
     */
    public String driverClass() throws SQLException {
        String known = SqlDialect.driverClass(url);
        if (known != null) {
            return known;
        }
        Driver driver = DriverManager.getDriver(url);
        return driver.getClass().getName();
    }

    /** The path of a SQLite file, else the URL with its password starred out: what messages show. */
    public String describe() {
        Path file = sqliteFile();
        return file != null ? file.toString() : JdbcUrls.masked(url);
    }

    @Override
    public String toString() {
        return describe();
    }
}
