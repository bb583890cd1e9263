package io.pulse.history;

import io.pulse.events.CustomerEvent;
import io.pulse.events.DeclaredTable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.jdbc.core.datastream.source.JdbcSource;
import org.apache.flink.connector.jdbc.core.datastream.source.JdbcSourceBuilder;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a history database (SQLite, PostgreSQL or another JDBC database: {@link HistoryDatabase})
 * as event streams: a Flink JDBC source per event stream of {@link HistoryQueries}, each read in event-time order by one reader with its own monotonous
 * watermarks. Downstream of their union the watermark is the minimum of all of them, which merges
 * the tables in event time for every operator.
 */
public final class HistorySource {
    /** Rows a database server sends at a time. */
    static final int FETCH_ROWS = 5_000;

    private HistorySource() {}

    /**
     * The time (epoch ms) of the history's last event, Long.MIN_VALUE for an empty history: where
     * live events take over.
     */
    public static long endTime(String historyUrl) throws SQLException {
        return endTime(historyUrl, List.of());
    }

    /** {@link #endTime(String)} over Pulse's tables and the declared {@code tables}. */
    public static long endTime(String historyUrl, List<DeclaredTable> tables) throws SQLException {
        long end = Long.MIN_VALUE;
        HistoryDatabase history = HistoryDatabase.of(historyUrl);
        try (Connection c = DriverManager.getConnection(historyUrl); Statement s = c.createStatement()) {
            for (HistoryQueries.Query q : HistoryQueries.all(history.dialect(), tables)) {
                try (ResultSet rs = s.executeQuery("SELECT max(event_time) FROM (" + q.sql() + ") AS stream")) {
                    if (rs.next() && rs.getObject(1) != null) {
                        end = Math.max(end, rs.getLong(1));
                    }
                }
            }
        }
        return end;
    }

    /**
     * Why each declared table cannot be read from the history at {@code historyUrl} (a missing
     * table or column, as the database says), as {@code file:line: message}; empty when all can.
     */
    public static List<String> unreadableTables(String historyUrl, List<DeclaredTable> tables, String file)
            throws SQLException {
        List<String> problems = new ArrayList<>();
        HistoryDatabase history = HistoryDatabase.of(historyUrl);
        try (Connection c = DriverManager.getConnection(historyUrl)) {
            c.setAutoCommit(true); // one failed query must not abort the next (PostgreSQL)
            for (DeclaredTable t : tables) {
                String sql = "SELECT * FROM (" + HistoryQueries.declared(history.dialect(), t).sql() + ") AS rows_of_table"
                        + " WHERE 1 = 0";
                try (Statement s = c.createStatement()) {
                    s.executeQuery(sql).close();
                } catch (SQLException e) {
                    problems.add(file + ":" + t.line() + ": table " + t.name() + " (" + t.table() + ", columns "
                            + t.columnNames() + ") cannot be read from the history " + history.describe() + ": "
                            + firstLine(e.getMessage()));
                }
            }
        }
        return problems;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("").trim();
    }

    /**
     * One stream per {@link HistoryQueries} query of the history at {@code historyUrl} (a JDBC URL),
     * and one per table the rule pack declares.
     */
    public static List<DataStream<CustomerEvent>> read(StreamExecutionEnvironment env, String historyUrl,
                                                       List<DeclaredTable> tables) {
        HistoryDatabase history = HistoryDatabase.of(historyUrl);
        String driver = driverClass(history);
        boolean accountOwners;
        try {
            accountOwners = HistoryTables.hasAccountOwners(historyUrl);
        } catch (SQLException unreachable) {
            accountOwners = false; // the sources report an unreachable history when the job starts
        }
        List<DataStream<CustomerEvent>> all = new ArrayList<>();
        for (HistoryQueries.Query q : HistoryQueries.all(history.dialect(), tables, accountOwners)) {
            JdbcSourceBuilder<CustomerEvent> builder = JdbcSource.<CustomerEvent>builder()
                    .setDBUrl(historyUrl)
                    .setDriverName(driver)
                    .setSql(q.sql())
                    .setResultExtractor(q.extractor())
                    .setTypeInformation(TypeInformation.of(CustomerEvent.class));
            if (!history.sqlite()) {
                // A server streams the rows through a cursor, FETCH_ROWS at a time, instead of
                // sending the whole table at once (PostgreSQL does that only outside auto-commit).
                builder.setAutoCommit(false).setResultSetFetchSize(FETCH_ROWS);
            }
            JdbcSource<CustomerEvent> source = builder.build();
            DataStream<CustomerEvent> events = env
                    .fromSource(source, WatermarkStrategy.<CustomerEvent>forMonotonousTimestamps()
                            .withTimestampAssigner((e, previous) -> e.eventTime), "History: " + q.name())
                    .uid("history-" + q.name())
                    .setParallelism(1) // one ordered reader keeps the ORDER BY order
                    .flatMap(new ReadPosition())
                    .uid("history-" + q.name() + "-position")
                    .name("Read position: " + q.name())
                    .setParallelism(1);
            all.add(events);
        }
        return all;
    }

    private static String driverClass(HistoryDatabase history) {
        try {
            return history.driverClass();
        } catch (SQLException e) {
            throw new IllegalArgumentException("no JDBC driver for the history " + history.describe()
                    + " on the classpath: " + e.getMessage(), e);
        }
    }
}
