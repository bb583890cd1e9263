package io.pulse.cli;

import io.pulse.queue.ActionDetail;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.CustomerStory;
import io.pulse.queue.StoryChart;
import io.pulse.actions.SinkDatabase;
import io.pulse.history.CrmUsers;
import io.pulse.notifications.NotificationKind;
import io.pulse.notifications.NotificationTarget;
import io.pulse.notifications.Notifier;
import io.pulse.notifications.NotifierLoop;
import io.pulse.queue.Actor;
import io.pulse.queue.Outcome;
import io.pulse.queue.Overflow;
import io.pulse.queue.TeamMember;
import io.pulse.queue.QueueException;
import io.pulse.queue.QueueFilter;
import io.pulse.queue.QueueJson;
import io.pulse.queue.QueuedAction;
import io.pulse.queue.Status;
import io.pulse.queue.Transition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** `pulse queue ...`: the CS work queue from the command line. */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "The CS work queue: claim the next action, list, show, and move actions through the workflow "
                + "(OPEN, CLAIMED, DONE, DISMISSED, SNOOZED, SUPERSEDED).",
        subcommands = {QueueCommand.Next.class, QueueCommand.ListActions.class, QueueCommand.Show.class,
                QueueCommand.Claim.class, QueueCommand.Release.class, QueueCommand.Done.class,
                QueueCommand.Dismiss.class, QueueCommand.Snooze.class, QueueCommand.Assign.class,
                QueueCommand.Team.class, QueueCommand.OverflowCommand.class, QueueCommand.Notify.class,
                QueueCommand.Cooldown.class, QueueCommand.Customer.class})
final class QueueCommand {
    /** Exit status of `next` when nothing is OPEN: a script's loop ends on it. */
    static final int EMPTY = 3;

    /** Options and error handling every queue command shares. */
    abstract static class Operation implements Callable<Integer> {
        @Option(names = "--sink", defaultValue = DemoCommand.DEFAULT_SINK,
                description = "JDBC URL of the queue (default: ${DEFAULT-VALUE}, the demo's).")
        String sink;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        final PrintStream out = System.out;

        @Override
        public Integer call() throws Exception {
            Reachability.database("--sink", sink, false);
            try (ActionQueue queue = ActionQueue.open(sink)) {
                return run(queue);
            } catch (QueueException e) {
                System.err.println("pulse queue: " + e.getMessage());
                return 1;
            } catch (SQLException e) {
                System.err.println("pulse queue: database error at " + sink + ": " + e.getMessage());
                return 1;
            }
        }

        abstract int run(ActionQueue queue) throws Exception;

        void print(Object value) throws Exception {
            out.println(QueueJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
        }

        /** One changed action: JSON, or a line saying where it is now. */
        int changed(QueuedAction a) throws Exception {
            if (json) {
                print(a);
            } else {
                out.printf("#%d %s %s is %s%s%n", a.id(), a.action(), a.customerId(), a.status(),
                        a.assignee() == null ? "" : " (" + a.assignee() + ")");
            }
            return 0;
        }
    }

    /** A command that acts as someone. */
    abstract static class AgentOperation extends Operation {
        @Option(names = "--agent", defaultValue = "${env:PULSE_AGENT}",
                description = "Who acts (default: the PULSE_AGENT environment variable).")
        String agent;

        @Override
        public Integer call() throws Exception {
            if (agent == null || agent.isBlank()) {
                System.err.println("pulse queue: say who acts with --agent NAME (or PULSE_AGENT)");
                return 2;
            }
            return super.call();
        }
    }

    /** A command on one action, with an optional note for its history. */
    abstract static class ActionOperation extends AgentOperation {
        @Parameters(index = "0", paramLabel = "ID", description = "The action's id.")
        long id;

        @Option(names = "--note", description = "Why, for the action's history.")
        String note;
    }

    /**
     * A change to an action that may be someone's claim: a CLAIMED action is its assignee's to
     * release, finish, snooze or dismiss, or a lead's (exit 1 otherwise). The CLI trusts who it is
     * told acts (--agent, --as-lead), as it trusts --agent for claims: it keeps people from
     * closing a colleague's work by mistake; the API's tokens are what keep them out.
     */
    abstract static class OwnedActionOperation extends ActionOperation {
        @Option(names = "--as-lead",
                description = "Act as a lead: may also change a colleague's claimed action (the history names --agent).")
        boolean asLead;

