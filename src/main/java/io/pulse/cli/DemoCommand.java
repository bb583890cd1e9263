package io.pulse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.actions.QueueSummary;
import io.pulse.actions.SinkDatabase;
import io.pulse.generate.GeneratorSettings;
import io.pulse.history.CrmUsers;
import io.pulse.history.HistorySource;
import io.pulse.history.HistoryTables;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.Status;
import io.pulse.queue.QueuedAction;
import io.pulse.queue.QueueFilter;
import io.pulse.portfolio.LowShareGrades;
import io.pulse.portfolio.PortfolioMatrix;
import io.pulse.portfolio.PortfolioQuery;
import io.pulse.portfolio.PortfolioReport;
import io.pulse.rules.pack.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The embedded default: make demo history if missing, replay it into a fresh SQLite queue, "
                + "print a summary.")
final class DemoCommand implements Callable<Integer> {
    static final String DEFAULT_DIR = "data/demo";
    static final String ACTIONS_FILE = "actions.sqlite";
    /** The queue the demo writes: what `pulse queue` and `pulse serve` use unless given --sink. */
    /** Where `pulse serve` and `pulse deadletters replay` send live events unless told: give it to `pulse live --events`. */
    static final String DEFAULT_EVENTS = DEFAULT_DIR + "/live";
    static final String DEFAULT_SINK = "jdbc:sqlite:" + DEFAULT_DIR + "/" + ACTIONS_FILE;

    @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "Where the demo files live (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--companies", defaultValue = "2000", description = "Companies in new demo history (default: ${DEFAULT-VALUE}).")
    int companies;

    @Option(names = "--days", defaultValue = "365", description = "Days of new demo history (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--rules", defaultValue = "rules", description = "Rule pack directory (default: ${DEFAULT-VALUE}).")
    Path rules;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        Args.directoryToCreate("--dir", dir);
        RulesCommand.checkPack("--rules", rules);
        GenerateCommand.checkSize(companies, days);
        Files.createDirectories(dir);
        Path history = dir.resolve("history.sqlite");
        if (Files.exists(history)) {
            Args.existingFile("--dir", history, "history database", "delete it to have the demo make a new one");
            sayIfStale(history);
        } else {
            // The history ends yesterday, so the queue's due times fall in the coming days.
            LocalDate start = LocalDate.now(ZoneOffset.UTC).minusDays(days);
            System.out.printf("Generating demo history: %d companies, %d days from %s to yesterday -> %s%n",
                    companies, days, start, history);
            GenerateCommand.generate(new GeneratorSettings(companies, days, 42, start, history));
        }
        Path actions = dir.resolve(ACTIONS_FILE);
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(actions + suffix));
        }
        String sink = "jdbc:sqlite:" + actions;
        int status = ReplayCommand.run(history.toString(), rules, sink, parallelism, Duration.ofDays(1), new JobOptions());
        if (status != 0) {
            return status;
        }
        SinkDatabase db = SinkDatabase.of(sink);
        LowShareGrades grades = LowShareGrades.of(RuleSet.load(rules).parameters().getPortfolioGrades());
        printSummary(new QueueSummary(db), PortfolioQuery.matrix(db, grades));
        System.out.printf("%nThe queue is in %s (table recommended_actions).%n", actions);
        joinTheTeam("jdbc:sqlite:" + history, sink);
        try (ActionQueue queue = ActionQueue.open(sink)) {
            for (QueuedAction top : queue.list(new QueueFilter(EnumSet.of(Status.OPEN), null, null, null, null, 1))) {
                System.out.printf("Before a call, a customer's story (the health score over time, what moved it, who"
                        + " did what; --chart FILE.svg draws it):%n  ./pulse queue customer %s%n", top.customerId());
            }
        }
        return 0;
    }

    /** The CRM's Customer Success people work the demo queue, each their own accounts first. */
    private static void joinTheTeam(String history, String sink) throws SQLException {
        if (!HistoryTables.hasAccountOwners(history)) {
            return; // a history made before owners: the queue is one shared pile
        }
        List<CrmUsers.User> team = CrmUsers.customerSuccess(history);
        try (ActionQueue queue = ActionQueue.open(sink)) {
            for (CrmUsers.User u : team) {
                queue.setMember(u.agent(), u.email(), u.name(), null);
            }
            System.out.printf("The team: %d people of the CRM's Customer Success, %d actions a week each"
                            + " (`./pulse queue team`); each works their own accounts first:%n"
                            + "  ./pulse queue next --agent %s%n", team.size(), queue.defaultCapacity(),
                    team.isEmpty() ? "dana" : team.get(0).agent());
        }
    }

    /** A demo history made days ago gives a queue due in the past: say how to get a current one. */
    private static void sayIfStale(Path history) throws SQLException {
        long end = HistorySource.endTime("jdbc:sqlite:" + history);
        LocalDate lastDay = end == Long.MIN_VALUE ? null : Instant.ofEpochMilli(end).atZone(ZoneOffset.UTC).toLocalDate();
        if (lastDay != null && lastDay.isBefore(LocalDate.now(ZoneOffset.UTC).minusDays(1))) {
            System.out.printf("The demo history ends %s: delete %s for one that ends yesterday.%n", lastDay, history);
        }
    }

    private static void printSummary(QueueSummary q, PortfolioMatrix portfolio) throws Exception {
        print("Customers per health band", q.customersByHealthBand());
        printPortfolio(portfolio);
        print("Customers per value tier x risk tier", q.customersByValueAndRisk());
        print("Open actions per type", q.openActionsByType());
        print("Queue rows per status", q.rowsByStatus());
        Map<String, Long> byOwner = q.openActionsByOwner();
        if (byOwner.keySet().stream().anyMatch(owner -> !owner.equals("(unowned)"))) {
            Map<String, Long> largest = new java.util.LinkedHashMap<>();
            byOwner.entrySet().stream().limit(5).forEach(e -> largest.put(e.getKey(), e.getValue()));
            print("Open actions per account owner (the 5 largest books of " + byOwner.size() + ")", largest);
        }
        System.out.printf("%nTop 10 of the queue%n");
        for (QueueSummary.QueueItem i : q.top(10)) {
            System.out.printf("  #%-6d %-22s %-26s prio %d  due %s  health %s %.1f  %s value / %s risk  6m revenue $%,.0f%n",
                    i.id(), i.action(), i.customerId(), i.priority(), i.dueAt(), i.healthBand(), i.healthScore(),
                    i.valueTier(), i.riskTier(), i.predicted6mRevenue());
            System.out.printf("          why: %s%n", String.join("; ", ruleNames(i.reasons())));
        }
    }

    /** The portfolio view, compact: what `pulse report portfolio` prints in full. */
    private static void printPortfolio(PortfolioMatrix m) {
        System.out.printf("%nPortfolio: share of Low-band accounts per industry x size (%s)%n", m.grades().describe());
        PortfolioReport.compact(m).lines().forEach(line -> System.out.println("  " + line));
    }

    private static List<String> ruleNames(String reasonsJson) throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode reason : new ObjectMapper().readTree(reasonsJson)) {
            names.add(reason.path("rule").asText());
        }
        return names;
    }

    private static void print(String title, Map<String, Long> counts) {
        System.out.printf("%n%s%n", title);
        counts.forEach((k, v) -> System.out.printf("  %-36s %,8d%n", k, v));
    }
}
