package io.pulse.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pulse.actions.ActionSink;
import io.pulse.actions.SinkDatabase;
import io.pulse.jdbc.Transactions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Outbound webhooks for the CS queue: a transactional outbox over the queue's own history.
 *
 * <p>{@link #enqueue} reads {@code action_history} past its position and, in the same transaction
 * that moves the position, writes one {@code notifications} row per (history row, target that
 * takes its kind): nothing is lost or enqueued twice, whoever runs it and however often.
 * {@link #deliverDue} posts the due rows: each is first leased (its next attempt pushed past the
 * request timeout, so a second notifier leaves it alone), then posted with its
 * {@code Idempotency-Key}; a 2xx answer delivers it, anything else (an error status, a refused
 * connection, a timeout) retries it with exponential backoff, and after {@code maxAttempts} it is
 * PARKED with the reason. Delivery is at least once: a receiver that answered but whose answer was
 * lost gets it again, with the same key. The queue and the pipeline never wait for a target.
 */
public final class Notifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 100;

    /** How deliveries are retried: the request timeout, the first backoff (doubling, capped) and the attempts. */
    public record Retries(Duration timeout, Duration firstBackoff, Duration maxBackoff, int maxAttempts) {
        public static Retries defaults() {
            return new Retries(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(10), 8);
        }

        Duration backoff(int failedAttempts) {
            Duration d = firstBackoff.multipliedBy(1L << Math.min(30, failedAttempts - 1));
            return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
        }
    }

    /** What one delivery round did. */
    public record Round(int delivered, int retried, int parked) {}

    private final SinkDatabase db;
    private final Clock clock;
    private final Retries retries;
    private final HttpClient http;

    public Notifier(SinkDatabase db, Clock clock, Retries retries) {
        this.db = db;
        this.clock = clock;
        this.retries = retries;
        this.http = HttpClient.newBuilder().connectTimeout(retries.timeout()).build();
    }

    // --- targets ---

    /**
     * Adds or replaces a target. The first one starts the notifier at the end of the history:
     * what happened before any target existed is not news.
     */
    public void setTarget(NotificationTarget t) throws SQLException {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notification_targets (name, url, format,"
                    + " kinds, actions, agent) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET url = excluded.url,"
                    + " format = excluded.format, kinds = excluded.kinds, actions = excluded.actions,"
                    + " agent = excluded.agent")) {
                ps.setString(1, t.name());
                ps.setString(2, t.url());
                ps.setString(3, t.format());
                ps.setString(4, t.kinds().stream().map(NotificationKind::code).sorted().collect(Collectors.joining(",")));
                ps.setString(5, t.actions().isEmpty() ? null : String.join(",", t.actions().stream().sorted().toList()));
                ps.setString(6, t.agent());
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO notifier_position (name, last_history_id)"
                        + " SELECT 'history', coalesce(max(id), 0) FROM action_history WHERE 1 = 1"
                        + " ON CONFLICT (name) DO NOTHING");
            }
            return null;
        });
    }

    /**
     * Removes a target. Its pending notifications stay PENDING, undelivered (the URL went with it),
     * until a target of the same name is set again.
     */
    public boolean removeTarget(String name) throws SQLException {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM notification_targets WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public List<NotificationTarget> targets() throws SQLException {
        return inTransaction(this::targets);
    }

    private List<NotificationTarget> targets(Connection c) throws SQLException {
        List<NotificationTarget> targets = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT name, url, format, kinds, actions, agent FROM notification_targets ORDER BY name")) {
            while (rs.next()) {
                Set<NotificationKind> kinds = EnumSet.noneOf(NotificationKind.class);
                Arrays.stream(rs.getString(4).split(",")).forEach(k -> kinds.add(NotificationKind.parse(k)));
                String actions = rs.getString(5);
                targets.add(new NotificationTarget(rs.getString(1), rs.getString(2), rs.getString(3), kinds,
                        actions == null ? Set.of() : new LinkedHashSet<>(Arrays.asList(actions.split(","))),
                        rs.getString(6)));
            }
        }
        return targets;
    }

    // --- the outbox ---

    /** Turns the history past the position into notifications; the number written. */
    public int enqueue() throws SQLException {
        return inTransaction(c -> {
            long position;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_history_id"
                    + " FROM notifier_position WHERE name = 'history'" + db.dialect().forUpdate())) {
                if (!rs.next()) {
                    return 0; // no target was ever added
                }
                position = rs.getLong(1);
            }
            List<NotificationTarget> targets = targets(c);
            Map<String, String> emails = emails(c);
            int written = 0;
            long last = position;
            try (PreparedStatement read = c.prepareStatement("SELECT h.id, h.action_id, h.at, h.actor, h.from_status,"
                    + " h.to_status, h.note, r.customer_id, r.action, r.priority, r.predicted_6m_revenue, r.health_band,"
                    + " r.health_score, r.owner, r.assignee, r.due_at, r.reasons FROM action_history h"
                    + " JOIN recommended_actions r ON r.id = h.action_id WHERE h.id > ? ORDER BY h.id LIMIT 1000");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO notifications (target, kind, history_id,"
                         + " action_id, idempotency_key, payload, created_at, next_attempt_at)"
                         + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING")) {
                read.setLong(1, position);
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getLong("id");
                        NotificationKind kind = NotificationKind.of(rs.getString("actor"), rs.getString("from_status"),
                                rs.getString("to_status"), rs.getString("note"), rs.getInt("priority"));
                        if (kind == null) {
                            continue;
                        }
                        for (NotificationTarget t : targets) {
                            if (!t.takes(kind, rs.getString("action"), rs.getString("owner"), rs.getString("assignee"),
                                    t.agent() == null ? null : emails.get(t.agent()))) {
                                continue;
                            }
                            String key = "pulse-" + last + "-" + t.name();
                            insert.setString(1, t.name());
                            insert.setString(2, kind.code());
                            insert.setLong(3, last);
                            insert.setLong(4, rs.getLong("action_id"));
                            insert.setString(5, key);
                            insert.setString(6, payload(t.format(), kind, key, rs));
                            insert.setString(7, now());
                            insert.setString(8, now());
                            written += insert.executeUpdate();
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE notifier_position SET last_history_id = ? WHERE name = 'history'")) {
                ps.setLong(1, last);
                ps.executeUpdate();
            }
            return written;
        });
    }

    /** The team's e-mails by agent: whose book a person's target follows. */
    private static Map<String, String> emails(Connection c) throws SQLException {
        Map<String, String> emails = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT agent, email FROM queue_team WHERE email IS NOT NULL")) {
            while (rs.next()) {
                emails.put(rs.getString(1), rs.getString(2));
            }
        }
        return emails;
    }

    /** Posts the notifications that are due, one round of up to {@value #BATCH}. */
    public Round deliverDue() throws SQLException {
        List<Object[]> due = lease();
        int delivered = 0;
        int retried = 0;
        int parked = 0;
        for (Object[] n : due) {
            long id = (Long) n[0];
            int attempts = (Integer) n[4] + 1;
            String error = post((String) n[1], (String) n[2], (String) n[3]);
            if (error == null) {
                record(id, "DELIVERED", attempts, now(), null, now());
                delivered++;
            } else if (attempts >= retries.maxAttempts()) {
                record(id, "PARKED", attempts, now(), error + " (attempt " + attempts + " of " + retries.maxAttempts()
                        + ", parked)", null);
                parked++;
            } else {
                record(id, "PENDING", attempts, ActionSink.timestamp(clock.instant().plus(retries.backoff(attempts))),
                        error + " (attempt " + attempts + ", retrying)", null);
                retried++;
            }
        }
        return new Round(delivered, retried, parked);
    }

    /** The due rows (id, url, payload, key, attempts), each pushed past the request timeout while it is posted. */
    private List<Object[]> lease() throws SQLException {
        return inTransaction(c -> {
            List<Object[]> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT n.id, t.url, n.payload, n.idempotency_key,"
                    + " n.attempts FROM notifications n JOIN notification_targets t ON t.name = n.target"
                    + " WHERE n.status = 'PENDING' AND n.next_attempt_at <= ? ORDER BY n.next_attempt_at, n.id LIMIT "
                    + BATCH + db.dialect().forUpdateSkipLocked().replace(" FOR UPDATE", " FOR UPDATE OF n"))) {
                ps.setString(1, now());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getInt(5)});
                    }
                }
            }
            String leasedUntil = ActionSink.timestamp(clock.instant().plus(retries.timeout().multipliedBy(2)));
            try (PreparedStatement ps = c.prepareStatement("UPDATE notifications SET next_attempt_at = ? WHERE id = ?")) {
                for (Object[] n : due) {
                    ps.setString(1, leasedUntil);
                    ps.setLong(2, (Long) n[0]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return due;
        });
    }

    /** Null when the target answered 2xx, else why not. */
    private String post(String url, String payload, String key) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(retries.timeout())
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 == 2) {
                return null;
            }
            String body = r.body() == null ? "" : r.body().strip();
            return "HTTP " + r.statusCode() + (body.isEmpty() ? "" : ": " + (body.length() > 200
                    ? body.substring(0, 200) + "..." : body));
        } catch (java.net.http.HttpTimeoutException e) {
            return "no answer within " + retries.timeout().toMillis() + " ms";
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private void record(long id, String status, int attempts, String nextAttemptAt, String error, String deliveredAt)
            throws SQLException {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE notifications SET status = ?, attempts = ?,"
                    + " next_attempt_at = ?, last_error = coalesce(?, last_error), delivered_at = ? WHERE id = ?")) {
                ps.setString(1, status);
                ps.setInt(2, attempts);
                ps.setString(3, nextAttemptAt);
                ps.setString(4, error);
                ps.setString(5, deliveredAt);
                ps.setLong(6, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Notifications per status, every status present. */
    public Map<String, Long> counts() throws SQLException {
        return inTransaction(c -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String s : List.of("PENDING", "DELIVERED", "PARKED")) {
                counts.put(s, 0L);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT status, count(*) FROM notifications GROUP BY status")) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    /** A notification as the outbox holds it. */
    public record Outgoing(long id, String target, String kind, long actionId, String key, String status, int attempts,
                           String nextAttemptAt, String lastError, String deliveredAt) {}

    /** The outbox's rows of a status (null: all), newest first. */
    public List<Outgoing> list(String status, int limit) throws SQLException {
        return inTransaction(c -> {
            List<Outgoing> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, target, kind, action_id, idempotency_key, status,"
                    + " attempts, next_attempt_at, last_error, delivered_at FROM notifications"
                    + (status == null ? "" : " WHERE status = ?") + " ORDER BY id DESC LIMIT " + limit)) {
                if (status != null) {
                    ps.setString(1, status);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Outgoing(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                                rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8), rs.getString(9),
                                rs.getString(10)));
                    }
                }
            }
            return rows;
        });
    }

    // --- payloads ---

    private static String payload(String format, NotificationKind kind, String key, ResultSet rs) throws SQLException {
        String customer = rs.getString("customer_id");
        String action = rs.getString("action");
        String owner = rs.getString("owner");
        String text = switch (kind) {
            case NEW_P1 -> String.format(":rotating_light: New priority-1 action %s for %s: $%,.0f at risk, health %s"
                            + " (%.1f), due %s. Owner: %s. Why: %s", action, customer,
                    rs.getDouble("predicted_6m_revenue"), rs.getString("health_band"), rs.getDouble("health_score"),
                    rs.getString("due_at"), owner == null ? "none" : owner, ruleNames(rs.getString("reasons")));
            case ESCALATED -> String.format(":warning: %s for %s is %s. Assignee: %s. Owner: %s.", action, customer,
                    rs.getString("note"), orNone(rs.getString("assignee")), owner == null ? "none" : owner);
            case ASSIGNED -> String.format(":bust_in_silhouette: %s assigned %s for %s %s.", rs.getString("actor"),
                    action, customer, rs.getString("note").substring("assigned ".length()));
        };
        ObjectNode body = JSON.createObjectNode();
        if (NotificationTarget.SLACK.equals(format)) {
            body.put("text", text);
            return body.toString();
        }
        body.put("kind", kind.code());
        body.put("idempotencyKey", key);
        body.put("text", text);
        body.put("at", rs.getString("at"));
        body.put("actor", rs.getString("actor"));
        body.put("note", rs.getString("note"));
        ObjectNode a = body.putObject("action");
        a.put("id", rs.getLong("action_id"));
        a.put("customerId", customer);
        a.put("action", action);
        a.put("priority", rs.getInt("priority"));
        a.put("predicted6mRevenue", rs.getDouble("predicted_6m_revenue"));
        a.put("healthBand", rs.getString("health_band"));
        a.put("healthScore", rs.getDouble("health_score"));
        a.put("owner", owner);
        a.put("assignee", rs.getString("assignee"));
        a.put("dueAt", rs.getString("due_at"));
        try {
            a.set("reasons", JSON.readTree(rs.getString("reasons")));
        } catch (IOException e) {
            a.put("reasons", rs.getString("reasons"));
        }
        return body.toString();
    }

    private static String orNone(String s) {
        return s == null ? "none" : s;
    }

    /** The names of the rules in a reasons JSON array, joined; the text itself when it is not one. */
    private static String ruleNames(String reasons) {
        try {
            List<String> names = new ArrayList<>();
            for (JsonNode r : JSON.readTree(reasons)) {
                names.add(r.path("rule").asText());
            }
            return String.join("; ", names);
        } catch (IOException | RuntimeException e) {
            return String.valueOf(reasons);
        }
    }

    private String now() {
        return ActionSink.timestamp(clock.instant());
    }

    // --- transactions ---

    private <T> T inTransaction(Transactions.Work<T> work) throws SQLException {
        try (Connection c = db.connect()) {
            return Transactions.run(c, db.dialect(), work);
        }
    }
}
