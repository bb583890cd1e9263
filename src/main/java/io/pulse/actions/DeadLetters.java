package io.pulse.actions;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads the {@code dead_letters} table: what could not be processed, why, and the input as it arrived. */
public final class DeadLetters {
    /** One dead letter; {@code eventTime} is null when the input had no readable time. */
    public record Row(long id, String source, String reason, String raw, String eventTime) {}

    private DeadLetters() {}

    /**
     * The newest {@code limit} dead letters, newest first; only those whose reason contains
     * {@code reason} (any case) when it is not null.
     */
    public static List<Row> list(SinkDatabase db, String reason, int limit) throws SQLException {
        String sql = "SELECT id, source, reason, raw, event_time FROM dead_letters"
                + (reason == null ? "" : " WHERE LOWER(reason) LIKE ? ESCAPE '\\'")
                + " ORDER BY id DESC LIMIT ?";
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            if (reason != null) {
                ps.setString(p++, "%" + likeLiteral(reason.toLowerCase(Locale.ROOT)) + "%");
            }
            ps.setInt(p, limit);
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)));
                }
            }
            return rows;
        }
    }

    /** {@code text} matched literally by LIKE ... ESCAPE '\'. */
    private static String likeLiteral(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
