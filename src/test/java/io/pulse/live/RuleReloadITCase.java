package io.pulse.live;

import io.pulse.actions.SinkDatabase;
import io.pulse.features.Cadence;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistorySource;
import io.pulse.job.PulseJob;
import io.pulse.rules.pack.RuleSet;
import io.pulse.flink.PulseMetrics;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
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

import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.activitySnapshot;
import static io.pulse.testing.TestEvents.valueSnapshot;
import static io.pulse.testing.RulePackFiles.breakStrategies;
import static io.pulse.testing.RulePackFiles.copyOfPack;
import static io.pulse.testing.RulePackFiles.lowerMaxHealthScore;
import static io.pulse.testing.PulseMetricsReader.sum;
import static io.pulse.testing.SinkPolling.count;
import static io.pulse.testing.SinkPolling.strings;
import static io.pulse.testing.SinkPolling.waitFor;
import static io.pulse.testing.SinkPolling.waitForStableCount;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot reload in a running live job (MiniCluster, parallelism 2): a good edit re-scores everyone, a
 * broken or hostile one is rejected while the last good pack keeps producing.
 */
class RuleReloadITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration())).build());

    @TempDir
    Path dir;

    @Test
    void aGoodEditReScoresEveryCustomerAndABrokenOneIsRejectedWhileTheLastGoodPackKeepsProducing() throws Exception {
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(20, 40, 7, LocalDate.of(2025, 1, 1), history)).generate();
        String historyUrl = "jdbc:sqlite:" + history;
        long historyEnd = HistorySource.endTime(historyUrl);
        Path rules = copyOfPack(dir.resolve("rules"));
        Path events = Files.createDirectories(dir.resolve("events"));
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        Supplier<String> state = () -> "deployments: "
                + strings(sink, "SELECT ruleset_version || ' ' || status || ' ' || messages FROM rule_deployments")
                + "; open actions by version: " + strings(sink, "SELECT ruleset_version || ': ' || count(*)"
                + " FROM recommended_actions WHERE status = 'OPEN' GROUP BY ruleset_version");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();
        RuleSet first = RuleSet.load(rules);

        JobClient job = new PulseJob(PulseJob.historyThenLive(historyUrl, historyEnd, events, LiveSource.Settings.defaults()),
                PulseJob.jdbc(db), first, PulseJob.Settings.defaults().withParallelism(2)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri())
                        .withCadence(Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofSeconds(1), historyEnd)))
                .withRuleReload(rules, Duration.ofMillis(200))
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse rule reload ITCase");
        try {
            waitFor("the first pack recorded as active", () -> strings(sink,
                    "SELECT status FROM rule_deployments WHERE ruleset_version = '" + first.version() + "'").contains("active"), state);
            waitForStableCount(sink, "SELECT count(*) FROM recommended_actions");
            long openRows = count(sink, "SELECT count(*) FROM recommended_actions WHERE status = 'OPEN'");
            assertThat(openRows).isPositive();

            // A threshold edit: every customer is re-scored under the new version, without a restart;
            // the rows it changes are written with the new version, the others stay as they are.
            lowerMaxHealthScore(rules);
            String second = RuleSet.load(rules).version();
            String rescore = "FROM rule_deployments WHERE ruleset_version = '" + second + "' AND rescored_at IS NOT NULL";
            waitFor("every customer re-scored under " + second, () -> count(sink, "SELECT count(*) " + rescore) == 1, state);
            assertThat(count(sink, "SELECT customers_rescored " + rescore)).as(state.get())
                    .isGreaterThanOrEqualTo(count(sink, "SELECT count(DISTINCT customer_id) FROM recommended_actions"));
            long rewritten = count(sink, "SELECT actions_written " + rescore);
            waitFor("the " + rewritten + " rows the edit changed, under " + second, () -> count(sink,
                    "SELECT count(*) FROM recommended_actions WHERE ruleset_version = '" + second + "'") == rewritten, state);
            waitForStableCount(sink, "SELECT count(*) FROM action_history");
            assertThat(count(sink, "SELECT count(*) FROM recommended_actions WHERE ruleset_version = '" + second + "'"))
                    .as("no row written twice, none for its version alone").isEqualTo(rewritten).isLessThan(openRows);
            assertThat(strings(sink, "SELECT status FROM rule_deployments WHERE ruleset_version = '" + first.version() + "'"))
                    .containsExactly("replaced");
            assertThat(strings(sink, "SELECT status FROM rule_deployments WHERE ruleset_version = '" + second + "'"))
                    .containsExactly("active");

            // A broken edit: rejected with file:line, and the last good pack keeps scoring new events.
            breakStrategies(rules);
            String broken = RuleSet.load(rules).version();
            waitFor("the broken pack rejected", () -> !strings(sink,
                    "SELECT messages FROM rule_deployments WHERE ruleset_version = '" + broken + "'").isEmpty(), state);
            assertThat(strings(sink, "SELECT status FROM rule_deployments WHERE ruleset_version = '" + broken + "'"))
                    .containsExactly("rejected");
            assertThat(strings(sink, "SELECT messages FROM rule_deployments WHERE ruleset_version = '" + broken + "'"))
                    .singleElement().asString().containsPattern("strategies\\.drl:\\d+: ");

            // A hostile edit on top: a rule file that is a link out of the directory and one that would
            // write a file. Refused with file:line, nothing of it runs, and the job keeps going.
            Path marker = dir.resolve("hostile-marker");
            Files.createSymbolicLink(rules.resolve("leak.drl"), Files.writeString(dir.resolve("secret.txt"), "hunter2"));
            Files.writeString(rules.resolve("hostile.drl"), String.join("\n",
                    "package pulse.rules;",
                    "import io.pulse.rules.facts.Account;",
                    "rule \"Touch a file\"",
                    "when",
                    "    Account()",
                    "then",
                    "    try { new java.io.FileOutputStream(\"" + marker + "\").close(); } catch (Exception e) { }",
                    "end", ""));
            String hostile = RuleSet.load(rules).version();
            waitFor("the hostile pack rejected", () -> !strings(sink,
                    "SELECT messages FROM rule_deployments WHERE ruleset_version = '" + hostile + "'").isEmpty(), state);
            assertThat(strings(sink, "SELECT status FROM rule_deployments WHERE ruleset_version = '" + hostile + "'"))
                    .containsExactly("rejected");
            assertThat(strings(sink, "SELECT messages FROM rule_deployments WHERE ruleset_version = '" + hostile + "'"))
                    .singleElement().asString()
                    .contains("leak.drl:0: a symbolic link", "hostile.drl:7: ", "java.io.FileOutputStream is not allowed")
                    .doesNotContain("hunter2");
            assertThat(marker).doesNotExist();

            long t = historyEnd + 1_000;
            Path batch = dir.resolve("batch.jsonl");
            Files.write(batch, List.of(
                    LiveEventFormat.toLine(accountSnapshot("newco.example", t, "Enterprise", 2, 400)),
                    LiveEventFormat.toLine(activitySnapshot("newco.example", t + 1, "Critical", "Declining")),
                    LiveEventFormat.toLine(valueSnapshot("newco.example", t + 2, "Gold", 90_000, 5))));
            Files.move(batch, events.resolve("batch.jsonl"), StandardCopyOption.ATOMIC_MOVE);
            waitFor("the new customer's actions", () -> count(sink,
                    "SELECT count(*) FROM recommended_actions WHERE customer_id = 'newco.example'") >= 2, state);
            assertThat(strings(sink, "SELECT DISTINCT ruleset_version FROM recommended_actions"
                    + " WHERE customer_id = 'newco.example'")).containsExactly(second);

            // One good pack and two bad ones (broken, hostile) judged; both evaluator instances switched once.
            assertThat(sum(METRICS, job.getJobID(), PulseMetrics.RULE_PACKS_ACCEPTED)).as("accepted").isEqualTo(1);
            assertThat(sum(METRICS, job.getJobID(), PulseMetrics.RULE_PACKS_REJECTED)).as("rejected").isEqualTo(2);
            assertThat(sum(METRICS, job.getJobID(), PulseMetrics.RULE_RELOADS)).as("evaluator reloads").isEqualTo(2);
        } finally {
            job.cancel().get();
        }
    }
}
