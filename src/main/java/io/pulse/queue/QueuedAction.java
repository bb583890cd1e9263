package io.pulse.queue;

import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * One action of the queue as people see it: the pipeline's recommendation (tiers, score, priority,
 * due time, playbook, reasons and cohort tags as JSON, the account owner's e-mail as evaluated) and
 * its workflow state, with when it escalated past its due time. Times are ISO-8601 UTC text.
 */
public record QueuedAction(long id, String customerId, String action, String family, String valueTier,
                           String riskTier, String healthBand, double healthScore, double predicted6mRevenue,
                           int priority, String dueAt, @JsonRawValue String playbook, @JsonRawValue String reasons,
                           String rulesetVersion, String validAsOf, String firstValidAsOf, String status,
                           String assignee, String notes, String outcome, String snoozedUntil, String claimedAt,
                           String closedAt, String reopenAfter, @JsonRawValue String cohorts, String owner,
                           String escalatedAt) {

    static final String COLUMNS = "id, customer_id, action, family, value_tier, risk_tier, health_band, health_score,"
            + " predicted_6m_revenue, priority, due_at, playbook, reasons, ruleset_version, valid_as_of,"
            + " first_valid_as_of, status, assignee, notes, outcome, snoozed_until, claimed_at, closed_at,"
            + " reopen_after, cohorts, owner, escalated_at";

    static QueuedAction read(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new QueuedAction(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getDouble(8), rs.getDouble(9), rs.getInt(10), rs.getString(11),
                rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16),
                rs.getString(17), rs.getString(18), rs.getString(19), rs.getString(20), rs.getString(21),
                rs.getString(22), rs.getString(23), rs.getString(24), rs.getString(25), rs.getString(26), rs.getString(27));
    }
}
