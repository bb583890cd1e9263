package io.pulse.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Reads a sink database while a live job writes to it, and waits for what a test expects there. */
public final class SinkPolling {
    private SinkPolling() {}

    /** Polls until {@code condition} holds; after 90 s fails with {@code what} and the {@code state} then. */
    public static void waitFor(String what, BooleanSupplier condition, Supplier<String> state) throws InterruptedException {
        waitFor(what, Duration.ofSeconds(90), condition, state);
    }

    /** Polls until {@code condition} holds; after {@code limit} fails with {@code what} and the {@code state} then. */
    public static void waitFor(String what, Duration limit, BooleanSupplier condition, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + limit.toMillis();
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; " + state.get());
            }
            Thread.sleep(200);
        }
    }

    /**
     * Polls until {@code sql}'s count is positive and has not changed for 3 s (a burst of writes is
     * over); after 3 minutes fails with the count then.
     */
    public static void waitForStableCount(String url, String sql) throws InterruptedException {
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(3).toMillis();
        long last = -1;
        int stableFor = 0;
        while (stableFor < 15) {
            long now = count(url, sql);
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for a positive count that stays put for 3 s of " + sql
                        + "; last " + last + ", now " + now);
            }
            stableFor = now == last && now > 0 ? stableFor + 1 : 0;
            last = now;
            Thread.sleep(200);
        }
    }

    public static long count(String url, String sql) {
        List<String> rows = strings(url, sql);
        return rows.isEmpty() ? 0 : Long.parseLong(rows.get(0));
    }

    /** The first column of each row; empty when the read met the writer's lock (the caller polls again). */
    public static List<String> strings(String url, String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (Exception e) {
            return List.of();
        }
        return out;
    }
}
