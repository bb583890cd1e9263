package io.pulse.actions;

import io.pulse.jdbc.TransactionalBatchConnectionProvider;
import io.pulse.model.Recommendation;
import io.pulse.model.DeadLetter;
import io.pulse.model.RuleDeployment;
import io.pulse.model.ScorePoint;
import io.pulse.rules.facts.ScoreInputs;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The SQL of the job's sinks: recommendations upserted into {@code recommended_actions} (the CS
 * queue; written by {@link QueueSink} with the score history) and dead letters into {@code dead_letters}. The SQL is the same on SQLite and PostgreSQL.
 *
 * <p>Row ownership: the pipeline writes the recommendation columns; people own the workflow
 * (status once worked, assignee, notes, outcome). One row per (customer, action), so there is never
 * more than one live action per pair. The upsert moves {@code status} only by these rules:
 * <ul>
 *   <li>OPEN and SUPERSEDED follow the pipeline (a strategy it no longer recommends is retired);</li>
 *   <li>SNOOZED becomes SUPERSEDED when the pipeline retires it (nobody worked it);</li>
 *   <li>DONE or DISMISSED reopens as OPEN only on new evidence after the cooldown: the
 *       recommendation is valid as of {@code reopen_after} or later, which the queue set on closing to
 *       max(closed_at, valid_as_of at closing) + the action's cooldown. The reopened row starts a
 *       new cycle: assignee, notes and outcome are cleared (the history keeps the old cycle);</li>
 *   <li>CLAIMED never changes.</li>
 * </ul>
 * An escalated row ({@code escalated_at}, set by the queue when the action went past its due
 * time) keeps its step up in priority through re-scores, until a reopen starts a new cycle.
 * A status the upsert changes is recorded in {@code action_history} as the pipeline's, at the
 * recommendation's event time, so a replay writes the same table whatever its speed. A
 * recommendation older than the row's ({@code valid_as_of}) changes nothing, so the upsert is
 * idempotent: a replay after a restart neither duplicates a row nor replays its history.
 *
 * <p>{@code pipeline_status} is the pipeline's side of the status alone (OPEN while it recommends
 * the action, SUPERSEDED once it no longer does), whatever people did with the row: the rows of a
 * customer's latest evaluation are those with {@code pipeline_status = 'OPEN'}.
 */
public final class ActionSink {
    /**
     * SQL condition: the pipeline still recommends the row (its latest evaluation did), whatever
     * people did with it. A row from before {@code pipeline_status} existed counts unless retired.
     */
    public static final String PIPELINE_RECOMMENDS =
            "coalesce(pipeline_status, CASE WHEN status = 'SUPERSEDED' THEN 'SUPERSEDED' ELSE 'OPEN' END) = 'OPEN'";

    /** The upsert's own alias for the stored row (names it the same on both databases). */
    private static final String ROW = "recommended_actions.";
    private static final String REOPENS = "(" + ROW + "status IN ('DONE', 'DISMISSED') AND excluded.status = 'OPEN'"
            + " AND excluded.valid_as_of >= " + ROW + "reopen_after)";
    private static final String NEW_STATUS = "(CASE"
            + " WHEN " + ROW + "status IN ('OPEN', 'SUPERSEDED') THEN excluded.status"
            + " WHEN " + ROW + "status = 'SNOOZED' AND excluded.status = 'SUPERSEDED' THEN 'SUPERSEDED'"
            + " WHEN " + REOPENS + " THEN 'OPEN'"
            + " ELSE " + ROW + "status END)";
    private static final String CHANGES = "(" + NEW_STATUS + " <> " + ROW + "status)";

    /**
     * The recommendation columns, as bound by {@link #bindRecommendation} (status twice: the row's
     * first status and the pipeline's), then the two workflow columns the insert sets.
     */
    private static final List<String> COLUMNS = List.of("customer_id", "action", "family", "value_tier", "risk_tier",
            "health_band", "health_score", "predicted_6m_revenue", "priority", "due_at", "playbook", "reasons",
            "ruleset_version", "valid_as_of", "first_valid_as_of", "status", "status_changed_at", "cohorts",
            "industry", "size_segment", "pipeline_status", "owner");
    /** What a SUPERSEDED row does not carry (it is key only): the stored row keeps its own. */
    private static final Set<String> CONTENT = Set.of("family", "value_tier", "risk_tier", "health_band",
            "health_score", "predicted_6m_revenue", "priority", "due_at", "playbook", "reasons", "cohorts",
            "industry", "size_segment", "owner");

