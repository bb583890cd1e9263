package io.pulse.cli;

import io.pulse.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command-line mistake, through the real entry point: the exit code, one line on stderr that
 * names the argument, and no stack trace. No case gets as far as starting a Flink job.
 */
class CommandLineErrorsTest {
    @TempDir
    static Path dir;

    static Path history;
    static Path file;
    static Path emptyDir;
    static Path nope;
    static Path queue;
    static String sqliteSink;
    /** A local port nothing listens on. */
    static int closedPort;
    /** A local port the test holds. */
    static ServerSocket held;
    static String pgClosed;
    static String pgWrongPassword;
    /** A PostgreSQL database that answers but has none of the history tables. */
    static String pgEmpty;

    @BeforeAll
    static void setUp() throws Exception {
        history = Files.createFile(dir.resolve("history.sqlite"));
        file = Files.writeString(dir.resolve("notes.txt"), "not a directory");
        emptyDir = Files.createDirectories(dir.resolve("empty"));
        nope = dir.resolve("nope");
        queue = Files.createFile(dir.resolve("queue.sqlite"));
        sqliteSink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        pgClosed = "jdbc:postgresql://127.0.0.1:" + closedPort + "/pulse?user=pulse";
        pgWrongPassword = passwordProtectedUrl("wrong");
        pgEmpty = EmbeddedPostgresServer.freshDatabaseUrl();
    }

    @AfterAll
    static void tearDown() throws IOException {
        held.close();
    }

