package io.pulse.backtest;

import io.pulse.events.CustomerEvent;
import io.pulse.history.HistoryDatabase;
import io.pulse.history.HistoryQueries;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What really happened to each customer, read straight from the history database with the same
 * query (and customer mapping) as the job; the job itself keeps outcomes away from the rules.
 */
final class Outcomes {
    /** The outcomes a risk flag is meant to foresee. */
    static final Set<String> NEGATIVE = Set.of("churned", "downgraded");
    static final String CHURNED = "churned";

    record Outcome(long at, String kind) {
        boolean negative() {
            return NEGATIVE.contains(kind);
        }
    }

    private Outcomes() {}

    /** Customer id -> outcomes in time order; rows that map to no customer are left out. */
    static Map<String, List<Outcome>> read(String historyUrl) throws SQLException {
        Map<String, List<Outcome>> byCustomer = new TreeMap<>();
        HistoryQueries.Query q = HistoryQueries.outcomes(HistoryDatabase.of(historyUrl).dialect());
        try (Connection c = DriverManager.getConnection(historyUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(q.sql())) {
            while (rs.next()) {
                CustomerEvent e = q.extractor().extract(rs);
                if (e.customerId != null && e.eventTime != Long.MIN_VALUE && e.outcome != null) {
                    byCustomer.computeIfAbsent(e.customerId, k -> new ArrayList<>())
                            .add(new Outcome(e.eventTime, e.outcome.outcome));
                }
            }
        }
        return byCustomer;
    }
}