    /** What an upsert does to the stored row of the pair; see the class comment. */
    private static final String ON_CONFLICT =
            " ON CONFLICT (customer_id, action) DO UPDATE SET"
                    + " family = excluded.family, value_tier = excluded.value_tier, risk_tier = excluded.risk_tier,"
                    + " health_band = excluded.health_band, health_score = excluded.health_score,"
                    + " predicted_6m_revenue = excluded.predicted_6m_revenue,"
                    + " priority = CASE WHEN " + ROW + "escalated_at IS NULL OR " + REOPENS
                    + " OR excluded.pipeline_status = 'SUPERSEDED' THEN excluded.priority"
                    + " ELSE " + escalated("excluded.priority") + " END,"
                    + " due_at = excluded.due_at, playbook = excluded.playbook, reasons = excluded.reasons,"
                    + " cohorts = excluded.cohorts, industry = excluded.industry, size_segment = excluded.size_segment,"
                    + " owner = excluded.owner, pipeline_status = excluded.pipeline_status,"
                    + " ruleset_version = excluded.ruleset_version, valid_as_of = excluded.valid_as_of,"
                    + " status = " + NEW_STATUS + ","
                    + " first_valid_as_of = CASE WHEN " + REOPENS + " THEN excluded.valid_as_of"
                    + " ELSE " + ROW + "first_valid_as_of END,"
                    + cleared("assignee") + ", " + cleared("notes") + ", " + cleared("outcome") + ", "
                    + cleared("claimed_at") + ", " + cleared("closed_at") + ", " + cleared("reopen_after") + ","
                    + cleared("escalated_at") + ","
                    + " snoozed_until = CASE WHEN " + CHANGES + " THEN NULL ELSE " + ROW + "snoozed_until END,"
                    + " status_changed_at = CASE WHEN " + CHANGES + " THEN excluded.valid_as_of"
                    + " ELSE " + ROW + "status_changed_at END,"
                    + " status_changed_by = CASE WHEN " + CHANGES + " THEN 'pipeline' ELSE " + ROW
                    + "status_changed_by END,"
                    + " status_note = CASE WHEN " + REOPENS + " THEN 'new evidence after the cooldown'"
                    + " WHEN " + CHANGES + " AND excluded.status = 'SUPERSEDED' THEN 'no longer recommended'"
                    + " WHEN " + CHANGES + " THEN 'recommended again' ELSE " + ROW + "status_note END"
                    + " WHERE excluded.valid_as_of >= " + ROW + "valid_as_of";

    /**
     * The upsert. Its proposed row ({@code excluded}) takes the content of a SUPERSEDED row from the
     * stored one, so only the status columns, the pack version and the time change; a SUPERSEDED
     * row for a pair never written inserts nothing. (The rows come as a SELECT: SQLite parses
     * INSERT ... SELECT ... ON CONFLICT only with a WHERE.)
     */
    public static final String UPSERT_RECOMMENDATION =
            "INSERT INTO recommended_actions (" + String.join(", ", COLUMNS) + ", status_changed_by, status_note)"
                    + " SELECT " + COLUMNS.stream().map(c -> CONTENT.contains(c) ? keptWhenRetired("v.pipeline_status",
                            "stored", c) : "v." + c).collect(Collectors.joining(", ")) + ", 'pipeline', 'recommended'"
                    + " FROM (SELECT " + COLUMNS.stream().map(c -> "? AS " + c).collect(Collectors.joining(", ")) + ") v"
                    + " LEFT JOIN recommended_actions stored"
                    + " ON stored.customer_id = v.customer_id AND stored.action = v.action"
                    + " WHERE v.pipeline_status <> 'SUPERSEDED' OR stored.id IS NOT NULL"
                    + ON_CONFLICT;

    /**
     * The upsert of an OPEN recommendation, which carries its whole content: the same as
     * {@link #UPSERT_RECOMMENDATION} without reading the stored row first.
     */
    public static final String UPSERT_OPEN_RECOMMENDATION =
            "INSERT INTO recommended_actions (" + String.join(", ", COLUMNS) + ", status_changed_by, status_note)"
                    + " VALUES (" + "?, ".repeat(COLUMNS.size()) + "'pipeline', 'recommended')" + ON_CONFLICT;

