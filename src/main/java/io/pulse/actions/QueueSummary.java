package io.pulse.actions;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Read-only figures over the action queue: what `pulse demo` prints after a replay. */
public final class QueueSummary {

    /** One row of the queue as a CSM sees it. */
    public record QueueItem(long id, String customerId, String action, int priority, String dueAt,
                            String healthBand, double healthScore, String valueTier, String riskTier,
                            double predicted6mRevenue, String reasons) {}

    private final SinkDatabase db;

    public QueueSummary(SinkDatabase db) {
        this.db = db;
    }

    /**
     * Customers per health band, from the value x risk strategy row of each customer's latest
     * evaluation (whether or not someone has worked it since).
     */
    public Map<String, Long> customersByHealthBand() throws SQLException {
        return counts("SELECT health_band, count(*) FROM recommended_actions"
                + " WHERE family = 'VALUE_RISK' AND " + ActionSink.PIPELINE_RECOMMENDS
                + " GROUP BY health_band ORDER BY health_band");
    }

    /** Customers per "value tier x risk tier", from the same rows. */
    public Map<String, Long> customersByValueAndRisk() throws SQLException {
        return counts("SELECT value_tier || ' value x ' || risk_tier || ' risk', count(*) FROM recommended_actions"
                + " WHERE family = 'VALUE_RISK' AND " + ActionSink.PIPELINE_RECOMMENDS + " GROUP BY value_tier, risk_tier"
                + " ORDER BY value_tier, risk_tier");
    }

    /** Open actions per action code. */
    public Map<String, Long> openActionsByType() throws SQLException {
        return counts("SELECT action, count(*) FROM recommended_actions WHERE status = 'OPEN'"
                + " GROUP BY action ORDER BY count(*) DESC, action");
    }

    /** Open actions per account owner (their e-mail; "(unowned)" for accounts the CRM names no owner of). */
    public Map<String, Long> openActionsByOwner() throws SQLException {
        return counts("SELECT coalesce(owner, '(unowned)'), count(*) FROM recommended_actions WHERE status = 'OPEN'"
                + " GROUP BY coalesce(owner, '(unowned)') ORDER BY count(*) DESC, 1");
    }

    /** Rows per status, open or not. */
    public Map<String, Long> rowsByStatus() throws SQLException {
        return counts("SELECT status, count(*) FROM recommended_actions GROUP BY status ORDER BY status");
    }

    /** The head of the queue: open actions by priority, then revenue at risk, then due time. */
    public List<QueueItem> top(int n) throws SQLException {
        String sql = "SELECT id, customer_id, action, priority, due_at, health_band, health_score, value_tier,"
                + " risk_tier, predicted_6m_revenue, reasons FROM recommended_actions WHERE status = 'OPEN'"
                + " ORDER BY priority, predicted_6m_revenue DESC, due_at, customer_id, action LIMIT ?";
        List<QueueItem> items = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(new QueueItem(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getString(5), rs.getString(6), rs.getDouble(7), rs.getString(8), rs.getString(9),
                            rs.getDouble(10), rs.getString(11)));
                }
            }
        }
        return items;
    }

    private Map<String, Long> counts(String sql) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }
}
