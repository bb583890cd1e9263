package io.pulse.actions;

import io.pulse.events.DeadLetter;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.Types;
import java.time.Instant;

/**
 * The JDBC sinks of the job: recommendations upserted into {@code recommended_actions} (the CS
 * queue) and dead letters into {@code dead_letters}.
 *
 * <p>Row ownership: the pipeline writes the recommendation columns; people own the workflow. The
 * upsert therefore never touches {@code assignee}, and changes {@code status} only between OPEN and
 * SUPERSEDED (the pipeline's own states): a row someone claimed, finished, dismissed or snoozed
 * keeps its status when the pipeline re-scores the customer. The upsert is idempotent, so a replay
 * after a restart rewrites the same rows and never duplicates one.
 */
public final class ActionSink {
    static final String UPSERT_RECOMMENDATION =
            "INSERT INTO recommended_actions (customer_id, action, family, value_tier, risk_tier, health_band,"
                    + " health_score, predicted_6m_revenue, priority, due_at, playbook, reasons, ruleset_version,"
                    + " valid_as_of, first_valid_as_of, status)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (customer_id, action) DO UPDATE SET"
                    + " family = excluded.family, value_tier = excluded.value_tier, risk_tier = excluded.risk_tier,"
                    + " health_band = excluded.health_band, health_score = excluded.health_score,"
                    + " predicted_6m_revenue = excluded.predicted_6m_revenue, priority = excluded.priority,"
                    + " due_at = excluded.due_at, playbook = excluded.playbook, reasons = excluded.reasons,"
                    + " ruleset_version = excluded.ruleset_version, valid_as_of = excluded.valid_as_of,"
                    + " status = CASE WHEN recommended_actions.status IN ('OPEN', 'SUPERSEDED')"
                    + " THEN excluded.status ELSE recommended_actions.status END";

    static final String INSERT_DEAD_LETTER =
            "INSERT INTO dead_letters (source, reason, raw, event_time) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (source, reason) DO NOTHING";

    private ActionSink() {}

    /** ISO-8601 UTC text, the sink's time format: readable, and sorts as time on both databases. */
    public static String timestamp(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    private static JdbcExecutionOptions batching() {
        return JdbcExecutionOptions.builder().withBatchSize(2000).withBatchIntervalMs(200).withMaxRetries(5).build();
    }

    public static JdbcSink<Recommendation> recommendations(SinkDatabase db) {
        return JdbcSink.<Recommendation>builder()
                .withExecutionOptions(batching())
                .withQueryStatement(UPSERT_RECOMMENDATION, (ps, r) -> {
                    ps.setString(1, r.getCustomerId());
                    ps.setString(2, r.getAction());
                    ps.setString(3, r.getFamily());
                    ps.setString(4, r.getValueTier());
                    ps.setString(5, r.getRiskTier());
                    ps.setString(6, r.getHealthBand());
                    ps.setDouble(7, r.getHealthScore());
                    ps.setDouble(8, r.getPredicted6mRevenue());
                    ps.setInt(9, r.getPriority());
                    ps.setString(10, timestamp(r.getDueAt()));
                    ps.setString(11, r.getPlaybook());
                    ps.setString(12, r.getReasons());
                    ps.setString(13, r.getRulesetVersion());
                    ps.setString(14, timestamp(r.getValidAsOf()));
                    ps.setString(15, timestamp(r.getValidAsOf()));
                    ps.setString(16, r.getPipelineStatus());
                })
                .buildAtLeastOnce(new TransactionalBatchConnectionProvider(db.url()));
    }

    public static JdbcSink<DeadLetter> deadLetters(SinkDatabase db) {
        return JdbcSink.<DeadLetter>builder()
                .withExecutionOptions(batching())
                .withQueryStatement(INSERT_DEAD_LETTER, (ps, d) -> {
                    ps.setString(1, d.source);
                    ps.setString(2, d.reason);
                    ps.setString(3, d.raw);
                    if (d.eventTime == Long.MIN_VALUE) {
                        ps.setNull(4, Types.VARCHAR);
                    } else {
                        ps.setString(4, timestamp(d.eventTime));
                    }
                })
                .buildAtLeastOnce(new TransactionalBatchConnectionProvider(db.url()));
    }
}