    /** The score history's columns: the classification, then each input's points ({@link ScoreInputs#NAMES}). */
    private static final List<String> POINT_COLUMNS = Stream.concat(Stream.of("customer_id", "valid_as_of",
            "health_score", "health_band", "value_tier", "risk_tier", "predicted_6m_revenue", "ruleset_version"),
            ScoreInputs.NAMES.stream().map(name -> name + "_points")).toList();

    /** A score point; a re-score at the same time (a rule reload) replaces the point. */
    public static final String UPSERT_SCORE_POINT = "INSERT INTO score_history (" + String.join(", ", POINT_COLUMNS)
            + ") VALUES (" + POINT_COLUMNS.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")"
            + " ON CONFLICT (customer_id, valid_as_of) DO UPDATE SET "
            + POINT_COLUMNS.stream().skip(2).map(c -> c + " = excluded." + c).collect(Collectors.joining(", "));

    /** Binds one point to {@link #UPSERT_SCORE_POINT}; a point without a breakdown has NULL inputs. */
    public static void bindScorePoint(PreparedStatement ps, ScorePoint p) throws SQLException {
        ps.setString(1, p.customerId);
        ps.setString(2, timestamp(p.validAsOf));
        ps.setDouble(3, p.healthScore);
        ps.setString(4, p.healthBand);
        ps.setString(5, p.valueTier);
        ps.setString(6, p.riskTier);
        ps.setDouble(7, p.predicted6mRevenue);
        ps.setString(8, p.rulesetVersion);
        for (int i = 0; i < ScoreInputs.NAMES.size(); i++) {
            if (p.inputs == null) {
                ps.setNull(9 + i, Types.DOUBLE);
            } else {
                ps.setDouble(9 + i, p.inputs[i]);
            }
        }
    }

    /**
     * SQL: {@code column} of the row to write, from {@code previousRow} when {@code pipelineStatus}
     * says the row is SUPERSEDED (such a row is key only; see {@link Recommendation#retired}).
     */
    public static String keptWhenRetired(String pipelineStatus, String previousRow, String column) {
        return "CASE WHEN " + pipelineStatus + " = '" + Recommendation.SUPERSEDED + "' THEN " + previousRow + "." + column
                + " ELSE v." + column + " END";
    }

    /**
     * SQL: one priority step up from {@code priority} (1 stays 1): an escalated action's priority,
     * which a re-score keeps (the queue escalates, {@code escalated_at}; a reopened cycle starts without).
     */
    public static String escalated(String priority) {
        return "(CASE WHEN " + priority + " > 1 THEN " + priority + " - 1 ELSE 1 END)";
    }

    /** A workflow column that a reopened row starts again without. */
    private static String cleared(String column) {
        return " " + column + " = CASE WHEN " + REOPENS + " THEN NULL ELSE " + ROW + column + " END";
    }

    static final String INSERT_DEAD_LETTER =
            "INSERT INTO dead_letters (source, reason, raw, event_time) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (source, reason) DO NOTHING";

    private ActionSink() {}

    /**
     * ISO-8601 UTC text to the second, the sink's time format: readable, and fixed width, so it sorts
     * and compares as time on both databases.
     */
    public static String timestamp(long epochMs) {
        return TIME.format(Instant.ofEpochMilli(epochMs));
    }

    public static String timestamp(Instant instant) {
        return TIME.format(instant);
    }

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /**
     * When a JDBC sink writes: a batch (one transaction) goes out when it holds {@code maxRows} rows
     * or its oldest row has waited {@code flushInterval}, whichever comes first, and at every
     * checkpoint. A shorter interval means a row reaches the queue sooner, at the price of more,
     * smaller transactions.
     */
    public record Batching(int maxRows, Duration flushInterval) {
        public Batching {
            Objects.requireNonNull(flushInterval, "flushInterval cannot be null");
            if (maxRows < 1) {
                throw new IllegalArgumentException("a batch holds at least one row, not " + maxRows);
            }
            if (flushInterval.toMillis() < 1) {
                throw new IllegalArgumentException("the flush interval must be at least 1 ms, not " + flushInterval);
            }
        }

        /** 2,000 rows or 200 ms. */
        public static Batching defaults() {
            return new Batching(2000, Duration.ofMillis(200));
        }

        /** The connector's options for this batching (5 retries of a failed batch). */
        public JdbcExecutionOptions executionOptions() {
            return JdbcExecutionOptions.builder().withBatchSize(maxRows).withBatchIntervalMs(flushInterval.toMillis())
                    .withMaxRetries(5).build();
        }
    }

