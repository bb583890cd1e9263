package io.pulse.history;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The tables {@link HistoryQueries} read, and which of them a database lacks. */
public final class HistoryTables {
    /** Every table a history query reads, the ELT models' first, then the generator's extras. */
    public static final List<String> ALL = List.of(
            "intercom__company_enhanced", "intercom__contact_enhanced", "intercom__conversation_enhanced",
            "intercom__conversation_metrics", "salesforce__customer_360_view", "salesforce__contact_enhanced",
            "customer360__customer_activity_metrics", "customer360__conversion_funnel_analysis",
            "customer360__customer_value_analysis",
            "pulse__product_usage", "pulse__subscription_changes", "pulse__customer_outcomes");

    private HistoryTables() {}

    /**
     * Whether the history names its accounts' owners: {@code salesforce__customer_360_view.owner_id}
     * and the CRM's users ({@code salesforce__user}) to look them up in. Optional: a history without
     * them gives accounts without an owner, and the queue treats their actions as unowned.
     */
    public static boolean hasAccountOwners(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT a.owner_id, u.user_id, u.email FROM salesforce__customer_360_view a,"
                        + " salesforce__user u WHERE 1 = 0").close();
                return true;
            } catch (SQLException noOwners) {
                return false;
            }
        }
    }

    /**
     * The tables of {@link #ALL} that the database at {@code url} has not (or the URL's user may not
     * read), in that order: a query of each that reads no row tells, on any database.
     */
    public static List<String> missing(String url) throws SQLException {
        List<String> missing = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(true); // one failed query must not abort the next (PostgreSQL)
            for (String table : ALL) {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0").close();
                } catch (SQLException noSuchTable) {
                    missing.add(table);
                }
            }
        }
        return missing;
    }
}
