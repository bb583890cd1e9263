package io.pulse.queue;

import io.pulse.rules.facts.ScoreInputs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A customer's story, what a CSM reads before a call: the health score over time (the score
 * history), where its band or a tier changed and the inputs that moved the score most since the
 * change before, where a new rule pack took over, and every action opened or closed with who did
 * what. Read from the queue's own tables.
 *
 * @param points      the score history, oldest first
 * @param changes     the points where the band or a tier changed, oldest first
 * @param rulePacks   where each rule pack took over: the first point it made (or its deployment, in live mode)
 * @param actions     what happened to the customer's actions, oldest first
 */
public record CustomerStory(String customerId, List<Point> points, List<Change> changes, List<RulePack> rulePacks,
                            List<ActionEvent> actions) {
    /** How many inputs a change names: the ones that moved the score most. */
    static final int INPUTS_NAMED = 3;

    /** One evaluation that changed the score, band or a tier; {@code inputs} by name, in points (may be empty). */
    public record Point(String at, double healthScore, String healthBand, String valueTier, String riskTier,
                        double predicted6mRevenue, String rulesetVersion, Map<String, Double> inputs) {}

    /** A band or tier change: what changed, and the inputs that moved the score most since the previous change. */
    public record Change(String at, double healthScore, List<String> what, List<InputMove> movedMost) {}

    /** How many points an input added to the score at a change, against the previous change. */
    public record InputMove(String input, double from, double to) {
        public double delta() {
            return Math.round((to - from) * 100) / 100.0;
        }
    }

    /** A rule pack taking over the customer's evaluations. */
    public record RulePack(String at, String version, String source) {}

    /** One transition of one of the customer's actions. */
    public record ActionEvent(long actionId, String action, String at, String actor, String from, String to,
                              String note) {}

    /** The latest point, or null for a customer without a score history. */
    public Point latest() {
        return points.isEmpty() ? null : points.get(points.size() - 1);
    }

    /** The customer's story as the queue's tables have it; an unknown customer has an empty one. */
    static CustomerStory read(Connection c, String customerId) throws SQLException {
        List<Point> points = points(c, customerId);
        return new CustomerStory(customerId, points, changes(points), rulePacks(c, points), actions(c, customerId));
    }

    private static List<Point> points(Connection c, String customerId) throws SQLException {
        List<Point> points = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM score_history WHERE customer_id = ?"
                + " ORDER BY valid_as_of")) {
            ps.setString(1, customerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Double> inputs = new LinkedHashMap<>();
                    for (String name : ScoreInputs.NAMES) {
                        double value = rs.getDouble(name + "_points");
                        if (!rs.wasNull()) {
                            inputs.put(name, value);
                        }
                    }
                    points.add(new Point(rs.getString("valid_as_of"), rs.getDouble("health_score"),
                            rs.getString("health_band"), rs.getString("value_tier"), rs.getString("risk_tier"),
                            rs.getDouble("predicted_6m_revenue"), rs.getString("ruleset_version"), inputs));
                }
            }
        }
        return points;
    }

    /** The points where the band or a tier changed, each with the inputs that moved most since the change before. */
    static List<Change> changes(List<Point> points) {
        List<Change> changes = new ArrayList<>();
        Point since = points.isEmpty() ? null : points.get(0);
        for (int i = 1; i < points.size(); i++) {
            Point before = points.get(i - 1);
            Point now = points.get(i);
            List<String> what = new ArrayList<>();
            changed(what, "health band", before.healthBand(), now.healthBand());
            changed(what, "value tier", before.valueTier(), now.valueTier());
            changed(what, "risk tier", before.riskTier(), now.riskTier());
            if (!what.isEmpty()) {
                changes.add(new Change(now.at(), now.healthScore(), what, movedMost(since, now)));
                since = now;
            }
        }
        return changes;
    }

    private static void changed(List<String> what, String name, String before, String now) {
        if (!Objects.equals(before, now)) {
            what.add(name + " " + before + " -> " + now);
        }
    }

    /** The inputs whose points moved most from {@code since} to {@code now}, largest move first; none unmoved. */
    static List<InputMove> movedMost(Point since, Point now) {
        List<InputMove> moves = new ArrayList<>();
        for (Map.Entry<String, Double> input : now.inputs().entrySet()) {
            Double before = since.inputs().get(input.getKey());
            if (before != null) {
                InputMove move = new InputMove(input.getKey(), before, input.getValue());
                if (move.delta() != 0) {
                    moves.add(move);
                }
            }
        }
        moves.sort(Comparator.comparingDouble((InputMove m) -> -Math.abs(m.delta())).thenComparing(InputMove::input));
        return moves.subList(0, Math.min(INPUTS_NAMED, moves.size()));
    }

    /**
     * Where each pack took over: a deployment while running (live mode), else the first point of a
     * pack after another's (a replay with a new pack).
     */
    private static List<RulePack> rulePacks(Connection c, List<Point> points) throws SQLException {
        Map<String, RulePack> packs = new LinkedHashMap<>();
        String from = points.isEmpty() ? null : points.get(0).at();
        if (from != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT ruleset_version, deployed_at FROM rule_deployments"
                    + " WHERE status IN ('active', 'replaced') AND deployed_at >= ? ORDER BY deployed_at")) {
                ps.setString(1, from);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        packs.putIfAbsent(rs.getString(1), new RulePack(rs.getString(2), rs.getString(1), "deployed"));
                    }
                }
            }
        }
        for (int i = 1; i < points.size(); i++) {
            Point p = points.get(i);
            if (!p.rulesetVersion().equals(points.get(i - 1).rulesetVersion())) {
                packs.putIfAbsent(p.rulesetVersion(), new RulePack(p.at(), p.rulesetVersion(), "first evaluation"));
            }
        }
        List<RulePack> ordered = new ArrayList<>(packs.values());
        ordered.sort(Comparator.comparing(RulePack::at));
        return ordered;
    }

    private static List<ActionEvent> actions(Connection c, String customerId) throws SQLException {
        List<ActionEvent> events = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.id, a.action, h.at, h.actor, h.from_status,"
                + " h.to_status, h.note FROM action_history h JOIN recommended_actions a ON a.id = h.action_id"
                + " WHERE a.customer_id = ? ORDER BY h.at, h.id")) {
            ps.setString(1, customerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new ActionEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return events;
    }
}
