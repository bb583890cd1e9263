package io.pulse.queue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pulse.actions.ActionSink;
import io.pulse.actions.SinkDatabase;
import io.pulse.jdbc.SqlDialect;
import io.pulse.jdbc.Transactions;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The CS work queue over the action table, on SQLite or PostgreSQL: the workflow that the CLI and
 * the HTTP server share. Every operation is one transaction; the status change and its history
 * row (written by the table's trigger) commit together.
 *
 * <p>Claiming is atomic: on SQLite each transaction starts with {@code BEGIN IMMEDIATE} (one writer
 * at a time, so the OPEN row read is still OPEN when it is claimed); on PostgreSQL the next action is
 * selected {@code FOR UPDATE SKIP LOCKED} (agents skip the rows others are claiming) and an action
 * named by id is locked {@code FOR UPDATE} before its status is checked.
 *
 * <p>Claims are owned: only the assignee, or a lead ({@link Actor}), may release, finish, snooze or
 * dismiss a CLAIMED action; anyone may claim, finish, snooze or dismiss an unclaimed one (OPEN, or
 * SNOOZED: a snooze hands the action back to the team). The rule is checked on the locked row for
 * the message, and again in the UPDATE's own WHERE clause (the same SQL on both databases), so no
 * interleaving can write a claimed row for someone else.
 *
 * <p>Snoozed actions whose time has passed become OPEN again (recorded as the clock's transition)
 * before any read or claim.
 */
public final class ActionQueue implements AutoCloseable {
    /** Severity (priority 1 first), then revenue at risk, then due time; id keeps the order total. */
    static final String PRIORITY_ORDER = "priority, predicted_6m_revenue DESC, due_at, id";
    private static final Pattern AGENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final int MAX_NOTE = 2000;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    /** The {@code queue_team} row that holds the default weekly capacity. */
    public static final String DEFAULT_MEMBER = "*";
    /** The weekly capacity when even the default row is gone (schema.sql seeds it with this). */
    static final int DEFAULT_CAPACITY = 25;
    private static final String UPDATE_WORKFLOW = "UPDATE recommended_actions SET status = ?, assignee = ?,"
            + " notes = ?, outcome = ?, snoozed_until = ?, claimed_at = ?, closed_at = ?, reopen_after = ?,"
            + " status_changed_at = ?, status_changed_by = ?, status_note = ? WHERE id = ?"
            + " AND status = ? AND (status <> 'CLAIMED' OR assignee = ? OR ? = 1)";

    private final HikariDataSource pool;
    private final SqlDialect dialect;
    private final Clock clock;
    /**
     * SQLite has one writer: this JVM's agents queue here in order, instead of each polling the
     * database lock through SQLite's busy handler (which sleeps up to 100 ms between tries).
     * Other processes still wait through the busy timeout.
     */
    private final ReentrantLock singleWriter = new ReentrantLock(true);

    private ActionQueue(HikariDataSource pool, SqlDialect dialect, Clock clock) {
        this.pool = pool;
        this.dialect = dialect;
        this.clock = clock;
    }

    /**
     * Opens the queue at a JDBC URL with up to {@code connections} pooled connections, creating the
     * schema if needed. A SQLite file must exist already (a typo must not make an empty queue).
     */
    public static ActionQueue open(String url, int connections, Clock clock) throws SQLException {
        SinkDatabase db = SinkDatabase.of(url);
        if (db.sqlite() && !Files.isRegularFile(db.sqliteFile())) {
            throw QueueException.badInput("no queue database at " + db.sqliteFile()
                    + " (create one with `pulse demo` or `pulse replay --sink " + url + "`)");
        }
        db.createSchema();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url());
        config.setMaximumPoolSize(connections);
        config.setMinimumIdle(Math.min(connections, 1));
        config.setPoolName("pulse-queue");
        return new ActionQueue(new HikariDataSource(config), db.dialect(), clock);
    }

    public static ActionQueue open(String url) throws SQLException {
        return open(url, 1, Clock.systemUTC());
    }

    /**
     * Claims the next OPEN action for {@code agent}: the top one (priority, then revenue at risk) of
     * the accounts the agent owns, else the top unowned one (no owner, or an owner nobody on the
     * team answers to); empty when there is none. Refused when the agent has taken on their weekly
     * capacity (a colleague's accounts are theirs to work, or a lead's to assign).
     */
    public Optional<QueuedAction> next(String agent) throws SQLException {
        checkAgent(agent);
        return inTransaction(c -> {
            clockTransitions(c);
            TeamMember member = takingOn(c, agent);
            Long id = null;
            if (member.email() != null) {
                id = pick(c, "owner = ?", member.email());
            }
            if (id == null) {
                id = pick(c, UNOWNED, null);
            }
            if (id == null) {
                return Optional.empty();
            }
            QueuedAction current = find(c, id, false);
            boolean own = member.email() != null && member.email().equals(current.owner());
            write(c, Status.OPEN, new Change(id, Status.CLAIMED, agent, current.notes(), null, null, now(), null, null,
                    Actor.agent(agent), own ? "next of own accounts" : "next in the queue"));
            return Optional.of(find(c, id, false));
        });
    }

    /** SQL condition: the action's account has no owner on the team. */
    private static final String UNOWNED = "(owner IS NULL OR NOT EXISTS"
            + " (SELECT 1 FROM queue_team t WHERE t.email = recommended_actions.owner))";

    /** The id of the top OPEN action matching {@code condition} (one optional argument), locked for claiming. */
    private Long pick(Connection c, String condition, String argument) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM recommended_actions WHERE status = 'OPEN' AND "
                + condition + " ORDER BY " + PRIORITY_ORDER + " LIMIT 1" + dialect.forUpdateSkipLocked())) {
            if (argument != null) {
                ps.setString(1, argument);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /**
     * The agent as a team member about to take on one more action: refused (CAPACITY) when they
     * have none left this week. On PostgreSQL the agent's name is locked for the transaction, so
     * two sessions of one agent cannot both take the last unit (SQLite has one writer anyway).
     */
    private TeamMember takingOn(Connection c, String agent) throws SQLException {
        if (!dialect.singleWriter()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(7272, hashtext(?))")) {
                ps.setString(1, agent);
                ps.executeQuery().close();
            }
        }
        TeamMember member = member(c, agent);
        if (member.remaining() == 0) {
            throw QueueException.capacity(agent + " has taken on " + member.takenThisWeek()
                    + (member.takenThisWeek() == 1 ? " action" : " actions") + " this week,"
                    + " their capacity of " + member.weeklyCapacity() + (member.ownCapacity() ? "" : " (the team default)")
                    + ": finish or release one, or ask a lead to raise it (pulse queue team --set " + agent
                    + " --capacity N)");
        }
        return member;
    }

    /** Claims an OPEN or SNOOZED action for {@code agent}; a CLAIMED one stays its assignee's (409). */
    public QueuedAction claim(long id, String agent, String note) throws SQLException {
        Actor actor = checked(Actor.agent(agent));
        return change(id, actor, EnumSet.of(Status.OPEN, Status.SNOOZED), "claim", (c, a) -> {
            takingOn(c, agent);
            return new Change(a.id(), Status.CLAIMED, agent, note(a, note), null, null, now(), null, null, actor, note);
        });
    }

    /**
     * A lead hands an open, snoozed or claimed action to {@code agent}, who must have capacity left
     * this week; the history records who assigned it.
     */
    public QueuedAction assign(long id, Actor lead, String agent, String note) throws SQLException {
        checked(lead);
        checkAgent(agent);
        if (!lead.lead()) {
            throw QueueException.notYours("cannot assign action " + id + " to " + agent + ": only a lead may assign");
        }
        String said = "assigned to " + agent + (note == null || note.isBlank() ? "" : ": " + note);
        return change(id, lead, EnumSet.of(Status.OPEN, Status.SNOOZED, Status.CLAIMED), "assign", (c, a) -> {
            if (agent.equals(a.assignee()) && Status.valueOf(a.status()) == Status.CLAIMED) {
                throw QueueException.illegal("action " + id + " is already " + agent + "'s");
            }
            takingOn(c, agent);
            return new Change(a.id(), Status.CLAIMED, agent, note(a, note), null, null, now(), null, null, lead, said);
        });
    }

    /** Puts a CLAIMED action back to OPEN: its assignee's or a lead's to do. */
    public QueuedAction release(long id, Actor actor, String note) throws SQLException {
        checked(actor);
        return change(id, actor, EnumSet.of(Status.CLAIMED), "release",
                (c, a) -> new Change(a.id(), Status.OPEN, null, note(a, note), null, null, null, null, null, actor, note));
    }

    /** Closes an action with its outcome; a CLAIMED one only by its assignee or a lead (who keeps it assigned). */
    public QueuedAction done(long id, Actor actor, Outcome outcome, String note) throws SQLException {
        checked(actor);
        if (outcome == null) {
            throw QueueException.badInput("done needs an outcome (one of " + Status.names(Outcome.values()) + ")");
        }
        return change(id, actor, EnumSet.of(Status.OPEN, Status.CLAIMED, Status.SNOOZED), "mark done",
                (c, a) -> closed(c, a, Status.DONE, actor, outcome.code(), note));
    }

    /** Closes an action as not worth doing; a CLAIMED one only by its assignee or a lead. */
    public QueuedAction dismiss(long id, Actor actor, String note) throws SQLException {
        checked(actor);
        return change(id, actor, EnumSet.of(Status.OPEN, Status.CLAIMED, Status.SNOOZED), "dismiss",
                (c, a) -> closed(c, a, Status.DISMISSED, actor, null, note));
    }

    /**
     * Puts an action off until {@code until}, unassigned (it is the team's again when it wakes); a
     * CLAIMED one only by its assignee or a lead.
     */
    public QueuedAction snooze(long id, Actor actor, Instant until, String note) throws SQLException {
        checked(actor);
        if (!until.isAfter(clock.instant())) {
            throw QueueException.badInput("snooze until " + ActionSink.timestamp(until) + " is not in the future");
        }
        return change(id, actor, EnumSet.of(Status.OPEN, Status.CLAIMED, Status.SNOOZED), "snooze",
                (c, a) -> new Change(a.id(), Status.SNOOZED, null, note(a, note), null, ActionSink.timestamp(until),
                        null, null, null, actor, note));
    }

    /**
     * Reads a snooze time: an ISO-8601 instant ({@code 2026-03-02T09:00:00Z}), a date (its start, UTC)
     * or a duration from now ({@code P3D}, {@code PT4H}).
     */
    public Instant parseUntil(String text) {
        String t = text == null ? "" : text.trim();
        try {
            if (t.startsWith("P") || t.startsWith("p")) {
                return clock.instant().plus(Duration.parse(t));
            }
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw QueueException.badInput("cannot read the time '" + text + "': give an instant"
                    + " (2026-03-02T09:00:00Z), a date (2026-03-02) or a duration from now (P3D, PT4H)");
        }
    }

    /** The actions matching the filter, in priority order. */
    public List<QueuedAction> list(QueueFilter filter) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + QueuedAction.COLUMNS + " FROM recommended_actions WHERE status IN (");
        List<String> args = new ArrayList<>();
        for (Status s : filter.statuses()) {
            sql.append(args.isEmpty() ? "?" : ", ?");
            args.add(s.name());
        }
        sql.append(")");
        if (filter.action() != null) {
            sql.append(" AND action = ?");
            args.add(filter.action().toUpperCase(java.util.Locale.ROOT));
        }
        if (filter.tier() != null) {
            sql.append(" AND (value_tier = ? OR risk_tier = ?)");
            args.add(filter.tier());
            args.add(filter.tier());
        }
        if (filter.assignee() != null) {
            sql.append(" AND assignee = ?");
            args.add(filter.assignee());
        }
        if (filter.customer() != null) {
            sql.append(" AND customer_id = ?");
            args.add(filter.customer().toLowerCase(java.util.Locale.ROOT));
        }
        if (filter.owner() != null) {
            sql.append(" AND owner = ?");
            args.add(filter.owner().trim().toLowerCase(java.util.Locale.ROOT));
        }
        sql.append(" ORDER BY ").append(PRIORITY_ORDER).append(" LIMIT ").append(filter.limit());
        return inTransaction(c -> {
            clockTransitions(c);
            List<QueuedAction> actions = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setString(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        actions.add(QueuedAction.read(rs));
                    }
                }
            }
            return actions;
        });
    }

    /** The action with its reasons and its whole history. */
    public ActionDetail show(long id) throws SQLException {
        return inTransaction(c -> {
            clockTransitions(c);
            QueuedAction action = find(c, id, false);
            List<Transition> history = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT at, actor, from_status, to_status, note"
                    + " FROM action_history WHERE action_id = ? ORDER BY id")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        history.add(new Transition(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5)));
                    }
                }
            }
            return new ActionDetail(action, history);
        });
    }

    /**
     * A customer's story: its score history with the band and tier changes, the rule packs that took
     * over, and what happened to its actions. Read without the queue's lock: it writes nothing.
     *
     * @throws QueueException NOT_FOUND for a customer with neither a score history nor actions
     */
    public CustomerStory story(String customerId) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                CustomerStory story = CustomerStory.read(c, customerId);
                if (story.points().isEmpty() && story.actions().isEmpty()) {
                    throw QueueException.noCustomer(customerId);
                }
                return story;
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    /** The team: each member with their capacity and this week's load, by agent name. */
    public List<TeamMember> team() throws SQLException {
        return inTransaction(this::team);
    }

    private List<TeamMember> team(Connection c) throws SQLException {
        List<String> agents = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT agent FROM queue_team WHERE agent <> ? ORDER BY agent")) {
            ps.setString(1, DEFAULT_MEMBER);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    agents.add(rs.getString(1));
                }
            }
        }
        List<TeamMember> team = new ArrayList<>(agents.size());
        for (String agent : agents) {
            team.add(member(c, agent));
        }
        return team;
    }

    /** The agent as a team member (whether or not they have a row): their capacity and this week's load. */
    public TeamMember member(String agent) throws SQLException {
        checkAgent(agent);
        return inTransaction(c -> member(c, agent));
    }

    /** The team's default weekly capacity (the {@value #DEFAULT_MEMBER} row). */
    public int defaultCapacity() throws SQLException {
        return inTransaction(this::defaultCapacity);
    }

    /**
     * Adds a member or changes one: a null e-mail, name or capacity keeps what the member has (a new
     * member without a capacity takes the team default). {@code agent} {@value #DEFAULT_MEMBER} with
     * a capacity sets the team default.
     */
    public TeamMember setMember(String agent, String email, String displayName, Integer weeklyCapacity)
            throws SQLException {
        if (!agent.equals(DEFAULT_MEMBER)) {
            checkAgent(agent);
        } else if (email != null || displayName != null || weeklyCapacity == null) {
            throw QueueException.badInput("the team default (" + DEFAULT_MEMBER + ") takes a capacity only");
        }
        if (weeklyCapacity != null && weeklyCapacity < 0) {
            throw QueueException.badInput("a weekly capacity cannot be negative: " + weeklyCapacity);
        }
        String mail = email == null ? null : email.trim().toLowerCase(java.util.Locale.ROOT);
        if (mail != null && !EMAIL.matcher(mail).matches()) {
            throw QueueException.badInput("'" + email + "' is not an e-mail address");
        }
        return inTransaction(c -> {
            if (mail != null) {
                try (PreparedStatement ps = c.prepareStatement("SELECT agent FROM queue_team WHERE email = ? AND agent <> ?")) {
                    ps.setString(1, mail);
                    ps.setString(2, agent);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            throw QueueException.illegal(mail + " is already " + rs.getString(1) + "'s e-mail");
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO queue_team (agent, email, display_name,"
                    + " weekly_capacity) VALUES (?, ?, ?, ?) ON CONFLICT (agent) DO UPDATE SET"
                    + " email = coalesce(excluded.email, queue_team.email),"
                    + " display_name = coalesce(excluded.display_name, queue_team.display_name),"
                    + " weekly_capacity = coalesce(excluded.weekly_capacity, queue_team.weekly_capacity)")) {
                ps.setString(1, agent);
                ps.setString(2, mail);
                ps.setString(3, displayName);
                if (weeklyCapacity == null) {
                    ps.setNull(4, java.sql.Types.INTEGER);
                } else {
                    ps.setInt(4, weeklyCapacity);
                }
                ps.executeUpdate();
            }
            return member(c, agent);
        });
    }

    /**
     * The open actions beyond what the team can take on this week (the sum of each member's
     * remaining capacity), in queue order: for leads, to move capacity or drop work.
     */
    public Overflow overflow(int limit) throws SQLException {
        return inTransaction(c -> {
            clockTransitions(c);
            int remaining = 0;
            for (TeamMember m : team(c)) {
                remaining += m.remaining();
            }
            int open;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM recommended_actions WHERE status = 'OPEN'")) {
                rs.next();
                open = rs.getInt(1);
            }
            List<QueuedAction> beyond = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + QueuedAction.COLUMNS + " FROM recommended_actions"
                    + " WHERE status = 'OPEN' ORDER BY " + PRIORITY_ORDER + " LIMIT ? OFFSET ?")) {
                ps.setInt(1, limit);
                ps.setInt(2, remaining);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        beyond.add(QueuedAction.read(rs));
                    }
                }
            }
            return new Overflow(remaining, open, beyond);
        });
    }

    /**
     * The agent as a member: their row (or none), the default capacity for a member without their
     * own, and the actions they took on this week: claimed since Monday 00:00 UTC and still theirs
     * (released or snoozed work went back to the team; finished work counts).
     */
    private TeamMember member(Connection c, String agent) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(MEMBER)) {
            ps.setString(1, agent);
            ps.setString(2, agent);
            ps.setString(3, agent);
            ps.setString(4, DEFAULT_MEMBER);
            ps.setString(5, agent);
            ps.setString(6, ActionSink.timestamp(weekStart()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int own = rs.getInt(3);
                boolean ownCapacity = !rs.wasNull();
                int teamDefault = rs.getInt(4);
                int capacity = ownCapacity ? own : rs.wasNull() ? DEFAULT_CAPACITY : teamDefault;
                return new TeamMember(agent, rs.getString(1), rs.getString(2), capacity, ownCapacity, rs.getInt(5));
            }
        }
    }

    /** One round trip per claim: the member's row, the default capacity and this week's count. */
    private static final String MEMBER = "SELECT (SELECT email FROM queue_team WHERE agent = ?),"
            + " (SELECT display_name FROM queue_team WHERE agent = ?),"
            + " (SELECT weekly_capacity FROM queue_team WHERE agent = ?),"
            + " (SELECT weekly_capacity FROM queue_team WHERE agent = ?),"
            + " (SELECT count(*) FROM recommended_actions WHERE assignee = ? AND claimed_at >= ?)";

    private int defaultCapacity(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT weekly_capacity FROM queue_team WHERE agent = ?")) {
            ps.setString(1, DEFAULT_MEMBER);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : DEFAULT_CAPACITY;
            }
        }
    }

    /** Monday 00:00 UTC of the clock's week: when weekly capacities start again. */
    private Instant weekStart() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return today.with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY))
                .atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Cooldown days per action code; {@value SinkDatabase#DEFAULT_COOLDOWN_KEY} applies to the rest. */
    public Map<String, Integer> cooldowns() throws SQLException {
        return inTransaction(c -> {
            Map<String, Integer> days = new LinkedHashMap<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT action, cooldown_days FROM action_cooldowns ORDER BY action")) {
                while (rs.next()) {
                    days.put(rs.getString(1), rs.getInt(2));
                }
            }
            return days;
        });
    }

    /** Sets how long a DONE or DISMISSED action of this type stays closed (applies to later closings). */
    public void setCooldown(String action, int days) throws SQLException {
        if (days < 0) {
            throw QueueException.badInput("a cooldown cannot be negative: " + days);
        }
        String key = action.equals(SinkDatabase.DEFAULT_COOLDOWN_KEY) ? action : action.toUpperCase(java.util.Locale.ROOT);
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO action_cooldowns (action, cooldown_days)"
                    + " VALUES (?, ?) ON CONFLICT (action) DO UPDATE SET cooldown_days = excluded.cooldown_days")) {
                ps.setString(1, key);
                ps.setInt(2, days);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void close() {
        pool.close();
    }

    // --- the workflow ---

    /** The new workflow state of a row; written whole by {@link #UPDATE_WORKFLOW}. */
    private record Change(long id, Status status, String assignee, String notes, String outcome, String snoozedUntil,
                          String claimedAt, String closedAt, String reopenAfter, Actor actor, String note) {}

    private interface Transform {
        Change apply(Connection c, QueuedAction current) throws SQLException;
    }

    /**
     * Closing sets when the action may come back: the later of now and the evidence it was closed on,
     * plus the action type's cooldown. Only a recommendation valid as of then reopens it (see ActionSink).
     */
    private Change closed(Connection c, QueuedAction a, Status to, Actor actor, String outcome, String note) throws SQLException {
        Instant evidence = Instant.parse(a.validAsOf());
        Instant from = evidence.isAfter(clock.instant()) ? evidence : clock.instant();
        String reopenAfter = ActionSink.timestamp(from.plus(Duration.ofDays(cooldownDays(c, a.action()))));
        return new Change(a.id(), to, a.assignee() == null ? actor.name() : a.assignee(), note(a, note), outcome, null,
                a.claimedAt(), now(), reopenAfter, actor, note);
    }

    /**
     * Moves the locked action from one of the {@code from} statuses (else ILLEGAL_TRANSITION); a
     * CLAIMED one only for its assignee or a lead (else NOT_YOURS).
     */
    private QueuedAction change(long id, Actor actor, Set<Status> from, String verb, Transform transform)
            throws SQLException {
        return inTransaction(c -> {
            clockTransitions(c);
            QueuedAction current = find(c, id, true);
            Status status = Status.valueOf(current.status());
            if (!from.contains(status)) {
                throw QueueException.illegal("cannot " + verb + " action " + id + ": it is " + status
                        + (current.assignee() != null && status == Status.CLAIMED ? " by " + current.assignee() : "")
                        + " (" + verb + " needs " + from + ")");
            }
            if (status == Status.CLAIMED && !actor.mayActOnClaimOf(current.assignee())) {
                throw QueueException.notYours("cannot " + verb + " action " + id + ": it is claimed by "
                        + current.assignee() + ", and only " + current.assignee() + " or a lead may");
            }
            write(c, status, transform.apply(c, current));
            return find(c, id, false);
        });
    }

    /**
     * Writes the change if the row is still in {@code expected} and, when CLAIMED, the actor's or
     * the actor a lead: the UPDATE checks both itself, so a row that moved meanwhile is never
     * overwritten (the caller's lock makes that a bug, reported as a conflict).
     */
    private void write(Connection c, Status expected, Change change) throws SQLException {
        if (change.note() != null && change.note().length() > MAX_NOTE) {
            throw QueueException.badInput("a note is at most " + MAX_NOTE + " characters");
        }
        try (PreparedStatement ps = c.prepareStatement(UPDATE_WORKFLOW)) {
            ps.setString(1, change.status().name());
            ps.setString(2, change.assignee());
            ps.setString(3, change.notes());
            ps.setString(4, change.outcome());
            ps.setString(5, change.snoozedUntil());
            ps.setString(6, change.claimedAt());
            ps.setString(7, change.closedAt());
            ps.setString(8, change.reopenAfter());
            ps.setString(9, now());
            ps.setString(10, change.actor().name());
            ps.setString(11, change.note());
            ps.setLong(12, change.id());
            ps.setString(13, expected.name());
            ps.setString(14, change.actor().name());
            ps.setInt(15, change.actor().lead() ? 1 : 0);
            if (ps.executeUpdate() != 1) {
                throw QueueException.illegal("action " + change.id() + " changed while " + change.actor().name()
                        + " was changing it: look again and retry");
            }
        }
    }

    /** A new note is appended to the cycle's notes (the history keeps each with its transition). */
    private static String note(QueuedAction a, String note) {
        if (note == null || note.isBlank()) {
            return a.notes();
        }
        return a.notes() == null ? note : a.notes() + "\n" + note;
    }

    /**
     * What the passing of time does, before any read or claim: snoozes that ended wake up, and
     * open or claimed actions past their due time escalate.
     */
    private void clockTransitions(Connection c) throws SQLException {
        wakeSnoozed(c);
        escalateOverdue(c);
    }

    /**
     * An OPEN or CLAIMED action past its due time escalates once a cycle: flagged
     * ({@code escalated_at}), one priority step up (1 stays 1; the sink keeps the step when it
     * re-scores the row), recorded in the history as the clock's, with the due time it missed.
     */
    private void escalateOverdue(Connection c) throws SQLException {
        String now = now();
        try (PreparedStatement ps = c.prepareStatement("UPDATE recommended_actions"
                + dialect.indexedBy("recommended_actions_due") + " SET escalated_at = ?,"
                + " priority = " + ESCALATED_PRIORITY + ", status_changed_at = ?, status_changed_by = 'clock',"
                + " status_note = 'overdue since ' || due_at || ': escalated to priority ' || " + ESCALATED_PRIORITY
                + " WHERE status IN ('OPEN', 'CLAIMED') AND due_at < ? AND escalated_at IS NULL")) {
            ps.setString(1, now);
            ps.setString(2, now);
            ps.setString(3, now);
            ps.executeUpdate();
        }
    }

    /** SQL: one priority step up from {@code priority}, 1 being the top. */
    private static final String ESCALATED_PRIORITY = ActionSink.escalated("priority");

    private void wakeSnoozed(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE recommended_actions SET status = 'OPEN',"
                + " assignee = NULL, status_changed_at = snoozed_until, status_changed_by = 'clock',"
                + " status_note = 'snooze ended', snoozed_until = NULL"
                + " WHERE status = 'SNOOZED' AND snoozed_until <= ?")) {
            ps.setString(1, now());
            ps.executeUpdate();
        }
    }

    private int cooldownDays(Connection c, String action) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT cooldown_days"
                + " FROM action_cooldowns WHERE action IN (?, ?) ORDER BY CASE WHEN action = ? THEN 1 ELSE 0 END")) {
            ps.setString(1, action);
            ps.setString(2, SinkDatabase.DEFAULT_COOLDOWN_KEY);
            ps.setString(3, SinkDatabase.DEFAULT_COOLDOWN_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : SinkDatabase.DEFAULT_COOLDOWN_DAYS;
            }
        }
    }

    private QueuedAction find(Connection c, long id, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + QueuedAction.COLUMNS
                + " FROM recommended_actions WHERE id = ?" + (lock ? dialect.forUpdate() : ""))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw QueueException.notFound(id);
                }
                return QueuedAction.read(rs);
            }
        }
    }

    private String now() {
        return ActionSink.timestamp(clock.instant());
    }

    private static Actor checked(Actor actor) {
        checkAgent(actor == null ? null : actor.name());
        return actor;
    }

    private static void checkAgent(String agent) {
        if (agent == null || !AGENT.matcher(agent).matches()) {
            throw QueueException.badInput("agent name '" + agent + "' is not valid: 1-64 letters, digits, '.', '_',"
                    + " '@' or '-', starting with a letter or digit");
        }
    }

    // --- transactions ---

    /**
     * Runs {@code work} in one transaction. A single-writer database (SQLite) takes its write lock
     * up front, so a read-then-update is never interleaved; this process's writers queue fairly
     * for it instead of spinning on the busy timeout.
     */
    private <T> T inTransaction(Transactions.Work<T> work) throws SQLException {
        if (!dialect.singleWriter()) {
            return transaction(work);
        }
        singleWriter.lock();
        try {
            return transaction(work);
        } finally {
            singleWriter.unlock();
        }
    }

    private <T> T transaction(Transactions.Work<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return Transactions.run(c, dialect, work);
        }
    }
}