    /** Binds one recommendation to {@link #UPSERT_RECOMMENDATION}. */
    public static void bindRecommendation(PreparedStatement ps, Recommendation r) throws SQLException {
        String validAsOf = timestamp(r.getValidAsOf());
        bindRecommendationColumns(ps, r, validAsOf);
        ps.setString(15, validAsOf);
        ps.setString(16, r.getPipelineStatus());
        ps.setString(17, validAsOf);
        ps.setString(18, r.getCohorts());
        ps.setString(19, r.getIndustry());
        ps.setString(20, r.getSizeSegment());
        ps.setString(21, r.getPipelineStatus());
        ps.setString(22, r.getOwner());
    }

    /**
     * Binds the columns every recommendation sink starts with, in this order: customer_id, action,
     * family, value_tier, risk_tier, health_band, health_score, predicted_6m_revenue, priority,
     * due_at, playbook, reasons, ruleset_version, valid_as_of.
     */
    public static void bindRecommendationColumns(PreparedStatement ps, Recommendation r) throws SQLException {
        bindRecommendationColumns(ps, r, timestamp(r.getValidAsOf()));
    }

    private static void bindRecommendationColumns(PreparedStatement ps, Recommendation r, String validAsOf)
            throws SQLException {
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
        ps.setString(14, validAsOf);
    }

    /**
     * A deployment attempt; a later record of the same attempt updates its status (active -> replaced)
     * or adds its re-score (a record without one keeps what the row has).
     */
    static final String UPSERT_DEPLOYMENT =
            "INSERT INTO rule_deployments (ruleset_version, deployed_at, status, messages, rescored_at,"
                    + " customers_rescored, actions_written, backfilled_features) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (ruleset_version, deployed_at) DO UPDATE SET status = excluded.status,"
                    + " backfilled_features = coalesce(excluded.backfilled_features, rule_deployments.backfilled_features),"
                    + " rescored_at = coalesce(excluded.rescored_at, rule_deployments.rescored_at),"
                    + " customers_rescored = coalesce(excluded.customers_rescored, rule_deployments.customers_rescored),"
                    + " actions_written = coalesce(excluded.actions_written, rule_deployments.actions_written)";

    public static JdbcSink<RuleDeployment> ruleDeployments(SinkDatabase db) {
        return JdbcSink.<RuleDeployment>builder()
                .withExecutionOptions(JdbcExecutionOptions.builder().withBatchSize(1).withMaxRetries(5).build())
                .withQueryStatement(UPSERT_DEPLOYMENT, ActionSink::bindRuleDeployment)
                .buildAtLeastOnce(new TransactionalBatchConnectionProvider(db.url()));
    }

    /** Binds one deployment record to {@link #UPSERT_DEPLOYMENT}: a record without a re-score binds none. */
    static void bindRuleDeployment(PreparedStatement ps, RuleDeployment d) throws SQLException {
        ps.setString(1, d.rulesetVersion);
        ps.setString(2, timestamp(d.at));
        ps.setString(3, d.status);
        ps.setString(4, d.messages);
        if (d.rescoredAt == null) {
            ps.setNull(5, Types.VARCHAR);
            ps.setNull(6, Types.BIGINT);
            ps.setNull(7, Types.BIGINT);
        } else {
            ps.setString(5, timestamp(d.rescoredAt));
            ps.setLong(6, d.customersRescored);
            ps.setLong(7, d.actionsWritten);
        }
        ps.setString(8, d.backfilledFeatures);
    }

    /** Binds one dead letter to {@link #INSERT_DEAD_LETTER}; an unknown event time is NULL. */
    static void bindDeadLetter(PreparedStatement ps, DeadLetter d) throws SQLException {
        ps.setString(1, d.source);
        ps.setString(2, d.reason);
        ps.setString(3, d.raw);
        if (d.eventTime == Long.MIN_VALUE) {
            ps.setNull(4, Types.VARCHAR);
        } else {
            ps.setString(4, timestamp(d.eventTime));
        }
    }

    public static JdbcSink<DeadLetter> deadLetters(SinkDatabase db, Batching batching) {
        return JdbcSink.<DeadLetter>builder()
                .withExecutionOptions(batching.executionOptions())
                .withQueryStatement(INSERT_DEAD_LETTER, ActionSink::bindDeadLetter)
                .buildAtLeastOnce(new TransactionalBatchConnectionProvider(db.url()));
    }
}
