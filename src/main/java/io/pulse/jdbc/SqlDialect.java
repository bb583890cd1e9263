package io.pulse.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What differs between the databases Pulse reads and writes: the driver, the URL's defaults, the
 * schema resource, row locks, how a write transaction starts, and the few SQL functions the history
 * queries need (times, string search, byte-wise text order). Everything else is the same SQL.
 */
public enum SqlDialect {
    /**
     * One file; one writer at a time. BEGIN IMMEDIATE takes the write lock up front (waiting up to
     * the busy timeout), so a read-then-update is never interleaved; there are no row locks.
     */
    SQLITE("sqlite", "jdbc:sqlite:", "org.sqlite.JDBC", "id INTEGER PRIMARY KEY AUTOINCREMENT") {
        /**
         * WAL (a reader never blocks the writer), a busy timeout (parallel writers and queue agents
         * wait for each other instead of failing) and {@code synchronous=NORMAL} (WAL's recommended
         * setting: a commit survives a crash of the process, not necessarily of the machine), unless
         * the URL sets them.
         */
        @Override
        public String withDefaults(String url) {
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
            return u.toString();
        }

        @Override
        public void begin(Connection c) throws SQLException {
            execute(c, "BEGIN IMMEDIATE");
        }

        @Override
        public void commit(Connection c) throws SQLException {
            execute(c, "COMMIT");
        }

        @Override
        public void rollback(Connection c) throws SQLException {
            execute(c, "ROLLBACK");
        }

        @Override
        public void end(Connection c) {}

        @Override
        public String forUpdate() {
            return "";
        }

        @Override
        public String forUpdateSkipLocked() {
            return "";
        }

        @Override
        public String indexedBy(String index) {
            return " INDEXED BY " + index;
        }

        @Override
        public String epochMillis(String timestamp) {
            return "unixepoch(" + timestamp + ") * 1000";
        }

        @Override
        public String position(String needle, String text) {
            return "instr(" + text + ", " + needle + ")";
        }

        @Override
        public String byteOrder(String text) {
            return text; // SQLite compares text byte-wise (BINARY) unless told otherwise
        }

        @Override
        public String integerKey() {
            return "INTEGER PRIMARY KEY"; // the rowid itself: no second index
        }
    },

    /** A server with row locks: writers in parallel, a claim skips rows another agent holds. */
    POSTGRESQL("postgresql", "jdbc:postgresql:", "org.postgresql.Driver", "id BIGSERIAL PRIMARY KEY") {
        @Override
        public String withDefaults(String url) {
            return url;
        }

        @Override
        public void begin(Connection c) throws SQLException {
            c.setAutoCommit(false);
        }

        @Override
        public void commit(Connection c) throws SQLException {
            c.commit();
        }

        @Override
        public void rollback(Connection c) throws SQLException {
            c.rollback();
        }

        @Override
        public void end(Connection c) throws SQLException {
            c.setAutoCommit(true);
        }

        @Override
        public String forUpdate() {
            return " FOR UPDATE";
        }

        @Override
        public String forUpdateSkipLocked() {
            return " FOR UPDATE SKIP LOCKED";
        }

        @Override
        public String indexedBy(String index) {
            return ""; // the planner weighs a partial index by its statistics
        }

        /**
         * Through the text form, so the session's time zone never matters: a TEXT column as the
         * history schema writes it, a {@code timestamptz} (its text has an offset), a
         * {@code timestamp} or a {@code date} (read as UTC). Text of another shape is NULL, as
         * SQLite's {@code unixepoch} makes it; a well-shaped but impossible date fails the query.
         */
        @Override
        public String epochMillis(String timestamp) {
            String text = "CAST(" + timestamp + " AS TEXT)";
            return "CAST(floor(extract(epoch FROM CAST(CASE WHEN " + text + " ~ '" + TIMESTAMP_SHAPE + "' THEN "
                    + text + " || CASE WHEN " + text + " ~ '" + OFFSET_AT_END + "' THEN '' ELSE ' UTC' END END"
                    + " AS TIMESTAMPTZ))) AS BIGINT) * 1000";
        }

        @Override
        public String position(String needle, String text) {
            return "strpos(" + text + ", " + needle + ")";
        }

        @Override
        public String byteOrder(String text) {
            return text + " COLLATE \"C\"";
        }

        @Override
        public String integerKey() {
            return "BIGINT PRIMARY KEY";
        }
    };