        Actor actor() {
            return new Actor(agent, asLead);
        }
    }

    @Command(name = "next", mixinStandardHelpOptions = true,
            description = "Claim the highest-priority OPEN action (severity, revenue at risk, due time) of your own "
                    + "accounts, else of the unowned ones, or the next --count of them, up to your weekly capacity. "
                    + "With --json, one JSON object per line per claimed action. Exit status " + EMPTY
                    + " when nothing was OPEN for you.")
    static final class Next extends AgentOperation {
        @Option(names = "--count", defaultValue = "1",
                description = "Claim up to this many, one at a time (default: ${DEFAULT-VALUE}).")
        int count;

        @Override
        int run(ActionQueue queue) throws Exception {
            if (count < 1) {
                throw QueueException.badInput("--count must be at least 1, got " + count);
            }
            int claimed = 0;
            for (Optional<QueuedAction> next = nextOrFull(queue, claimed); next.isPresent();
                    next = claimed < count ? nextOrFull(queue, claimed) : Optional.empty()) {
                claimed++;
                if (json) {
                    out.println(QueueJson.mapper().writeValueAsString(next.get()));
                } else {
                    describe(out, queue.show(next.get().id()));
                }
            }
            if (claimed == 0) {
                System.err.println("pulse queue: nothing is OPEN in your accounts or the unowned ones");
                return EMPTY;
            }
            return 0;
        }

