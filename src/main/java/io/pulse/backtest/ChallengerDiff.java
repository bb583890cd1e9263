package io.pulse.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Champion against challenger, customer by customer: whose value tier, risk tier or health band
 * at the window's end, or whose set of actions flagged during the window, differs; and the rules
 * behind the difference (those that fired for the customer's open recommendations at the
 * window's end under one rule set and not the other, from {@code Recommendation.reasons}).
 */
public final class ChallengerDiff {
    /** One difference for one customer. */
    public record Row(String customerId, String field, String champion, String challenger, String onlyChampionRules,
               String onlyChallengerRules) {}

    /** The differences and how many customers each kind of difference touched. */
    public record Result(List<Row> rows, int customersChanged, SortedMap<String, Integer> customersByField) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChallengerDiff() {}

    static Result compare(Map<String, Timeline> champion, Map<String, Timeline> challenger, BacktestWindow window,
                          String championLog, String challengerLog) throws SQLException {
        long last = window.endMs() - 1;
        SortedSet<String> customers = new TreeSet<>(champion.keySet());
        customers.addAll(challenger.keySet());
        Map<String, SortedSet<String>> championRules = openRulesAt(championLog, window.endMs());
        Map<String, SortedSet<String>> challengerRules = openRulesAt(challengerLog, window.endMs());
        List<Row> rows = new ArrayList<>();
        SortedMap<String, Integer> byField = new TreeMap<>();
        int changed = 0;
        for (String c : customers) {
            Timeline a = champion.get(c);
            Timeline b = challenger.get(c);
            Timeline.State sa = a == null ? null : a.at(last);
            Timeline.State sb = b == null ? null : b.at(last);
            SortedSet<String> ra = championRules.getOrDefault(c, new TreeSet<>());
            SortedSet<String> rb = challengerRules.getOrDefault(c, new TreeSet<>());
            String onlyA = String.join("; ", minus(ra, rb));
            String onlyB = String.join("; ", minus(rb, ra));
            int before = rows.size();
            field(rows, c, "value_tier", sa, sb, Timeline.State::valueTier, onlyA, onlyB);
            field(rows, c, "risk_tier", sa, sb, Timeline.State::riskTier, onlyA, onlyB);
            field(rows, c, "health_band", sa, sb, Timeline.State::healthBand, onlyA, onlyB);
            String fa = String.join(" ", flagged(a, window));
            String fb = String.join(" ", flagged(b, window));
            if (!fa.equals(fb)) {
                rows.add(new Row(c, "actions_flagged", fa, fb, onlyA, onlyB));
            }
            if (rows.size() > before) {
                changed++;
                rows.subList(before, rows.size()).forEach(r -> byField.merge(r.field(), 1, Integer::sum));
            }
        }
        return new Result(rows, changed, byField);
    }

    private static void field(List<Row> rows, String customer, String name, Timeline.State a, Timeline.State b,
                              Function<Timeline.State, String> get, String onlyA, String onlyB) {
        String va = a == null ? "" : Objects.toString(get.apply(a), "");
        String vb = b == null ? "" : Objects.toString(get.apply(b), "");
        if (!va.equals(vb)) {
            rows.add(new Row(customer, name, va, vb, onlyA, onlyB));
        }
    }

    /** Actions open at some time in the window, sorted. */
    private static SortedSet<String> flagged(Timeline t, BacktestWindow window) {
        SortedSet<String> actions = new TreeSet<>();
        if (t == null) {
            return actions;
        }
        for (Timeline.State s : t.states()) {
            actions.addAll(s.open());
        }
        actions.removeIf(a -> t.spans(s -> s.open().contains(a)).stream()
                .noneMatch(span -> span.overlaps(window.startMs(), window.endMs())));
        return actions;
    }

    private static SortedSet<String> minus(Set<String> a, Set<String> b) {
        SortedSet<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    /** Customer -> names of the rules behind its recommendations open just before {@code endMs}. */
    static Map<String, SortedSet<String>> openRulesAt(String logUrl, long endMs) throws SQLException {
        Map<String, SortedSet<String>> rules = new TreeMap<>();
        String sql = "SELECT customer_id, action, valid_as_of, status, reasons FROM recommendation_log"
                + " ORDER BY customer_id, action, valid_as_of";
        try (Connection c = DriverManager.getConnection(logUrl); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            String key = null;
            String[] lastRow = null;
            while (rs.next()) {
                String k = rs.getString(1) + "\u0000" + rs.getString(2);
                if (!k.equals(key)) {
                    addRules(rules, lastRow);
                    key = k;
                    lastRow = null;
                }
                if (Instant.parse(rs.getString(3)).toEpochMilli() < endMs) {
                    lastRow = new String[] {rs.getString(1), rs.getString(4), rs.getString(5)};
                }
            }
            addRules(rules, lastRow);
        }
        return rules;
    }

    private static void addRules(Map<String, SortedSet<String>> rules, String[] row) {
        if (row == null || !"OPEN".equals(row[1]) || row[2] == null) {
            return;
        }
        SortedSet<String> names = rules.computeIfAbsent(row[0], k -> new TreeSet<>());
        try {
            for (JsonNode firing : JSON.readTree(row[2])) {
                names.add(firing.path("rule").asText());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable reasons for " + row[0] + ": " + row[2], e);
        }
    }
}
