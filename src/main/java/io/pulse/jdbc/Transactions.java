package io.pulse.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** One transaction on a connection, begun the dialect's way (SQLite: {@code BEGIN IMMEDIATE}). */
public final class Transactions {
    /** What runs in the transaction. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private Transactions() {}

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public static <T> T run(Connection c, SqlDialect dialect, Work<T> work) throws SQLException {
        dialect.begin(c);
        boolean committed = false;
        try {
            T result = work.run(c);
            dialect.commit(c);
            committed = true;
            return result;
        } finally {
            if (!committed) {
                dialect.rollback(c);
            }
            dialect.end(c);
        }
    }
}
