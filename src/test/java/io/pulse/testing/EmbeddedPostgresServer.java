package io.pulse.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests (binaries from Maven Central via io.zonky.test), started once
 * per test JVM on first use and stopped when the JVM exits. Each caller gets its own fresh database.
 */
public final class EmbeddedPostgresServer {
    private static EmbeddedPostgres server;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private EmbeddedPostgresServer() {}

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the server's directory is temporary
                }
            }));
        }
        return server;
    }

    /** A JDBC URL of the server's administration database ({@code postgres}, as its superuser). */
    public static String adminUrl() {
        return server().getJdbcUrl("postgres", "postgres");
    }

    /** A JDBC URL of a new, empty database. */
    public static String freshDatabaseUrl() {
        String name = "pulse_" + DATABASES.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return server().getJdbcUrl("postgres", name);
    }
}
