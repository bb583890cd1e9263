package io.pulse.cli;

import io.pulse.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --history} and {@code generate --out} with JDBC URLs: a PostgreSQL database that wants a
 * password is written and replayed by URL, and the password is printed nowhere.
 */
class HistoryUrlCommandTest {
    private static final String SECRET = "s3cret-history";

    @Test
    void generateIntoPostgresThenReplayFromItWithUserAndPasswordInTheUrl(@TempDir Path dir) throws Exception {
        String history = databaseOfItsOwnRole("pulse_history", SECRET);
        CommandLineErrorsTest.Result generated = CommandLineErrorsTest.pulse("generate", "--companies", "15",
                "--days", "60", "--out", history);
        assertThat(generated.exit()).as(generated.err()).isZero();
        assertThat(generated.out()).contains("Wrote jdbc:postgresql://").contains("password=***")
                .doesNotContain(SECRET);

        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        CommandLineErrorsTest.Result replayed = CommandLineErrorsTest.pulse("replay", "--history", history,
                "--sink", sink, "--parallelism", "1");
        assertThat(replayed.exit()).as(replayed.err()).isZero();
        assertThat(replayed.out()).contains("Replaying jdbc:postgresql://").contains("Replayed ")
                .doesNotContain(SECRET);
        assertThat(replayed.err()).doesNotContain(SECRET);
        assertThat(rows(sink, "SELECT count(DISTINCT customer_id) FROM recommended_actions")).containsExactly("15");
    }

    @Test
    void aSqliteHistoryMayBeGivenAsAPathOrAsAJdbcSqliteUrl(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("history.sqlite");
        assertThat(CommandLineErrorsTest.pulse("generate", "--companies", "3", "--days", "10", "--out",
                "jdbc:sqlite:" + file).exit()).isZero();
        assertThat(Files.isRegularFile(file)).isTrue();
        assertThat(Reachability.history("--history", file.toString()).url()).isEqualTo("jdbc:sqlite:" + file);
        assertThat(Reachability.history("--history", "jdbc:sqlite:" + file + "?open_mode=1").sqliteFile())
                .isEqualTo(file);
    }

    /** A new database owned by a new role that must log in with {@code password}: its URL, password included. */
    private static String databaseOfItsOwnRole(String role, String password) throws Exception {
        String url = EmbeddedPostgresServer.freshDatabaseUrl();
        String database = url.replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
        try (Connection c = DriverManager.getConnection(EmbeddedPostgresServer.adminUrl());
             Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
            s.execute("ALTER DATABASE " + database + " OWNER TO " + role);
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("GRANT ALL ON SCHEMA public TO " + role);
        }
        return url.replaceFirst("\\?.*$", "") + "?user=" + role + "&password=" + password;
    }
}
