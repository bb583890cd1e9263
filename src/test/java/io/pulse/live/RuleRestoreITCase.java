package io.pulse.live;

import io.pulse.actions.SinkDatabase;
import io.pulse.features.Cadence;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistorySource;
import io.pulse.job.PulseJob;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Supplier;

import static io.pulse.testing.RulePackFiles.breakStrategies;
import static io.pulse.testing.RulePackFiles.copyOfPack;
import static io.pulse.testing.RulePackFiles.lowerMaxHealthScore;
import static io.pulse.testing.SinkPolling.count;
import static io.pulse.testing.SinkPolling.strings;
import static io.pulse.testing.SinkPolling.waitFor;
import static io.pulse.testing.SinkPolling.waitForStableCount;
import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.activitySnapshot;
import static io.pulse.testing.TestEvents.valueSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live job (MiniCluster, parallelism 2) deploys a good pack, rejects a broken one, is stopped
 * with a savepoint and restored: the restored job scores with the last good pack, straight from
 * its state, and writes no row twice.
 */
class RuleRestoreITCase {
    private static final String BEFORE = "before.example";
    private static final String AFTER = "after.example";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    Path dir;

    @Test
    void aRestoredJobScoresWithTheLastGoodPackFromItsStateAndWritesNoRowTwice() throws Exception {
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(20, 40, 7, LocalDate.of(2025, 1, 1), history)).generate();
        String historyUrl = "jdbc:sqlite:" + history;
        long historyEnd = HistorySource.endTime(historyUrl);
        Path rules = copyOfPack(dir.resolve("rules"));
        Path events = Files.createDirectories(dir.resolve("events"));
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        Supplier<String> state = () -> "deployments: "
                + strings(sink, "SELECT ruleset_version || ' ' || status FROM rule_deployments")
                + "; actions by customer and version: " + strings(sink, "SELECT customer_id || ' ' || ruleset_version"
                + " || ': ' || count(*) FROM recommended_actions WHERE customer_id IN ('" + BEFORE + "', '" + AFTER
                + "') GROUP BY customer_id, ruleset_version")
                + "; dead letters: " + strings(sink, "SELECT reason FROM dead_letters");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();
        RuleSet first = RuleSet.load(rules);
        long t = historyEnd + 1_000;

        JobClient job = job(historyUrl, historyEnd, events, db, first, rules)
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse rule restore ITCase (1)");
        String savepoint;
        String second;
        String broken;
        try {
            waitFor("the first pack recorded as active", () -> strings(sink,
                    "SELECT status FROM rule_deployments WHERE ruleset_version = '" + first.version() + "'").contains("active"), state);
            waitForStableCount(sink, "SELECT count(*) FROM recommended_actions");

            lowerMaxHealthScore(rules);
            second = RuleSet.load(rules).version();
            waitFor("every customer re-scored under the good edit", () -> count(sink, "SELECT count(*) FROM"
                    + " rule_deployments WHERE ruleset_version = '" + second + "' AND rescored_at IS NOT NULL") == 1, state);
            breakStrategies(rules);
            broken = RuleSet.load(rules).version();
            waitFor("the broken edit rejected", () -> strings(sink,
                    "SELECT status FROM rule_deployments WHERE ruleset_version = '" + broken + "'").contains("rejected"), state);

            drop(events, "batch-1.jsonl", List.of(
                    LiveEventFormat.toLine(accountSnapshot(BEFORE, t, "Enterprise", 2, 400)),
                    "{\"type\": \"TELEPATHY\", \"customerId\": \"" + BEFORE + "\", \"eventTime\": " + t + "}",
                    LiveEventFormat.toLine(activitySnapshot(BEFORE, t + 1, "Critical", "Declining")),
                    LiveEventFormat.toLine(valueSnapshot(BEFORE, t + 2, "Gold", 90_000, 5))));
            waitFor("the first batch's actions and dead letter", () -> count(sink,
                    "SELECT count(*) FROM recommended_actions WHERE customer_id = '" + BEFORE + "'") >= 2
                    && count(sink, "SELECT count(*) FROM dead_letters WHERE source LIKE '%batch-1.jsonl:2'") == 1, state);
            waitForStableCount(sink, "SELECT count(*) FROM action_history");
            savepoint = job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get();
        } catch (Exception | AssertionError e) {
            job.cancel().get();
            throw e;
        }
        long rowsAtStop = count(sink, "SELECT count(*) FROM recommended_actions");
        long historyAtStop = count(sink, "SELECT count(*) FROM action_history");
        List<String> deploymentsAtStop = strings(sink,
                "SELECT ruleset_version || ' ' || status FROM rule_deployments ORDER BY deployed_at");