    /**
     * A URL of the embedded PostgreSQL as a role that must give its password (the server trusts
     * everyone else, as other tests expect): pg_hba.conf gets a first line for that role alone.
     */
    private static String passwordProtectedUrl(String password) throws Exception {
        String admin = EmbeddedPostgresServer.adminUrl();
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pulse_pw') THEN "
                    + "CREATE ROLE pulse_pw LOGIN PASSWORD 'right'; END IF; END $$");
            String hba;
            try (ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = rs.getString(1);
            }
            Path hbaFile = Path.of(hba);
            String rules = Files.readString(hbaFile);
            if (!rules.contains("pulse_pw")) {
                Files.writeString(hbaFile, "host all pulse_pw 127.0.0.1/32 scram-sha-256\n"
                        + "host all pulse_pw ::1/128 scram-sha-256\n" + rules);
                s.execute("SELECT pg_reload_conf()");
            }
        }
        return admin.replaceFirst("\\?.*$", "") + "?user=pulse_pw&password=" + password;
    }

    record Result(int exit, String out, String err) {}

    /** Runs {@code pulse args...} in this JVM as {@link PulseCli#main} does, capturing stdout and stderr. */
    static Result pulse(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        int exit;
        try {
            PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
            System.setOut(o);
            System.setErr(e);
            exit = PulseCli.commandLine(new PrintWriter(o, true), new PrintWriter(e, true)).execute(args);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static final List<Arguments> CASES = new ArrayList<>();

    private static void add(int exit, String names, String... args) {
        CASES.add(Arguments.of(String.join(" ", args), exit, names, args));
    }

    /** {@code base} with {@code more}: an option of {@code more} that {@code base} has gets the new value. */
    private static String[] concat(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        for (int i = 0; i < more.length; i++) {
            int at = all.indexOf(more[i]);
            boolean hasValue = i + 1 < more.length && !more[i + 1].startsWith("--");
            if (at >= 0 && hasValue && more[i].startsWith("--")) {
                all.set(at + 1, more[++i]);
            } else {
                all.add(more[i]);
            }
        }
        return all.toArray(String[]::new);
    }

    static Stream<Arguments> cases() {
        CASES.clear();
        String h = history.toString();
        String f = file.toString();
        String e = emptyDir.toString();
        String n = nope.toString();
        String d = dir.toString();
        String q = "jdbc:sqlite:" + queue;
        String heldPort = Integer.toString(held.getLocalPort());

        add(2, "--bogus", "--bogus");
        add(2, "frobnicate", "frobnicate");

        // demo
        add(2, "--bogus", "demo", "--bogus");
        add(2, "--dir", "demo", "--dir", f);
        add(2, "--rules", "demo", "--dir", d, "--rules", n);
        add(2, "--rules", "demo", "--dir", d, "--rules", f);
        add(2, "--rules", "demo", "--dir", d, "--rules", e);
        add(2, "--companies", "demo", "--dir", d, "--companies", "many");
        add(2, "--companies", "demo", "--dir", d, "--companies", "0");

        // generate
        add(2, "--bogus", "generate", "--out", d + "/h.sqlite", "--bogus");
        add(2, "--out", "generate");
        add(2, "--out", "generate", "--out", d);
        add(2, "--out", "generate", "--out", f + "/h.sqlite");
        add(2, "--start", "generate", "--out", d + "/h.sqlite", "--start", "March");
        add(2, "--days", "generate", "--out", d + "/h.sqlite", "--days", "a-year");
        add(2, "--days", "generate", "--out", d + "/h.sqlite", "--days", "0");
        add(2, "--out", "generate", "--out", "jdbc:mysql://db/pulse");
        add(2, "--out", "generate", "--out", "jdbc:postgresql://db:port/pulse");
        add(4, "--out", "generate", "--out", pgClosed);
        add(4, "--out", "generate", "--out", pgWrongPassword);

        // replay
        String[] replay = {"replay", "--history", h, "--rules", "rules", "--sink", sqliteSink};
        add(2, "--bogus", concat(replay, "--bogus"));
        add(2, "--sink", "replay", "--history", h);
        add(2, "--history", "replay", "--history", n, "--sink", sqliteSink);
        add(2, "--history", "replay", "--history", d, "--sink", sqliteSink);
        add(2, "--history", "replay", "--history", "jdbc:sqlite:" + n, "--sink", sqliteSink);
        add(2, "--history", "replay", "--history", "jdbc:postgresql://db:port/pulse", "--sink", sqliteSink);
        add(2, "--history", "replay", "--history", "jdbc:nosuchdb://db/pulse", "--sink", sqliteSink);
        add(4, "--history", "replay", "--history", pgClosed, "--sink", sqliteSink);
        add(4, "--history", "replay", "--history", pgWrongPassword, "--sink", sqliteSink);
        add(1, "--history", "replay", "--history", pgEmpty, "--sink", sqliteSink);
        add(2, "--rules", concat(replay, "--rules", n));
        add(2, "--rules", concat(replay, "--rules", f));
        add(2, "--rules", concat(replay, "--rules", e));
        add(2, "--sink", concat(replay, "--sink", "mysql://x"));
        add(2, "--sink", concat(replay, "--sink", "jdbc:postgresql://db:port/pulse"));
        add(2, "--sink", concat(replay, "--sink", "jdbc:sqlite:" + n + "/actions.sqlite"));
        add(2, "--sink", concat(replay, "--sink", "jdbc:sqlite:" + d));
        add(4, "--sink", concat(replay, "--sink", pgClosed));
        add(4, "--sink", concat(replay, "--sink", pgWrongPassword));
        add(2, "--cadence", concat(replay, "--cadence", "daily"));
        add(2, "--cadence", concat(replay, "--cadence", "PT7M"));
        add(2, "--checkpoint-interval", concat(replay, "--checkpoint-interval", "10s"));
        add(2, "--checkpoints", concat(replay, "--checkpoints", f));
        add(2, "--resume-from", concat(replay, "--resume-from", n));
        add(2, "--state-backend", concat(replay, "--state-backend", "disk"));
        add(2, "--parallelism", concat(replay, "--parallelism", "two"));

        // live
        String[] live = {"live", "--history", h, "--events", d + "/live", "--sink", sqliteSink};
        add(2, "--bogus", concat(live, "--bogus"));
        add(2, "--events", "live", "--history", h, "--sink", sqliteSink);
        add(2, "--history", "live", "--history", n, "--events", d + "/live", "--sink", sqliteSink);
        add(4, "--history", "live", "--history", pgClosed, "--events", d + "/live", "--sink", sqliteSink);
        add(1, "--history", "live", "--history", pgEmpty, "--events", d + "/live", "--sink", sqliteSink);
        add(2, "--events", concat(live, "--events", f));
        add(2, "--events", concat(live, "--events", "kafka://127.0.0.1/customer-events"));
        add(4, "--events", concat(live, "--events", "kafka://127.0.0.1:" + closedPort + "/customer-events"));
        add(2, "--rules", concat(live, "--rules", n));
        add(2, "--sink", concat(live, "--sink", "mysql://x"));
        add(4, "--sink", concat(live, "--sink", pgClosed));
        add(2, "--lateness", concat(live, "--lateness", "200ms"));
        add(2, "--live-cadence", concat(live, "--live-cadence", "PT7M"));
        add(2, "--sink-flush-interval", concat(live, "--sink-flush-interval", "PT0S"));
        add(2, "--web-port", concat(live, "--web-ui", "--web-port", "eighty"));
        add(4, "--web-port", concat(live, "--web-ui", "--web-port", heldPort));

        // backtest
        String[] backtest = {"backtest", "--history", h, "--from", "2025-03-01", "--to", "2025-04-01", "--out", d + "/bt"};
        add(2, "--bogus", concat(backtest, "--bogus"));
        add(2, "--history", "backtest", "--history", n, "--from", "2025-03-01", "--to", "2025-04-01", "--out", d + "/bt");
        add(2, "--history", "backtest", "--history", d, "--from", "2025-03-01", "--to", "2025-04-01", "--out", d + "/bt");
        add(4, "--history", concat(backtest, "--history", pgClosed));
        add(4, "--history", concat(backtest, "--history", pgWrongPassword));
        add(1, "--history", concat(backtest, "--history", pgEmpty));
        add(2, "--rules", concat(backtest, "--rules", n));
        add(2, "--challenger", concat(backtest, "--challenger", f));
        add(2, "--from", concat(backtest, "--from", "March"));
        add(2, "--to", concat(backtest, "--to", "2025-13-01"));
        add(2, "--to", concat(backtest, "--to", "2025-02-01"));
        add(2, "--horizon", concat(backtest, "--horizon", "ninety days"));
        add(2, "--out", concat(backtest, "--out", f));
        add(2, "--team-size", concat(backtest, "--team-size", "0"));
        add(2, "--capacity", concat(backtest, "--capacity", "20"));
        add(2, "--capacity", concat(backtest, "--team-size", "4", "--capacity", "-1"));
        add(2, "--team", concat(backtest, "--team", "jdbc:sqlite:" + d + "/actions.sqlite", "--team-size", "4"));

        // rules
        for (String sub : List.of("validate", "test")) {
            add(2, "--bogus", "rules", sub, "--bogus");
            add(2, "DIR", "rules", sub, n);
            add(2, "DIR", "rules", sub, f);
            add(2, "DIR", "rules", sub, e);
        }

        // queue
        add(2, "--bogus", "queue", "--bogus");
        for (String[] command : List.of(new String[] {"next", "--agent", "dana"}, new String[] {"list"},
                new String[] {"show", "1"}, new String[] {"claim", "1", "--agent", "dana"},
                new String[] {"release", "1", "--agent", "dana"},
                new String[] {"done", "1", "--agent", "dana", "--outcome", "saved"},
                new String[] {"dismiss", "1", "--agent", "dana"},
                new String[] {"snooze", "1", "--agent", "dana", "--until", "P3D"}, new String[] {"cooldown"})) {
            String[] base = concat(new String[] {"queue"}, command);
            add(2, "--bogus", concat(base, "--sink", q, "--bogus"));
            add(2, "--sink", concat(base, "--sink", "mysql://x"));
            add(1, "--sink", concat(base, "--sink", "jdbc:sqlite:" + n + ".sqlite"));
            add(4, "--sink", concat(base, "--sink", pgClosed));
        }
        add(2, "--sink", "queue", "list", "--sink", "jdbc:sqlite:" + d);
        add(2, "--sink", "queue", "list", "--sink", "jdbc:postgresql://db:port/pulse");
        add(4, "--sink", "queue", "list", "--sink", pgWrongPassword);
        add(2, "ID", "queue", "show", "first", "--sink", q);
        add(2, "--count", "queue", "next", "--agent", "dana", "--count", "all", "--sink", q);
        add(1, "--limit", "queue", "list", "--limit", "0", "--sink", q);
        add(1, "--status", "queue", "list", "--status", "pending", "--sink", q);
        add(1, "--outcome", "queue", "done", "1", "--agent", "dana", "--outcome", "won", "--sink", q);
        add(1, "--until", "queue", "snooze", "1", "--agent", "dana", "--until", "someday", "--sink", q);
        add(2, "--set", "queue", "cooldown", "--set", "URGENT_RETAIN=two-weeks", "--sink", q);
        add(2, "--agent", "queue", "claim", "1", "--agent", "", "--sink", q);

        // deadletters
        add(2, "--bogus", "deadletters", "list", "--bogus");
        add(2, "--sink", "deadletters", "list", "--sink", "mysql://x");
        add(2, "--sink", "deadletters", "list", "--sink", "jdbc:sqlite:" + d);
        add(1, "--sink", "deadletters", "list", "--sink", "jdbc:sqlite:" + n + ".sqlite");
        add(4, "--sink", "deadletters", "list", "--sink", pgClosed);
        add(1, "--limit", "deadletters", "list", "--limit", "0", "--sink", q);
        add(2, "--limit", "deadletters", "list", "--limit", "many", "--sink", q);
        String[] resend = {"deadletters", "replay", "--sink", q, "--events", dir.resolve("live").toString()};
        add(2, "--reason", resend);
        add(2, "--all", concat(resend, "--all", "--reason", "late"));
        add(2, "--id", concat(resend, "--id", "first"));
        add(1, "--id", concat(resend, "--id", "12345"));
        add(2, "--events", "deadletters", "replay", "--all", "--sink", q, "--events", f);
        add(2, "--events", "deadletters", "replay", "--all", "--sink", q, "--events", "kafka://nohost");
        add(4, "--events", "deadletters", "replay", "--all", "--sink", q, "--events",
                "kafka://127.0.0.1:" + closedPort + "/events");
        add(1, "--sink", "deadletters", "replay", "--all", "--sink", "jdbc:sqlite:" + n + ".sqlite");
        add(4, "--sink", "deadletters", "replay", "--all", "--sink", pgClosed);

        // serve
        String[] serve = {"serve", "--token", "dana:0123456789abcdef", "--sink", q, "--port", "0"};
        add(2, "--bogus", concat(serve, "--bogus"));
        add(4, "--port", concat(serve, "--port", heldPort));
        add(2, "--port", concat(serve, "--port", "http"));
        add(2, "--port", concat(serve, "--port", "70000"));
        add(2, "--tokens-file", concat(serve, "--tokens-file", n));
        add(2, "--tokens-file", concat(serve, "--tokens-file", d));
        add(2, "--token", "serve", "--token", "dana", "--sink", q, "--port", "0");
        add(2, "--sink", concat(serve, "--sink", "mysql://x"));
        add(1, "--sink", concat(serve, "--sink", "jdbc:sqlite:" + n + ".sqlite"));
        add(4, "--sink", concat(serve, "--sink", pgClosed));
        add(4, "--sink", concat(serve, "--sink", pgWrongPassword));
        add(2, "--ingest-token", concat(serve, "--ingest-token", "hook"));
        add(2, "--ingest-tokens-file", concat(serve, "--ingest-tokens-file", n));
        String[] ingest = concat(serve, "--ingest-token", "hook:0123456789abcdef");
        add(2, "--events", concat(ingest, "--events", "kafka://nohost/topic"));
        add(2, "--events", concat(ingest, "--events", f));
        add(2, "--max-line-bytes", concat(ingest, "--max-line-bytes", "0"));

        // report portfolio
        add(2, "--bogus", "report", "portfolio", "--bogus");
        add(2, "--sink", "report", "portfolio", "--sink", "mysql://x");
        add(1, "--sink", "report", "portfolio", "--sink", "jdbc:sqlite:" + n + ".sqlite");
        add(4, "--sink", "report", "portfolio", "--sink", pgClosed);
        add(4, "--sink", "report", "portfolio", "--sink", pgWrongPassword);
        add(1, "--rules", "report", "portfolio", "--sink", q, "--rules", n);
        return CASES.stream();
    }

    @ParameterizedTest(name = "pulse {0}")
    @MethodSource("cases")
    void aMistakeIsOneLineThatNamesTheArgumentAndAnExitCode(String line, int exit, String names, String[] args) {
        Result r = pulse(args);
        String err = r.err().strip();
        assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(exit);
        assertThat(err).as("stderr").isNotEmpty().doesNotContain("\n");
        assertThat(err).as("stderr").contains(names).startsWith("pulse").doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void aWrongPasswordIsReportedInTheServersWords() {
        Result r = pulse("queue", "list", "--sink", pgWrongPassword);
        assertThat(r.err()).contains("--sink: cannot connect to PostgreSQL at ")
                .contains("as pulse_pw: FATAL: password authentication failed for user \"pulse_pw\"")
                .doesNotContain("wrong");
    }

    @Test
    void anUnreachableHistoryIsOneLineThatNeverShowsThePassword() {
        Result r = pulse("replay", "--history", pgWrongPassword, "--sink", sqliteSink);
        assertThat(r.exit()).isEqualTo(PulseCli.UNAVAILABLE);
        assertThat(r.err()).contains("pulse replay: --history: cannot connect to PostgreSQL at ")
                .contains("password authentication failed").doesNotContain("wrong");

        Result empty = pulse("backtest", "--history", pgEmpty, "--from", "2025-03-01", "--to", "2025-04-01",
                "--out", dir.resolve("bt").toString());
        assertThat(empty.err()).contains("--history: ").contains(" has no table intercom__company_enhanced, ")
                .contains("pulse__customer_outcomes (Pulse reads 12 tables");
    }

    @Test
    void verbosePrintsTheStackTraceAfterTheLine() {
        Result r = pulse("replay", "--history", history.toString(), "--sink", pgClosed, "--verbose");
        assertThat(r.exit()).isEqualTo(4);
        String[] lines = r.err().split("\n");
        assertThat(lines[0]).startsWith("pulse replay: --sink: cannot connect to PostgreSQL at 127.0.0.1:" + closedPort);
        assertThat(r.err()).contains("\tat ").contains("PSQLException");
    }

    @picocli.CommandLine.Command(name = "broken")
    static final class Broken implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            throw new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("/gone/file"));
        }
    }

    @Test
    void anUnexpectedFailureIsOneLineThatPointsToTheLog() {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = PulseCli.commandLine(new PrintWriter(new java.io.StringWriter()), new PrintWriter(err));
        cli.addSubcommand(new Broken());
        cli.setExecutionExceptionHandler(new CliErrors()).setErr(new PrintWriter(err));
        assertThat(cli.execute("broken")).isEqualTo(1);
        assertThat(err.toString().strip()).startsWith("pulse broken: no such file or directory: /gone/file (the stack "
                + "trace is in ").endsWith("; --verbose prints it)").doesNotContain("\n");
    }

    @Test
    void helpListsTheExitCodes() {
        Result r = pulse("--help");
        assertThat(r.out()).contains("Exit codes:").contains("4   unavailable").contains("--verbose");
    }
}