        /** The next action; once some were claimed, a full capacity ends the batch with a word instead of failing it. */
        private Optional<QueuedAction> nextOrFull(ActionQueue queue, int claimed) throws SQLException {
            try {
                return queue.next(agent);
            } catch (QueueException e) {
                if (claimed == 0 || e.kind() != QueueException.Kind.CAPACITY) {
                    throw e;
                }
                System.err.println("pulse queue: " + e.getMessage());
                return Optional.empty();
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The queue in priority order (default: the live actions: OPEN, CLAIMED, SNOOZED).")
    static final class ListActions extends Operation {
        @Option(names = "--status", split = ",", paramLabel = "STATUS",
                description = "Only these statuses (comma-separated, e.g. open,claimed; 'all' for every status).")
        List<String> statuses;

        @Option(names = "--action", description = "Only this action, e.g. URGENT_RETAIN.")
        String action;

        @Option(names = "--tier", description = "Only customers with this value or risk tier, e.g. High.")
        String tier;

        @Option(names = "--assignee", description = "Only actions assigned to this person.")
        String assignee;

        @Option(names = "--customer", description = "Only this customer (its domain).")
        String customer;

        @Option(names = "--owner", description = "Only the accounts of this owner (their e-mail).")
        String owner;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int run(ActionQueue queue) throws Exception {
            if (limit < 1 || limit > 10_000) {
                throw QueueException.badInput("--limit must be between 1 and 10000, got " + limit);
            }
            List<QueuedAction> actions = queue.list(new QueueFilter(statuses(), action, tier, assignee, customer, limit,
                    owner));
            if (json) {
                print(actions);
                return 0;
            }
            out.printf("%-7s %-4s %-10s %-22s %-28s %-12s %14s  %-20s  %s%n",
                    "ID", "PRIO", "STATUS", "ACTION", "CUSTOMER", "ASSIGNEE", "6M REVENUE", "DUE", "OWNER");
            for (QueuedAction a : actions) {
                out.printf("%-7d %-4d %-10s %-22s %-28s %-12s %14s  %-20s  %s%n", a.id(), a.priority(), a.status(),
                        a.action(), a.customerId(), a.assignee() == null ? "-" : a.assignee(),
                        String.format("$%,.0f", a.predicted6mRevenue()), a.dueAt(), a.owner() == null ? "-" : a.owner());
            }
            out.printf("%d action%s%n", actions.size(), actions.size() == 1 ? "" : "s");
            return 0;
        }

        private Set<Status> statuses() {
            if (statuses == null) {
                return null;
            }
            if (statuses.size() == 1 && statuses.get(0).equalsIgnoreCase("all")) {
                return EnumSet.allOf(Status.class);
            }
            Set<Status> parsed = EnumSet.noneOf(Status.class);
            try {
                statuses.forEach(s -> parsed.add(Status.parse(s)));
            } catch (QueueException e) {
                throw QueueException.badInput("--status: " + e.getMessage());
            }
            return parsed;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One action: the recommendation, the reasons behind it, and its history.")
    static final class Show extends Operation {
        @Parameters(index = "0", paramLabel = "ID", description = "The action's id.")
        long id;

        @Override
        int run(ActionQueue queue) throws Exception {
            ActionDetail detail = queue.show(id);
            if (json) {
                print(detail);
            } else {
                describe(out, detail);
            }
            return 0;
        }
    }

    @Command(name = "customer", mixinStandardHelpOptions = true,
            description = "A customer's story before a call: the health score over time, where its band or a tier"
                    + " changed and the inputs that moved the score most, the rule packs that took over, and what"
                    + " happened to its actions, who did what.")
    static final class Customer extends Operation {
        @Parameters(index = "0", paramLabel = "ID", description = "The customer's id (its domain, as in the queue).")
        String customerId;

        @Option(names = "--rules", defaultValue = "rules", paramLabel = "DIR",
                description = "The rule pack whose band thresholds the chart shows (default: ${DEFAULT-VALUE}).")
        Path rules;

        @Option(names = "--chart", paramLabel = "FILE.svg", description = "Also write the health score chart (SVG).")
        Path chart;

        @Override
        int run(ActionQueue queue) throws Exception {
            StoryChart.Bands bands = StoryText.bands(rules);
            CustomerStory story = queue.story(customerId);
            if (chart != null) {
                Files.writeString(chart, StoryChart.svg(story, bands));
            }
            if (json) {
                print(new StoryChart.Story(story, bands));
            } else {
                StoryText.print(out, story, bands);
                if (chart != null) {
                    out.println("Chart: " + chart);
                }
            }
            return 0;
        }
    }

    @Command(name = "claim", mixinStandardHelpOptions = true, description = "Claim an OPEN or SNOOZED action.")
    static final class Claim extends ActionOperation {
        @Override
        int run(ActionQueue queue) throws Exception {
            return changed(queue.claim(id, agent, note));
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Put a CLAIMED action back to OPEN (the assignee, or a lead with --as-lead).")
    static final class Release extends OwnedActionOperation {
        @Override
        int run(ActionQueue queue) throws Exception {
            return changed(queue.release(id, actor(), note));
        }
    }

    @Command(name = "done", mixinStandardHelpOptions = true,
            description = "Mark an action DONE with its outcome; it comes back only on new evidence after the "
                    + "action type's cooldown.")
    static final class Done extends OwnedActionOperation {
        @Option(names = "--outcome", required = true,
                description = "saved, churned, downgraded, renewed, expanded or no_action.")
        String outcome;

        @Override
        int run(ActionQueue queue) throws Exception {
            Outcome parsed;
            try {
                parsed = Outcome.parse(outcome);
            } catch (QueueException e) {
                throw QueueException.badInput("--outcome: " + e.getMessage());
            }
            return changed(queue.done(id, actor(), parsed, note));
        }
    }

    @Command(name = "dismiss", mixinStandardHelpOptions = true,
            description = "Dismiss an action; it comes back only on new evidence after the action type's cooldown.")
    static final class Dismiss extends OwnedActionOperation {
        @Override
        int run(ActionQueue queue) throws Exception {
            return changed(queue.dismiss(id, actor(), note));
        }
    }

    @Command(name = "snooze", mixinStandardHelpOptions = true,
            description = "Put an action off; it is OPEN again when the time comes.")
    static final class Snooze extends OwnedActionOperation {
        @Option(names = "--until", required = true,
                description = "An instant (2026-03-02T09:00:00Z), a date (2026-03-02, UTC) or a duration from now "
                        + "(P3D, PT4H).")
        String until;

        @Override
        int run(ActionQueue queue) throws Exception {
            java.time.Instant when;
            try {
                when = queue.parseUntil(until);
            } catch (QueueException e) {
                throw QueueException.badInput("--until: " + e.getMessage());
            }
            return changed(queue.snooze(id, actor(), when, note));
        }
    }

    @Command(name = "assign", mixinStandardHelpOptions = true,
            description = "A lead (--as-lead) hands an OPEN, SNOOZED or CLAIMED action to a colleague who has "
                    + "capacity left this week.")
    static final class Assign extends OwnedActionOperation {
        @Option(names = "--to", required = true, paramLabel = "AGENT", description = "Who takes the action on.")
        String to;

        @Override
        int run(ActionQueue queue) throws Exception {
            return changed(queue.assign(id, actor(), to, note));
        }
    }

    @Command(name = "team", mixinStandardHelpOptions = true,
            description = "The CS team: each member's e-mail (whose accounts are theirs), weekly capacity and what "
                    + "they took on this week (Monday 00:00 UTC on). With --set, add or change a member.")
    static final class Team extends Operation {
        @Option(names = "--set", paramLabel = "AGENT", description = "The member to add or change ('*': the team "
                + "default capacity).")
        String member;

        @Option(names = "--email", description = "With --set: the CRM e-mail that makes accounts theirs.")
        String email;

        @Option(names = "--name", description = "With --set: the name people know them by.")
        String name;

        @Option(names = "--capacity", description = "With --set: actions they take on per week.")
        Integer capacity;

        @Option(names = "--from-history", paramLabel = "URL",
                description = "Add every active Customer Success user of the history's CRM (salesforce__user): "
                        + "agent name = the e-mail's local part; members already there keep their capacity.")
        String history;

        @Override
        int run(ActionQueue queue) throws Exception {
            if (member == null && (email != null || name != null || capacity != null)) {
                throw QueueException.badInput("--email, --name and --capacity change a member: say which with --set");
            }
            if (member != null) {
                queue.setMember(member, email, name, capacity);
            }
            if (history != null) {
                Reachability.database("--from-history", history, false);
                int added = 0;
                for (CrmUsers.User u : CrmUsers.customerSuccess(history)) {
                    queue.setMember(u.agent(), u.email(), u.name(), null);
                    added++;
                }
                System.err.printf("pulse queue: %d member%s from %s%n", added, added == 1 ? "" : "s", history);
            }
            List<TeamMember> team = queue.team();
            int defaultCapacity = queue.defaultCapacity();
            if (json) {
                print(Map.of("defaultCapacity", defaultCapacity, "members", team));
                return 0;
            }
            out.printf("%-24s %-36s %-24s %9s %6s%n", "AGENT", "E-MAIL", "NAME", "CAPACITY", "TAKEN");
            for (TeamMember m : team) {
                out.printf("%-24s %-36s %-24s %9s %6d%n", m.agent(), m.email() == null ? "-" : m.email(),
                        m.displayName() == null ? "-" : m.displayName(),
                        m.weeklyCapacity() + (m.ownCapacity() ? "" : "*"), m.takenThisWeek());
            }
            out.printf("%d member%s; * = the team default of %d a week%n", team.size(), team.size() == 1 ? "" : "s",
                    defaultCapacity);
            return 0;
        }
    }

    @Command(name = "overflow", mixinStandardHelpOptions = true,
            description = "For leads: the OPEN actions beyond what the team can take on this week (the sum of each "
                    + "member's remaining capacity), in queue order.")
    static final class OverflowCommand extends Operation {
        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int run(ActionQueue queue) throws Exception {
            if (limit < 1 || limit > 10_000) {
                throw QueueException.badInput("--limit must be between 1 and 10000, got " + limit);
            }
            Overflow overflow = queue.overflow(limit);
            if (json) {
                print(overflow);
                return 0;
            }
            int beyond = Math.max(0, overflow.open() - overflow.remainingCapacity());
            out.printf("%d OPEN, the team can take on %d more this week: %d beyond capacity%n", overflow.open(),
                    overflow.remainingCapacity(), beyond);
            for (QueuedAction a : overflow.actions()) {
                out.printf("%-7d %-4d %-22s %-28s %-32s %14s%n", a.id(), a.priority(), a.action(), a.customerId(),
                        a.owner() == null ? "(unowned)" : a.owner(), String.format("$%,.0f", a.predicted6mRevenue()));
            }
            return 0;
        }
    }

    @Command(name = "notify", mixinStandardHelpOptions = true,
            description = {"Outbound webhooks for new priority-1 actions, escalations and assignments: the targets,"
                    + " the outbox (pending, delivered, parked with the reason), and a delivery round.",
                    "pulse serve delivers every second; --once does one round here, --watch keeps going."})
    static final class Notify extends Operation {
        @Option(names = "--set-target", paramLabel = "NAME", description = "Add or replace a target (with --url, "
                + "--format, --kinds, and optionally --actions).")
        String target;

        @Option(names = "--url", description = "With --set-target: where to POST (http or https).")
        String url;

        @Option(names = "--format", defaultValue = "generic",
                description = "With --set-target: slack (a Slack incoming webhook's {\"text\"}) or generic (the whole"
                        + " notification as JSON; default).")
        String format;

        @Option(names = "--kinds", split = ",", paramLabel = "KIND",
                description = "With --set-target: new_p1, escalated, assigned (comma-separated).")
        List<String> kinds;

        @Option(names = "--actions", split = ",", paramLabel = "ACTION",
                description = "With --set-target: only these action codes (default: every action).")
        List<String> actions;

        @Option(names = "--for", paramLabel = "AGENT",
                description = "With --set-target: one person's target, only notifications about their book (accounts"
                        + " they own, by their e-mail on the team) or actions assigned to them (default: the team's).")
        String forAgent;

        @Option(names = "--remove-target", paramLabel = "NAME", description = "Remove a target (its pending"
                + " notifications wait, undelivered, until a target of that name is set again).")
        String remove;

        @Option(names = "--once", description = "Enqueue what is new and deliver what is due, once.")
        boolean once;

        @Option(names = "--watch", description = "Deliver every second until stopped (Ctrl-C).")
        boolean watch;

        @Option(names = "--status", description = "List the outbox's notifications of this status (pending,"
                + " delivered, parked; 'all' for every one).")
        String status;

        @Override
        int run(ActionQueue queue) throws Exception {
            Notifier notifier = new Notifier(SinkDatabase.of(sink), java.time.Clock.systemUTC(),
                    Notifier.Retries.defaults());
            if (target != null) {
                if (url == null || kinds == null) {
                    throw QueueException.badInput("--set-target needs --url and --kinds");
                }
                try {
                    java.util.Set<NotificationKind> parsed = java.util.EnumSet.noneOf(NotificationKind.class);
                    kinds.forEach(k -> parsed.add(NotificationKind.parse(k)));
                    notifier.setTarget(new NotificationTarget(target, url, format, parsed,
                            actions == null ? java.util.Set.of() : new java.util.HashSet<>(actions), forAgent));
                } catch (IllegalArgumentException e) {
                    throw QueueException.badInput(e.getMessage());
                }
            }
            if (remove != null && !notifier.removeTarget(remove)) {
                throw QueueException.badInput("no target named " + remove);
            }
            if (watch) {
                try (NotifierLoop loop = NotifierLoop.start(notifier, java.time.Duration.ofSeconds(1))) {
                    CountDownLatch stopped = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
                    stopped.await();
                }
                return 0;
            }
            if (once) {
                int enqueued = notifier.enqueue();
                Notifier.Round round = notifier.deliverDue();
                System.err.printf("pulse queue: %d new notification%s; %d delivered, %d to retry, %d parked%n",
                        enqueued, enqueued == 1 ? "" : "s", round.delivered(), round.retried(), round.parked());
            }
            if (status != null) {
                String s = status.equalsIgnoreCase("all") ? null : status.toUpperCase(java.util.Locale.ROOT);
                if (s != null && !List.of("PENDING", "DELIVERED", "PARKED").contains(s)) {
                    throw QueueException.badInput("--status is pending, delivered, parked or all, not '" + status + "'");
                }
                List<Notifier.Outgoing> rows = notifier.list(s, 200);
                if (json) {
                    print(rows);
                } else {
                    for (Notifier.Outgoing n : rows) {
                        out.printf("#%-6d %-10s %-10s action %-7d %-9s attempts %d%s%n", n.id(), n.target(), n.kind(),
                                n.actionId(), n.status(), n.attempts(), n.lastError() == null ? ""
                                        : "  " + n.lastError());
                    }
                }
                return 0;
            }
            List<NotificationTarget> targets = notifier.targets();
            Map<String, Long> counts = notifier.counts();
            if (json) {
                print(Map.of("targets", targets.stream().map(t -> Map.of("name", t.name(), "format", t.format(),
                        "kinds", t.kinds(), "actions", t.actions(), "for", t.agent() == null ? "team" : t.agent(),
                        "url", t.shownUrl())).toList(),
                        "notifications", counts));
                return 0;
            }
            for (NotificationTarget t : targets) {
                out.printf("%-16s %-8s %-32s %s%n", t.name(), t.format(), t.kinds().stream()
                        .map(NotificationKind::code).sorted().collect(java.util.stream.Collectors.joining(","))
                        + (t.actions().isEmpty() ? "" : " of " + String.join(",", new java.util.TreeSet<>(t.actions())))
                        + (t.agent() == null ? "" : " for " + t.agent()),
                        t.shownUrl());
            }
            out.printf("%d target%s; notifications: %s%n", targets.size(), targets.size() == 1 ? "" : "s", counts);
            return 0;
        }
    }

    @Command(name = "cooldown", mixinStandardHelpOptions = true,
            description = "Show or set how many days a DONE or DISMISSED action stays closed, per action type "
                    + "('*' for the rest).")
    static final class Cooldown extends Operation {
        @Option(names = "--set", paramLabel = "ACTION=DAYS", description = "e.g. URGENT_RETAIN=14 or '*=30'.")
        Map<String, Integer> set;

        @Override
        int run(ActionQueue queue) throws Exception {
            if (set != null) {
                for (Map.Entry<String, Integer> e : set.entrySet()) {
                    queue.setCooldown(e.getKey(), e.getValue());
                }
            }
            Map<String, Integer> days = queue.cooldowns();
            if (json) {
                print(days);
            } else {
                days.forEach((action, d) -> out.printf("%-24s %d days%n", action, d));
            }
            return 0;
        }
    }

    static void describe(PrintStream out, ActionDetail detail) {
        QueuedAction a = detail.action();
        out.printf("#%d %s for %s: %s%s%n", a.id(), a.action(), a.customerId(), a.status(),
                a.assignee() == null ? "" : " (" + a.assignee() + ")");
        out.printf("  priority %d, 6-month revenue $%,.0f, due %s%n", a.priority(), a.predicted6mRevenue(), a.dueAt());
        out.printf("  account owner: %s%n", a.owner() == null ? "(none)" : a.owner());
        if (a.escalatedAt() != null) {
            out.printf("  overdue: escalated at %s%n", a.escalatedAt());
        }
        out.printf("  value %s, risk %s, health %s (%.1f); valid as of %s, rules %s%n", a.valueTier(), a.riskTier(),
                a.healthBand(), a.healthScore(), a.validAsOf(), a.rulesetVersion());
        if (a.snoozedUntil() != null) {
            out.printf("  snoozed until %s%n", a.snoozedUntil());
        }
        if (a.outcome() != null) {
            out.printf("  outcome %s%n", a.outcome());
        }
        if (a.notes() != null) {
            out.printf("  notes: %s%n", a.notes().replace("\n", " / "));
        }
        out.printf("  playbook: %s%n", a.playbook());
        out.printf("  why: %s%n", a.reasons());
        if (a.cohorts() != null && !a.cohorts().equals("[]")) {
            out.printf("  cohorts: %s%n", a.cohorts());
        }
        out.println("  history:");
        for (Transition t : detail.history()) {
            out.printf("    %s  %-10s %s -> %s%s%n", t.at(), t.actor(), t.from() == null ? "(new)" : t.from(), t.to(),
                    t.note() == null ? "" : "  \"" + t.note() + "\"");
        }
    }
}