        // Restored with the broken pack on disk given as the start pack: were it compiled, the job
        // would fail; the evaluators take the last good pack from their broadcast state instead.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        env.configure(restore);
        JobClient restored = job(historyUrl, historyEnd, events, db, RuleSet.load(rules), rules)
                .executeAsync(env, "Pulse rule restore ITCase (2)");
        try {
            long t2 = t + 600_000;
            drop(events, "batch-2.jsonl", List.of(
                    LiveEventFormat.toLine(accountSnapshot(AFTER, t2, "Enterprise", 2, 400)),
                    LiveEventFormat.toLine(activitySnapshot(AFTER, t2 + 1, "Critical", "Declining")),
                    LiveEventFormat.toLine(valueSnapshot(AFTER, t2 + 2, "Gold", 90_000, 5))));
            waitFor("the restored job's actions for the new customer", () -> count(sink,
                    "SELECT count(*) FROM recommended_actions WHERE customer_id = '" + AFTER + "'") >= 2, state);
            waitForStableCount(sink, "SELECT count(*) FROM action_history");

            assertThat(strings(sink, "SELECT DISTINCT ruleset_version FROM recommended_actions WHERE customer_id = '"
                    + AFTER + "'")).as(state.get()).containsExactly(second);
            long afterRows = count(sink, "SELECT count(*) FROM recommended_actions WHERE customer_id = '" + AFTER + "'");
            assertThat(count(sink, "SELECT count(*) FROM recommended_actions"))
                    .as("the rows at the stop plus the new customer's, nothing re-written: " + state.get())
                    .isEqualTo(rowsAtStop + afterRows);
            assertThat(count(sink, "SELECT count(*) FROM action_history WHERE action_id NOT IN"
                    + " (SELECT id FROM recommended_actions WHERE customer_id = '" + AFTER + "')"))
                    .as("no change recorded again for anyone scored before the stop").isEqualTo(historyAtStop);
            assertThat(count(sink, "SELECT count(*) FROM dead_letters")).as("the first batch is not read again").isEqualTo(1);
            assertThat(strings(sink, "SELECT ruleset_version || ' ' || status FROM rule_deployments ORDER BY deployed_at"))
                    .as("the restored watcher neither re-activates its start pack nor re-rejects the broken one")
                    .isEqualTo(deploymentsAtStop)
                    .containsExactly(first.version() + " replaced", second + " active", broken + " rejected");
        } finally {
            restored.cancel().get();
        }
    }

    private static PulseJob job(String historyUrl, long historyEnd, Path events, SinkDatabase db, RuleSet start,
                                Path rules) {
        return new PulseJob(PulseJob.historyThenLive(historyUrl, historyEnd, events, LiveSource.Settings.defaults()),
                PulseJob.jdbc(db), start, PulseJob.Settings.defaults().withParallelism(2)
                        .withCheckpointDirectory(events.resolveSibling("checkpoints").toUri())
                        .withCadence(Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofSeconds(1), historyEnd)))
                .withRuleReload(rules, Duration.ofMillis(200));
    }

    private static void drop(Path events, String name, List<String> lines) throws Exception {
        Path written = events.resolveSibling(name);
        Files.write(written, lines);
        Files.move(written, events.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