    /** An ISO-8601 date, optionally with a time (space or T), fractions and an offset or Z. */
    private static final String TIMESTAMP_SHAPE =
            "^\\d{4}-\\d\\d-\\d\\d([ T]\\d\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?\\s*(Z|[+-]\\d\\d(:?\\d\\d)?)?)?$";
    /** A time followed by its offset or Z (a bare date's day is no offset). */
    private static final String OFFSET_AT_END = "\\d\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?\\s*(Z|[+-]\\d\\d(:?\\d\\d)?)$";

    private final String id;
    private final String urlPrefix;
    private final String driverClass;
    private final String idColumn;

    SqlDialect(String id, String urlPrefix, String driverClass, String idColumn) {
        this.id = id;
        this.urlPrefix = urlPrefix;
        this.driverClass = driverClass;
        this.idColumn = idColumn;
    }

    /** The dialect of a JDBC URL; an IllegalArgumentException that names both supported kinds for any other. */
    public static SqlDialect of(String url) {
        for (SqlDialect d : values()) {
            if (url.startsWith(d.urlPrefix)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unsupported database URL '" + url
                + "': use jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB");
    }

    /**
     * The JDBC driver class for a URL, null for a database without a dialect here. Connectors name
     * it rather than ask DriverManager: on a Flink session cluster every job has its own class
     * loader, and DriverManager hands a driver registered by an earlier job's loader to no later job.
     */
    public static String driverClass(String url) {
        for (SqlDialect d : values()) {
            if (url.startsWith(d.urlPrefix)) {
                return d.driverClass;
            }
        }
        return null;
    }

    /** The short name a dialect's own SQL resources carry, e.g. {@code history-trigger-<id>.sql}. */
    public String id() {
        return id;
    }

    /** The column definition of a generated {@code id} primary key, for {@code ${id}} in a schema. */
    public String idColumn() {
        return idColumn;
    }

    public String urlPrefix() {
        return urlPrefix;
    }

    /** The URL with this database's recommended options added where it does not set them. */
    public abstract String withDefaults(String url);

    /** Starts a write transaction on a connection in auto-commit mode. */
    public abstract void begin(Connection c) throws SQLException;

    public abstract void commit(Connection c) throws SQLException;

    public abstract void rollback(Connection c) throws SQLException;

    /** Returns the connection to auto-commit mode after {@link #commit} or {@link #rollback}. */
    public abstract void end(Connection c) throws SQLException;

    /** Appended to a SELECT that reads a row the transaction will update. */
    public abstract String forUpdate();

    /** Appended to a SELECT that picks one of many rows for this transaction alone. */
    public abstract String forUpdateSkipLocked();

    /**
     * After a table name: read it through {@code index}. SQLite, without statistics, would take a
     * wider index whose first column the query constrains over a small partial one.
     */
    public abstract String indexedBy(String index);

    /**
     * SQL for a timestamp's epoch milliseconds, truncated to the second (as SQLite's
     * {@code unixepoch}): ISO-8601 text, UTC unless an offset such as {@code +08:00} follows; NULL
     * when the value is NULL or not a timestamp.
     */
    public abstract String epochMillis(String timestamp);

    /** SQL for the 1-based position of {@code needle} in {@code text}, 0 when it is not there. */
    public abstract String position(String needle, String text);

    /** {@code text} compared byte-wise, whatever the database's collation: the same order everywhere. */
    public abstract String byteOrder(String text);

    /** The column type of an integer primary key the writer gives (no generated values). */
    public abstract String integerKey();

    /** True when the database takes one writer at a time, so parallel writers only wait for each other. */
    public boolean singleWriter() {
        return this == SQLITE;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
