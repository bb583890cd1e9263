package io.pulse.cli;

import io.pulse.actions.SinkDatabase;
import io.pulse.history.HistoryDatabase;
import io.pulse.history.HistoryTables;
import io.pulse.jdbc.JdbcUrls;
import io.pulse.jdbc.SqlDialect;
import io.pulse.live.KafkaTopic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Up-front checks of what a command talks to, so it fails in one line before it starts anything: a
 * database URL it can use and a database that answers, a Kafka broker that answers, a port that is
 * free. Each failure names the option.
 */
final class Reachability {
    /** How long a database or broker has to answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** The PostgreSQL driver's logger, held so that its level stays set. */
    private static final java.util.logging.Logger PG_LOG = java.util.logging.Logger.getLogger("org.postgresql");

    private Reachability() {}

    /**
     * The database of {@code url} (option {@code option}): a supported, well-formed URL; for SQLite a
     * file that is no directory and, if {@code create}, a directory for it; a PostgreSQL server that
     * answers and lets the URL's user in.
     */
    static SinkDatabase database(String option, String url, boolean create) {
        SinkDatabase db;
        try {
            db = SinkDatabase.of(url);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(option + ": " + masked(e.getMessage()));
        }
        if (db.sqlite()) {
            Path file = db.sqliteFile();
            String name = file.toString();
            if (name.isEmpty() || name.startsWith(":memory:") || name.startsWith("file:")) {
                return db;
            }
            if (create) {
                Args.fileInExistingDirectory(option, file);
            } else if (Files.isDirectory(file)) {
                throw CliFailure.usage(option + ": " + file + " is a directory, not a database file");
            }
            return db;
        }
        postgres(option, url);
        return db;
    }

    /**
     * The history of {@code --history}: a SQLite file that is there, or a database at a JDBC URL
     * that answers, lets the URL's user in and has the tables Pulse reads (else a bad-input failure
     * that names the missing ones).
     */
    static HistoryDatabase history(String option, String pathOrUrl) {
        HistoryDatabase history = HistoryDatabase.of(pathOrUrl);
        if (history.sqlite()) {
            Args.existingFile(option, history.sqliteFile(), "history database", "create one with `pulse generate`");
            return history;
        }
        if (history.url().startsWith(SqlDialect.POSTGRESQL.urlPrefix())) {
            postgres(option, history.url());
        } else {
            otherDatabase(option, history);
        }
        List<String> missing;
        try {
            missing = HistoryTables.missing(history.url());
        } catch (SQLException e) {
            throw CliFailure.unavailable(option + ": cannot read " + history.describe() + ": "
                    + CliErrors.oneLine(masked(e.getMessage())), e);
        }
        if (!missing.isEmpty()) {
            throw CliFailure.badInput(option + ": " + history.describe() + " has no table " + String.join(", ", missing)
                    + " (Pulse reads " + HistoryTables.ALL.size() + " tables: see \"Your own data\" in the README)");
        }
        return history;
    }

    /** A database without a dialect here: its driver on the classpath, and a server that answers. */
    private static void otherDatabase(String option, HistoryDatabase history) {
        Driver driver;
        try {
            driver = DriverManager.getDriver(history.url());
        } catch (SQLException e) {
            throw CliFailure.usage(option + ": no JDBC driver on the classpath takes " + history.describe()
                    + " (give a SQLite file, jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB, or add the database's driver)");
        }
        Properties none = new Properties();
        int before = DriverManager.getLoginTimeout();
        DriverManager.setLoginTimeout((int) TIMEOUT.toSeconds());
        try (Connection c = driver.connect(history.url(), none)) {
            // connected
        } catch (SQLException e) {
            throw CliFailure.unavailable(option + ": cannot connect to " + history.describe() + ": "
                    + CliErrors.oneLine(masked(e.getMessage())), e);
        } finally {
            DriverManager.setLoginTimeout(before);
        }
    }

    /** That a PostgreSQL URL is well-formed, and its server answers within {@link #TIMEOUT} and lets its user in. */
    private static void postgres(String option, String url) {
        // The driver warns of a bad port through java.util.logging, on stderr: the one line below says it.
        java.util.logging.Level driverLevel = PG_LOG.getLevel();
        PG_LOG.setLevel(java.util.logging.Level.OFF);
        Properties parsed;
        try {
            parsed = org.postgresql.Driver.parseURL(url, null);
        } finally {
            PG_LOG.setLevel(driverLevel);
        }
        if (parsed == null) {
            throw CliFailure.usage(option + ": malformed PostgreSQL URL '" + masked(url)
                    + "': use jdbc:postgresql://HOST[:PORT]/DB[?user=NAME&password=SECRET]");
        }
        String where = parsed.getProperty("PGHOST", "localhost") + ":" + parsed.getProperty("PGPORT", "5432") + "/"
                + parsed.getProperty("PGDBNAME", "");
        String user = parsed.getProperty("user", System.getProperty("user.name"));
        Properties timeouts = new Properties();
        long seconds = TIMEOUT.toSeconds();
        timeouts.setProperty("connectTimeout", Long.toString(seconds));
        timeouts.setProperty("loginTimeout", Long.toString(seconds));
        timeouts.setProperty("socketTimeout", Long.toString(2 * seconds));
        try (Connection c = new org.postgresql.Driver().connect(url, timeouts)) {
            if (c == null) {
                throw CliFailure.usage(option + ": malformed PostgreSQL URL '" + masked(url) + "'");
            }
        } catch (SQLException e) {
            throw CliFailure.unavailable(option + ": cannot connect to PostgreSQL at " + where + " as " + user + ": "
                    + CliErrors.oneLine(e.getMessage()) + " (check the host, port, user and password of the URL)", e);
        }
    }

    /** A URL with its password, if any, starred out: messages and logs never show it. */
    static String masked(String text) {
        return JdbcUrls.masked(text);
    }

    /** That a Kafka broker of {@code topic} answers within {@link #TIMEOUT}. */
    static void kafka(String option, KafkaTopic topic) {
        Properties p = new Properties();
        int ms = (int) TIMEOUT.toMillis();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, topic.bootstrapServers());
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        p.setProperty(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        p.setProperty(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Integer.toString(ms));
        p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "pulse-cli-check");
        // The client warns of every failed connection attempt: the one line below says it better.
        Level before = LogManager.getLogger("org.apache.kafka").getLevel();
        Configurator.setLevel("org.apache.kafka", Level.ERROR);
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).nodes().get(ms + 1000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw CliFailure.unavailable(option + ": no Kafka broker answers at " + topic.bootstrapServers() + " within "
                    + TIMEOUT.toSeconds() + " s (is it running? check host:port of " + topic + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.unavailable(option + ": interrupted while reaching Kafka at " + topic.bootstrapServers(), e);
        } finally {
            Configurator.setLevel("org.apache.kafka", before);
        }
    }

    /** That a server can listen on {@code host:port} ({@code host} null: every address). */
    static void freePort(String option, String hostOption, String host, int port) {
        if (port < 0 || port > 65535) {
            throw CliFailure.usage(option + ": port " + port + " is not in 0..65535");
        }
        if (port == 0) {
            return; // any free port
        }
        InetAddress address = null;
        if (host != null) {
            try {
                address = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw CliFailure.usage(hostOption + ": unknown host '" + host + "'");
            }
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw CliFailure.unavailable(option + ": cannot listen on " + (host == null ? "" : host + ":") + "port " + port
                    + ": " + CliErrors.oneLine(e.getMessage()) + " (another program may use it: give another "
                    + option + ")", e);
        }
    }
}
