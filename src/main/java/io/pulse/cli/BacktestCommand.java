package io.pulse.cli;

import io.pulse.backtest.Backtest;
import io.pulse.backtest.Team;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.TeamMember;
import io.pulse.backtest.BacktestWindow;
import io.pulse.backtest.Scores;
import io.pulse.history.HistoryDatabase;
import io.pulse.rules.pack.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.time.LocalDate;
import java.util.concurrent.Callable;

@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = {"Replay a window of history with a rule set (and a challenger) through the Flink job,"
                + " into run-scoped tables under --out (never the live queue), and score the recommendations"
                + " against what really happened: precision, recall, lift and lead time per action, tier and band;"
                + " weekly workload; stability (openings per customer per year, median days open, flip-flops) per"
                + " action and family; a per-customer diff against the challenger.",
                "Writes report.html, metrics.json, recommendations-*.csv and diff.csv into --out."})
final class BacktestCommand implements Callable<Integer> {
    @Option(names = "--history", required = true, paramLabel = "FILE|JDBC_URL", description = ReplayCommand.HISTORY)
    String history;

    @Option(names = "--rules", defaultValue = "rules", description = "Rule pack (the champion; default: ${DEFAULT-VALUE}).")
    Path rules;

    @Option(names = "--challenger", description = "A second rule pack to compare against the champion.")
    Path challenger;

    @Option(names = "--from", required = true, description = "First day of the window (YYYY-MM-DD, UTC).")
    LocalDate from;

    @Option(names = "--to", required = true, description = "Last day of the window (YYYY-MM-DD, UTC, included).")
    LocalDate to;

    @Option(names = "--horizon", defaultValue = "90d",
            description = "How long after a flag a churn or downgrade counts, e.g. 90d or P90D (default: ${DEFAULT-VALUE}).")
    String horizon;

    @Option(names = "--out", required = true, description = "Output directory (created if missing).")
    Path out;

    @Option(names = "--team-size", description = "CSMs working the queue: adds the weekly workload per CSM.")
    Integer teamSize;

    @Option(names = "--capacity", description = "With --team-size: actions each CSM takes on per week; adds what"
            + " would have been left undone.")
    Integer capacity;

    @Option(names = "--team", paramLabel = "QUEUE_URL", description = "Size and weekly capacities from a queue's"
            + " team (pulse queue team): its members, and the sum of their capacities; instead of --team-size.")
    String teamQueue;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        HistoryDatabase historyDb = Reachability.history("--history", history);
        RulesCommand.checkPack("--rules", rules);
        if (challenger != null) {
            RulesCommand.checkPack("--challenger", challenger);
        }
        Args.directoryToCreate("--out", out);
        BacktestWindow window;
        try {
            window = new BacktestWindow(from, to, BacktestWindow.parseHorizon(horizon));
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw CliFailure.usage(m.startsWith("--") ? m : "--horizon: " + m);
        }
        Team team = team();
        if (parallelism < 1) {
            throw CliFailure.usage("--parallelism must be at least 1, got " + parallelism);
        }
        // Fail fast, before Flink starts: both packs must compile.
        if (RulesCommand.compileForHistory(rules, RuleSet.load(rules), historyDb.url()) == null || challenger != null
                && RulesCommand.compileForHistory(challenger, RuleSet.load(challenger), historyDb.url()) == null) {
            return 1;
        }
        Backtest.Result r;
        try {
            r = Backtest.run(new Backtest.Options(historyDb, rules, challenger, window, out, parallelism, team, true));
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage(), e);
        }
        System.out.printf("Backtest %s .. %s (scored %s .. %s), horizon %d days: %,d events per rule set,"
                        + " %.1f s of Flink jobs%n", window.from(), window.to(), r.evaluated().from(), r.evaluated().to(),
                window.horizon().toDays(), r.eventsRead(), r.jobSeconds());
        System.out.printf("%-22s %-10s %8s %10s %8s %7s %10s%n", "action", "rules", "flagged", "precision", "recall",
                "lift", "lead days");
        print(r.champion());
        if (r.challenger() != null) {
            print(r.challenger());
            System.out.printf("%,d customers change between champion and challenger (diff.csv)%n",
                    r.diff().customersChanged());
        }
        printStability(r.champion());
        if (r.challenger() != null) {
            printStability(r.challenger());
        }
        System.out.println("Report: " + out.resolve("report.html"));
        return 0;
    }

    /** The team of --team-size and --capacity, or of --team's queue; null for none. */
    private Team team() throws Exception {
        if (teamQueue != null) {
            if (teamSize != null || capacity != null) {
                throw CliFailure.usage("--team takes the size and capacities from the queue: drop --team-size and"
                        + " --capacity");
            }
            Reachability.database("--team", teamQueue, false);
            try (ActionQueue queue = ActionQueue.open(teamQueue)) {
                List<TeamMember> members = queue.team();
                if (members.isEmpty()) {
                    throw CliFailure.usage("--team: the queue at " + teamQueue + " has no team yet (pulse queue team"
                            + " --set NAME ...)");
                }
                return new Team(members.size(), members.stream().mapToInt(TeamMember::weeklyCapacity).sum());
            }
        }
        if (teamSize != null && teamSize < 1) {
            throw CliFailure.usage("--team-size must be at least 1, got " + teamSize);
        }
        if (capacity != null && (teamSize == null || capacity < 0)) {
            throw CliFailure.usage(teamSize == null ? "--capacity needs --team-size (or use --team QUEUE_URL)"
                    : "--capacity cannot be negative, got " + capacity);
        }
        return teamSize == null ? null : new Team(teamSize, capacity == null ? null : teamSize * capacity);
    }

    private static void print(Scores s) {
        for (Scores.SegmentScore a : s.actions()) {
            System.out.printf("%-22s %-10s %8d %10s %8s %7s %10s%n", a.segment().name(), s.rules(), a.flagged(),
                    a.precision(), a.recall(), a.lift(), a.leadTimeDays());
        }
    }

    /** The headline stability figures: value x risk openings and the weekly new actions (README, Backtests). */
    private static void printStability(Scores s) {
        Scores.StabilityScore v = s.stability().family("VALUE_RISK");
        Scores.WeeklyNewActions w = s.stability().weeklyNewActions();
        if (v != null) {
            System.out.printf("Stability (%s): value x risk openings per customer per year %s (most for one customer"
                            + " %d; %s of customers opened 3+ times), median %s days open, %,d flip-flops"
                            + " (A -> B -> A within 60 days) by %,d customers%n", s.rules(), v.openingsPerCustomerYear(),
                    v.maxOpeningsPerCustomer(), percent(v.shareOpenedThreeTimes()), v.medianDaysOpen(), v.flipFlops(),
                    v.customersWithFlipFlops());
        }
        System.out.printf("Weekly workload (%s): new actions per ISO week, median %s, max %,d (%d full weeks)%n",
                s.rules(), w.median(), w.max(), w.weeks());
    }

    private static String percent(Double share) {
        return share == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%", share * 100);
    }
}
