package io.pulse.backtest;

import io.pulse.history.HistoryDatabase;
import io.pulse.jdbc.SqlDialect;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The history tables that become events and the column that gives each its event time, as
 * {@link io.pulse.history.HistoryQueries} reads them (a closed conversation is a second event).
 * Used to size the progress bar without running the joins of the real queries.
 */
public final class EventTables {
    /** A table and the time column of its events. */
    public record TimeColumn(String table, String column) {}

    public static final List<TimeColumn> ALL = List.of(
            new TimeColumn("salesforce__customer_360_view", "snapshot_at"),
            new TimeColumn("customer360__customer_activity_metrics", "activity_analysis_timestamp"),
            new TimeColumn("customer360__conversion_funnel_analysis", "funnel_analysis_timestamp"),
            new TimeColumn("customer360__customer_value_analysis", "analysis_timestamp"),
            new TimeColumn("intercom__company_enhanced", "created_at"),
            new TimeColumn("intercom__conversation_enhanced", "conversation_created_at"),
            new TimeColumn("intercom__conversation_enhanced", "last_close_at"),
            new TimeColumn("pulse__product_usage", "used_at"),
            new TimeColumn("pulse__subscription_changes", "changed_at"),
            new TimeColumn("pulse__customer_outcomes", "outcome_at"));

    private EventTables() {}

    /** About how many events the job reads before {@code endMs} (rows without a readable time included). */
    public static long eventsBefore(String historyUrl, long endMs) throws SQLException {
        long total = 0;
        SqlDialect dialect = HistoryDatabase.of(historyUrl).dialect();
        try (Connection c = DriverManager.getConnection(historyUrl)) {
            for (TimeColumn t : ALL) {
                String time = dialect.epochMillis(t.column());
                String sql = "SELECT count(*) FROM " + t.table() + " WHERE " + t.column() + " IS NOT NULL AND"
                        + " (" + time + " IS NULL OR " + time + " < ?)";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, endMs);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        total += rs.getLong(1);
                    }
                }
            }
        }
        return total;
    }
}
