package io.pulse.bench;

import io.pulse.actions.SinkDatabase;
import io.pulse.features.Cadence;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistorySource;
import io.pulse.job.PulseJob;
import io.pulse.live.LiveEventFormat;
import io.pulse.live.LiveSource;
import io.pulse.evaluation.RulePackWatcher;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;

import static io.pulse.testing.RulePackFiles.copyOfPack;
import static io.pulse.testing.RulePackFiles.edit;
import static io.pulse.testing.SinkPolling.count;
import static io.pulse.testing.SinkPolling.waitForStableCount;

/**
 * Time from saving a rule file to every customer re-scored, in a running live job (parallelism 2,
 * SQLite sink, the rule directory polled every {@link RulePackWatcher#POLL} as {@code pulse live} does). Not a test: run it
 * by hand, see BENCHMARKS.md.
 *
 * <p>The customers arrive as live events (three snapshots each, in one JSON-lines file); once their
 * actions are written, parameters.json is edited (written aside, moved over the file), and the
 * clock runs until the pack's {@code rule_deployments} row says every customer is re-scored and
 * every row that re-score wrote is in the queue (polled every 50 ms). The default edit lowers the
 * red-alert threshold, which changes none of these customers' actions (each is re-scored, none
 * re-written); {@code priority} changes URGENT_RETAIN's priority, so every customer has a row
 * to re-write.
 *
 * <p>{@code reloads} edits in a row (each waits for the one before to be re-scored, each a new pack:
 * the threshold 70, 60, 59, 58, ...; the priority 1, 2, 3, ...): the first reload in a JVM also pays
 * for compiling (JIT) the validation and re-score paths, the later ones are what a long-running
 * job sees.
 *
 * <pre>java ... io.pulse.bench.ReloadBenchmark [customers=100000] [threshold|priority] [reloads=1]</pre>
 */
public final class ReloadBenchmark {

    public static void main(String[] args) throws Exception {
        int customers = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        boolean editEveryRow = args.length > 1 && args[1].equals("priority");
        int reloads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Path dir = Files.createTempDirectory("pulse-reload");
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(20, 40, 5, LocalDate.of(2025, 1, 1), history)).generate();
        String historyUrl = "jdbc:sqlite:" + history;
        long historyEnd = HistorySource.endTime(historyUrl);
        Path rules = copyOfPack(dir.resolve("rules"));
        Path events = Files.createDirectories(dir.resolve("events"));
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();

        JobClient job = new PulseJob(PulseJob.historyThenLive(historyUrl, historyEnd, events,
                LiveSource.Settings.defaults()), PulseJob.jdbc(db), RuleSet.load(rules),
                PulseJob.Settings.defaults().withParallelism(2)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri())
                        .withCadence(Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofMillis(100), historyEnd)))
                .withRuleReload(rules, RulePackWatcher.POLL)
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse reload benchmark");
        try {
            long t = historyEnd + 1_000;
            Path file = dir.resolve("customers.jsonl");
            try (BufferedWriter w = Files.newBufferedWriter(file)) {
                for (int i = 0; i < customers; i++) {
                    String c = "c" + i + ".bench";
                    w.write(LiveEventFormat.toLine(io.pulse.testing.TestEvents.accountSnapshot(c, t, "Enterprise", 2, 400)));
                    w.newLine();
                    w.write(LiveEventFormat.toLine(io.pulse.testing.TestEvents.activitySnapshot(c, t + 1, "Critical", "Declining")));
                    w.newLine();
                    w.write(LiveEventFormat.toLine(io.pulse.testing.TestEvents.valueSnapshot(c, t + 2, "Gold", 90_000, 5)));
                    w.newLine();
                }
            }
            long seedStart = System.currentTimeMillis();
            Files.move(file, events.resolve("customers.jsonl"), StandardCopyOption.ATOMIC_MOVE);
            while (count(sink, "SELECT count(DISTINCT customer_id) FROM recommended_actions WHERE customer_id LIKE '%.bench'")
                    < customers) {
                Thread.sleep(500);
            }
            waitForStableCount(sink, "SELECT count(*) FROM recommended_actions");
            long open = count(sink, "SELECT count(*) FROM recommended_actions WHERE status = 'OPEN'");
            long scored = count(sink, "SELECT count(DISTINCT customer_id) FROM recommended_actions");
            System.out.printf("%,d customers scored (%,d open actions) in %.1f s%n", scored, open,
                    (System.currentTimeMillis() - seedStart) / 1000.0);

            for (int reload = 1; reload <= reloads; reload++) {
                if (reload > 1) {
                    Thread.sleep(2_000); // an author's next save, not the same instant
                }
                System.out.printf("reload %d: ", reload);
                timeReload(rules, sink, editEveryRow, reload);
            }
        } finally {
            job.cancel().get();
        }
        System.out.printf("load: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        FileUtils.deleteDirectory(dir.toFile()); // the queue and the checkpoints: hundreds of MB
    }

    /** Edits the pack (the {@code reload}-th edit) and prints how long until every customer is re-scored. */
    private static void timeReload(Path rules, String sink, boolean editEveryRow, int reload) throws Exception {
        long saved = System.currentTimeMillis();
        if (editEveryRow) {
            edit(rules.resolve("parameters.json"), "\"URGENT_RETAIN\":        { \"priority\": " + reload + ",",
                    "\"URGENT_RETAIN\":        { \"priority\": " + (reload + 1) + ",");
        } else {
            edit(rules.resolve("parameters.json"), "\"maxHealthScore\": " + (reload == 1 ? 70 : 61 - reload + 1),
                    "\"maxHealthScore\": " + (61 - reload));
        }
        String version = RuleSet.load(rules).version();
        String deployment = " FROM rule_deployments WHERE ruleset_version = '" + version + "' AND status = 'active'";
        long accepted = -1;
        long rescored = -1;
        long written = -1;
        while (true) {
            long now = System.currentTimeMillis();
            if (accepted < 0 && count(sink, "SELECT count(*)" + deployment) > 0) {
                accepted = now;
            }
            if (rescored < 0 && count(sink, "SELECT count(*)" + deployment + " AND rescored_at IS NOT NULL") > 0) {
                rescored = now;
                written = count(sink, "SELECT actions_written" + deployment);
            }
            // Done: every customer re-scored, and every row that re-score wrote is in the queue.
            if (rescored >= 0 && count(sink, "SELECT count(*) FROM recommended_actions WHERE ruleset_version = '"
                    + version + "'") >= written) {
                System.out.printf("saved -> deployment row %.2f s; -> re-score recorded %.2f s (%,d customers, %,d rows"
                                + " written); -> all of them in the queue under %s: %.2f s%n",
                        (accepted - saved) / 1000.0, (rescored - saved) / 1000.0,
                        count(sink, "SELECT customers_rescored" + deployment), written, version, (now - saved) / 1000.0);
                break;
            }
            Thread.sleep(50);
        }
    }
}
