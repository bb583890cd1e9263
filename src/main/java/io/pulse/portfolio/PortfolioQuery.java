package io.pulse.portfolio;

import io.pulse.actions.ActionSink;
import io.pulse.actions.SinkDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the portfolio view's accounts from the action table (SQLite or PostgreSQL): one per
 * customer, from the HEALTH-family row of its latest evaluation, the one the pipeline still
 * recommends ({@code pipeline_status = 'OPEN'}, whatever people did with the row). The row carries
 * the health band, and the account's industry and size segment as that evaluation saw them.
 *
 * <p>A row written before {@code pipeline_status} existed counts when its status is not
 * SUPERSEDED; one written before {@code industry} and {@code size_segment} existed counts under
 * "(unknown)" until the pipeline writes it again.
 */
public final class PortfolioQuery {
    static final String SQL = "SELECT customer_id, industry, size_segment, health_band, valid_as_of"
            + " FROM recommended_actions WHERE family = 'HEALTH'"
            + " AND " + ActionSink.PIPELINE_RECOMMENDS
            + " ORDER BY customer_id, valid_as_of DESC, action";

    private PortfolioQuery() {}

    /** One account per customer, in customer order (the latest row if a customer has several). */
    public static List<PortfolioMatrix.Account> accounts(SinkDatabase db) throws SQLException {
        List<PortfolioMatrix.Account> accounts = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(SQL);
             ResultSet rs = ps.executeQuery()) {
            String previous = null;
            while (rs.next()) {
                String customer = rs.getString(1);
                if (customer.equals(previous)) {
                    continue;
                }
                previous = customer;
                accounts.add(new PortfolioMatrix.Account(customer, rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)));
            }
        }
        return accounts;
    }

    /** The matrix of the action table, graded with {@code grades}. */
    public static PortfolioMatrix matrix(SinkDatabase db, LowShareGrades grades) throws SQLException {
        return PortfolioMatrix.of(accounts(db), grades);
    }
}
