package io.pulse.actions;

import io.pulse.jdbc.SqlDialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Reads the {@code dead_letters} table (what could not be processed, why, and the input as it
 * arrived) and marks the rows {@link DeadLetterReplay} sent again.
 */
public final class DeadLetters {
    /**
     * One dead letter; {@code eventTime} is null when the input had no readable time;
     * {@code replayedAt}/{@code replayedTo} when and where its raw input was replayed (null if never);
     * {@code replayOf} the id of an earlier, replayed dead letter with the same raw input (this row
     * is most likely that replay failing again), else null.
     */
    public record Row(long id, String source, String reason, String raw, String eventTime, String replayedAt,
                      String replayedTo, Long replayOf) {}

    /**
     * Which dead letters to take: every one ({@code all}), or those matching every criterion given
     * (null or empty = not given): reason contains {@code reason}, source contains {@code source}
     * (both in any case, on either database), id one of {@code ids}.
     */
    public record Selection(boolean all, String reason, String source, List<Long> ids) {
        public Selection {
            reason = reason == null || reason.isBlank() ? null : reason;
            source = source == null || source.isEmpty() ? null : source;
            ids = ids == null ? List.of() : List.copyOf(new TreeSet<>(ids));
        }

        /** No criterion and not {@code all}: takes nothing (a replay refuses it). */
        public boolean none() {
            return !all && reason == null && source == null && ids.isEmpty();
        }

        /** {@code WHERE ...} for these criteria (always true for {@code all}), with its parameters added to {@code params}. */
        String where(List<Object> params) {
            return where("", params);
        }

        /** The same, for the table known as {@code alias} ("d." or "" for none). */
        String where(String alias, List<Object> params) {
            List<String> terms = new ArrayList<>();
            if (reason != null) {
                terms.add("LOWER(" + alias + "reason) LIKE ? ESCAPE '\\'");
                params.add("%" + likeLiteral(reason.toLowerCase(Locale.ROOT)) + "%");
            }
            if (source != null) {
                terms.add("LOWER(" + alias + "source) LIKE ? ESCAPE '\\'");
                params.add("%" + likeLiteral(source.toLowerCase(Locale.ROOT)) + "%");
            }
            if (!ids.isEmpty()) {
                terms.add(alias + "id IN (" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")");
                params.addAll(ids);
            }
            return terms.isEmpty() ? " WHERE 1 = 1" : " WHERE " + String.join(" AND ", terms);
        }
    }

    /**
     * A row whose source is where a live input arrived (a file's {@code /path:line}, or
     * {@code kafka:...}): its raw input is a line that can be sent again. The others are history
     * rows ({@code table:key}, raw the event read from it) and failed rule evaluations ({@code rules:...}).
     */
    static final String LIVE_INPUT = "(source LIKE 'kafka:%' OR source LIKE '/%')";

    /** How the rows of a selection stand before a replay. */
    public record Census(long total, long replayed, long noRaw, long notLive) {
        public long replayable() {
            return total - replayed - noRaw - notLive;
        }
    }

    private DeadLetters() {}

    /**
     * The newest {@code limit} dead letters, newest first; only those whose reason contains
     * {@code reason} (any case) when it is not null.
     */
    public static List<Row> list(SinkDatabase db, String reason, int limit) throws SQLException {
        List<Object> params = new ArrayList<>();
        String where = new Selection(reason == null, reason, null, null).where("d.", params);
        String sql = "SELECT d.id, d.source, d.reason, d.raw, d.event_time, d.replayed_at, d.replayed_to,"
                + " (SELECT MAX(o.id) FROM dead_letters o WHERE o.replayed_at IS NOT NULL AND o.id < d.id"
                + " AND o.raw = d.raw) FROM dead_letters d" + where
                + " ORDER BY d.id DESC LIMIT ?";
        params.add(limit);
        try (Connection c = db.connect(); PreparedStatement ps = prepare(c, sql, params)) {
            return rows(ps);
        }
    }

    /** The ids among {@code ids} that no dead letter has. */
    public static List<Long> missing(SinkDatabase db, List<Long> ids) throws SQLException {
        List<Long> missing = new ArrayList<>(new TreeSet<>(ids));
        if (missing.isEmpty()) {
            return missing;
        }
        List<Object> params = new ArrayList<>();
        String sql = "SELECT id FROM dead_letters" + new Selection(false, null, null, ids).where(params);
        try (Connection c = db.connect(); PreparedStatement ps = prepare(c, sql, params);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                missing.remove(rs.getLong(1));
            }
        }
        return missing;
    }

    /** How many rows {@code selection} takes: in all, already replayed, without raw input, not live inputs. */
    public static Census census(SinkDatabase db, Selection selection) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT COUNT(*),"
                + " SUM(CASE WHEN replayed_at IS NOT NULL THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN replayed_at IS NULL AND raw IS NULL THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN replayed_at IS NULL AND raw IS NOT NULL AND NOT " + LIVE_INPUT + " THEN 1 ELSE 0 END)"
                + " FROM dead_letters" + selection.where(params);
        try (Connection c = db.connect(); PreparedStatement ps = prepare(c, sql, params);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Census(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
        }
    }

    /**
     * Up to {@code limit} rows of {@code selection} that can be replayed and were not, with an id
     * above {@code afterId}, oldest first; with {@code lock} locked for the caller's transaction
     * (PostgreSQL skips rows another transaction holds; SQLite's write lock is the transaction's).
     */
    static List<Row> replayable(Connection c, SqlDialect dialect, Selection selection, long afterId, int limit,
                                boolean lock) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT id, source, reason, raw, event_time, replayed_at, replayed_to, NULL FROM dead_letters"
                + selection.where(params) + " AND replayed_at IS NULL AND raw IS NOT NULL AND " + LIVE_INPUT
                + " AND id > ? ORDER BY id LIMIT ?" + (lock ? dialect.forUpdateSkipLocked() : "");
        params.add(afterId);
        params.add(limit);
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return rows(ps);
        }
    }

    /** Marks rows replayed at {@code at} (ISO-8601) to {@code to}, in the caller's transaction; a marked row stays as it is. */
    static void markReplayed(Connection c, List<Row> rows, String at, String to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE dead_letters SET replayed_at = ?, replayed_to = ? WHERE id = ? AND replayed_at IS NULL")) {
            for (Row r : rows) {
                ps.setString(1, at);
                ps.setString(2, to);
                ps.setLong(3, r.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, List<Object> params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.size(); i++) {
            ps.setObject(i + 1, params.get(i));
        }
        return ps;
    }

    private static List<Row> rows(PreparedStatement ps) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long replayOf = rs.getLong(8);
                Long link = rs.wasNull() ? null : replayOf;
                rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), link));
            }
        }
        return rows;
    }

    /** {@code text} matched literally by LIKE ... ESCAPE '\'. */
    private static String likeLiteral(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
