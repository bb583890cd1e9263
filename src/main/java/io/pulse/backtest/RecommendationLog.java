package io.pulse.backtest;

import io.pulse.actions.ActionSink;
import io.pulse.model.Recommendation;
import io.pulse.jdbc.TransactionalBatchConnectionProvider;
import io.pulse.model.DeadLetter;
import io.pulse.job.PulseJob;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A backtest's own record of what the pipeline emitted: every recommendation change (an action
 * opened, changed or retired as SUPERSEDED) appended to {@code recommendation_log} in a SQLite
 * file of the run's output directory, never the live queue. A replay's queue keeps only the last
 * row per (customer, action); the log keeps each change with the event time it is valid as of,
 * which is what scoring against outcomes needs.
 *
 * <p>A SUPERSEDED change arrives key only ({@link Recommendation#retired}): its row copies the
 * content of the pair's previous row, the one it retires.
 *
 * <p>Append-only yet idempotent: the pipeline emits at most one change per (customer, action,
 * valid-as-of), so that is the key, and a re-delivery after a restart is ignored.
 */
public final class RecommendationLog {
    /** The log's columns, as bound by the sink; {@code status} is the pipeline's. */
    private static final List<String> COLUMN_LIST = List.of("customer_id", "action", "family", "value_tier",
            "risk_tier", "health_band", "health_score", "predicted_6m_revenue", "priority", "due_at", "playbook",
            "reasons", "ruleset_version", "valid_as_of", "status");
    static final String COLUMNS = String.join(", ", COLUMN_LIST);
    /** What a SUPERSEDED row does not carry (it is key only): copied from the pair's previous row. */
    private static final Set<String> CONTENT = Set.of("family", "value_tier", "risk_tier", "health_band",
            "health_score", "predicted_6m_revenue", "priority", "due_at", "playbook", "reasons");

    /** (SQLite parses INSERT ... SELECT ... ON CONFLICT only with a WHERE.) */
    static final String INSERT = "INSERT INTO recommendation_log (" + COLUMNS + ")"
            + " SELECT " + COLUMN_LIST.stream().map(c -> CONTENT.contains(c)
                    ? ActionSink.keptWhenRetired("v.status", "previous", c) : "v." + c).collect(Collectors.joining(", "))
            + " FROM (SELECT " + COLUMN_LIST.stream().map(c -> "? AS " + c).collect(Collectors.joining(", ")) + ") v"
            + " LEFT JOIN recommendation_log previous ON previous.seq = (SELECT max(seq) FROM recommendation_log"
            + " WHERE customer_id = v.customer_id AND action = v.action)"
            + " WHERE true ON CONFLICT DO NOTHING";

    private static final String INSERT_DEAD_LETTER =
            "INSERT INTO dead_letters (source, reason, raw, event_time) VALUES (?, ?, ?, ?)";

    private RecommendationLog() {}

    /** WAL and a busy timeout, as for the queue: the sink writes while nothing else reads. */
    public static String url(java.nio.file.Path file) {
        return "jdbc:sqlite:" + file + "?journal_mode=WAL&busy_timeout=60000";
    }

    /** Creates the log's tables in a new (or emptied) database. */
    public static void create(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS recommendation_log");
            s.execute("DROP TABLE IF EXISTS dead_letters");
            s.execute("CREATE TABLE recommendation_log (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " customer_id TEXT NOT NULL, action TEXT NOT NULL, family TEXT, value_tier TEXT, risk_tier TEXT,"
                    + " health_band TEXT, health_score REAL, predicted_6m_revenue REAL, priority INTEGER, due_at TEXT,"
                    + " playbook TEXT, reasons TEXT, ruleset_version TEXT, valid_as_of TEXT NOT NULL,"
                    + " status TEXT NOT NULL, UNIQUE (customer_id, action, valid_as_of))");
            s.execute("CREATE TABLE dead_letters (source TEXT, reason TEXT, raw TEXT, event_time TEXT)");
        }
    }

    /** The job's sinks for a backtest: recommendation changes and dead letters into the log. */
    public static PulseJob.Sinks sinks(String url) {
        return (output, batching) -> {
            output.recommendations().sinkTo(JdbcSink.<Recommendation>builder()
                            .withExecutionOptions(batching.executionOptions())
                            .withQueryStatement(INSERT, RecommendationLog::bind)
                            .buildAtLeastOnce(new TransactionalBatchConnectionProvider(url)))
                    // SQLite has one writer: one task.
                    .name("Recommendation log (JDBC append)").uid("sink-recommendation-log").setParallelism(1);
            output.deadLetters().sinkTo(JdbcSink.<DeadLetter>builder()
                            .withExecutionOptions(batching.executionOptions())
                            .withQueryStatement(INSERT_DEAD_LETTER, (ps, d) -> {
                                ps.setString(1, d.source);
                                ps.setString(2, d.reason);
                                ps.setString(3, d.raw);
                                ps.setString(4, d.eventTime == Long.MIN_VALUE ? null : ActionSink.timestamp(d.eventTime));
                            })
                            .buildAtLeastOnce(new TransactionalBatchConnectionProvider(url)))
                    .name("Dead letters (JDBC append)").uid("sink-backtest-dead-letters").setParallelism(1);
        };
    }

    /** Binds one recommendation to {@link #INSERT}. */
    static void bind(PreparedStatement ps, Recommendation r) throws SQLException {
        ActionSink.bindRecommendationColumns(ps, r);
        ps.setString(15, r.getPipelineStatus());
    }

    /** One logged change, with only what scoring needs (the log of a large history has millions). */
    public record Change(String customerId, String action, String family, String valueTier, String riskTier,
                         String healthBand, long validAsOf, boolean open) {}

    /** Every change, ordered by customer, time, then action: independent of the order they were written in. */
    public static List<Change> read(String url) throws SQLException {
        List<Change> changes = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT customer_id, action, family, value_tier, risk_tier, health_band,"
                     + " valid_as_of, status FROM recommendation_log ORDER BY customer_id, valid_as_of, action")) {
            while (rs.next()) {
                changes.add(new Change(rs.getString(1).intern(), rs.getString(2).intern(), intern(rs.getString(3)),
                        intern(rs.getString(4)), intern(rs.getString(5)), intern(rs.getString(6)),
                        Instant.parse(rs.getString(7)).toEpochMilli(), Recommendation.OPEN.equals(rs.getString(8))));
            }
        }
        return changes;
    }

    public static long deadLetters(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM dead_letters")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String intern(String s) {
        return s == null ? null : s.intern();
    }
}
