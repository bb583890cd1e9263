package io.pulse.jdbc;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.datasource.connections.JdbcConnectionProvider;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes each JDBC batch of the Flink sink one transaction. The connector's writer runs
 * {@code executeBatch()} with auto-commit on, and SQLite then commits every row on its own;
 * committing once per batch is far faster and keeps a batch all-or-nothing.
 */
public class TransactionalBatchConnectionProvider implements JdbcConnectionProvider {
    private final SimpleJdbcConnectionProvider delegate;
    private transient Connection wrapped;
    private transient Connection wrappedOf;

    public TransactionalBatchConnectionProvider(String url) {
        this.delegate = new SimpleJdbcConnectionProvider(
                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder().withUrl(url)
                        .withDriverName(SqlDialect.driverClass(url)).build());
    }

    @Override
    public Connection getConnection() {
        return wrap(delegate.getConnection());
    }

    @Override
    public boolean isConnectionValid() throws SQLException {
        return delegate.isConnectionValid();
    }

    @Override
    public Connection getOrEstablishConnection() throws SQLException, ClassNotFoundException {
        return wrap(delegate.getOrEstablishConnection());
    }

    @Override
    public void closeConnection() {
        delegate.closeConnection();
        wrapped = null;
        wrappedOf = null;
    }

    @Override
    public Connection reestablishConnection() throws SQLException, ClassNotFoundException {
        closeConnection();
        return getOrEstablishConnection();
    }

    private Connection wrap(Connection connection) {
        if (connection == null) {
            return null;
        }
        if (connection != wrappedOf) {
            try {
                connection.setAutoCommit(false);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot start a transaction on the sink connection", e);
            }
            wrappedOf = connection;
            wrapped = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Connection.class}, new ConnectionHandler(connection));
        }
        return wrapped;
    }

    /** Hands out statements that commit after each batch. */
    private static final class ConnectionHandler implements InvocationHandler {
        private final Connection connection;

        ConnectionHandler(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object result = call(connection, method, args);
            if (result instanceof PreparedStatement ps) {
                return Proxy.newProxyInstance(ConnectionHandler.class.getClassLoader(),
                        new Class<?>[] {PreparedStatement.class}, new StatementHandler(connection, ps));
            }
            return result;
        }
    }

    /** Commits after {@code executeBatch}/{@code executeUpdate}; rolls back when they fail. */
    private static final class StatementHandler implements InvocationHandler {
        private final Connection connection;
        private final Statement statement;

        StatementHandler(Connection connection, Statement statement) {
            this.connection = connection;
            this.statement = statement;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            boolean writes = name.equals("executeBatch") || name.equals("executeUpdate") || name.equals("execute");
            try {
                Object result = call(statement, method, args);
                if (writes) {
                    connection.commit();
                }
                return result;
            } catch (SQLException e) {
                if (writes) {
                    connection.rollback();
                }
                throw e;
            }
        }
    }

    /**
     * The driver's own statement behind one this provider handed out, for binding a row's
     * parameters: through the transaction proxy every setter is a reflective call, a cost paid
     * per column of every row, while only the executes need the proxy.
     */
    public static PreparedStatement driverStatement(PreparedStatement statement) throws SQLException {
        return Proxy.isProxyClass(statement.getClass()) ? statement.unwrap(PreparedStatement.class) : statement;
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
