package io.pulse.jdbc;

import io.pulse.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/** The SQL functions the history queries need give the same values on SQLite and PostgreSQL. */
class HistorySqlDialectTest {
    /** Timestamps as the history schema stores them, and as teams' exports write them. */
    private static final List<String> TEXTS = List.of("2025-03-01 10:15:30", "2025-02-01 02:30:00+08:00",
            "2025-02-01 02:30:00-05:30", "2025-03-01T10:15:30Z", "2025-03-01T10:15:30.750Z", "2025-03-01",
            "2025-03-01 10:15", "last Tuesday", "");

    @Test
    void timestampTextIsReadTheSameWayAsSqliteReadsIt(@TempDir Path dir) throws Exception {
        List<Long> sqlite = epochMillis(SqlDialect.SQLITE, "jdbc:sqlite:" + dir.resolve("t.sqlite"), "TEXT", TEXTS);
        List<Long> postgres = inTimeZone("Asia/Kolkata",
                () -> epochMillis(SqlDialect.POSTGRESQL, EmbeddedPostgresServer.freshDatabaseUrl(), "TEXT", TEXTS));

        assertThat(postgres).isEqualTo(sqlite);
        assertThat(sqlite.get(1)).isEqualTo(Instant.parse("2025-01-31T18:30:00Z").toEpochMilli());
        assertThat(sqlite.get(4)).as("fractions are cut, as unixepoch does").isEqualTo(sqlite.get(3));
        assertThat(sqlite.subList(7, 9)).as("not a time").containsOnlyNulls();
    }

    @Test
    void timestampColumnsOfATeamsOwnTablesAreReadAsUtcWhateverTheSessionTimeZone() throws Exception {
        String url = EmbeddedPostgresServer.freshDatabaseUrl();
        long utc = Instant.parse("2025-03-01T10:15:30Z").toEpochMilli();
        for (String zone : List.of("UTC", "America/New_York", "Asia/Kolkata")) {
            assertThat(inTimeZone(zone, () -> epochMillis(SqlDialect.POSTGRESQL, url,
                    "TIMESTAMP", List.of("2025-03-01 10:15:30")))).as(zone).containsExactly(utc);
            assertThat(inTimeZone(zone, () -> epochMillis(SqlDialect.POSTGRESQL, url, "TIMESTAMPTZ",
                    List.of("2025-03-01 11:15:30+01")))).as(zone).containsExactly(utc);
            assertThat(inTimeZone(zone, () -> epochMillis(SqlDialect.POSTGRESQL, url, "DATE",
                    List.of("2025-03-01")))).as(zone).containsExactly(Instant.parse("2025-03-01T00:00:00Z").toEpochMilli());
        }
    }

    @Test
    void positionAndByteOrderAgree(@TempDir Path dir) throws Exception {
        List<String> words = List.of("b.example", "a-b.example", "ab.example", "B.example", "a.b@c", "é.example");
        assertThat(ordered(SqlDialect.POSTGRESQL, EmbeddedPostgresServer.freshDatabaseUrl(), words))
                .isEqualTo(ordered(SqlDialect.SQLITE, "jdbc:sqlite:" + dir.resolve("o.sqlite"), words));
    }

    /** The dialect's epoch milliseconds of each value stored in a column of {@code type}, in order. */
    private static List<Long> epochMillis(SqlDialect d, String url, String type, List<String> values)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS t");
            s.execute("CREATE TABLE t (n BIGINT, v " + type + ")");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, CAST(? AS " + type + "))")) {
                for (int i = 0; i < values.size(); i++) {
                    ps.setLong(1, i);
                    ps.setString(2, values.get(i));
                    ps.executeUpdate();
                }
            }
            List<Long> millis = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT " + d.epochMillis("v") + " FROM t ORDER BY n")) {
                while (rs.next()) {
                    long v = rs.getLong(1);
                    millis.add(rs.wasNull() ? null : v);
                }
            }
            return millis;
        }
    }

    /** Each word with the position of its first '.', in the dialect's byte order. */
    private static List<String> ordered(SqlDialect d, String url, List<String> words) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE w (v TEXT)");
            for (String w : words) {
                s.execute("INSERT INTO w VALUES ('" + w + "')");
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT v, " + d.position("'.'", "v") + " FROM w ORDER BY "
                    + d.byteOrder("v"))) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getInt(2));
                }
            }
            return rows;
        }
    }

    interface Query<T> {
        T run() throws SQLException;
    }

    /** Runs {@code q} with the JVM's default time zone set to {@code zone}: the PostgreSQL driver sets the session's from it. */
    private static <T> T inTimeZone(String zone, Query<T> q) throws SQLException {
        TimeZone before = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try {
            return q.run();
        } finally {
            TimeZone.setDefault(before);
        }
    }
}
