package io.pulse.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.actions.SinkDatabase;
import io.pulse.features.Cadence;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistorySource;
import io.pulse.job.PulseJob;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.FeatureProbes;
import io.pulse.testing.RulePackFixtures;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.function.Supplier;

import static io.pulse.testing.SinkPolling.count;
import static io.pulse.testing.SinkPolling.strings;
import static io.pulse.testing.SinkPolling.waitFor;
import static io.pulse.testing.SinkPolling.waitForStableCount;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live job (MiniCluster, parallelism 2) that started without declared features gets a pack that
 * declares two: at the reload every customer is re-scored with their values over the whole window,
 * as a plain count over the history gives them, and {@code rule_deployments} names them.
 */
class DeclaredFeaturesReloadITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    Path dir;

    @Test
    void aReloadThatDeclaresFeaturesGivesEveryCustomerTheirWholeWindowAtOnce() throws Exception {
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(30, 60, 13, LocalDate.of(2025, 1, 1), history)).generate();
        String historyUrl = "jdbc:sqlite:" + history;
        long historyEnd = HistorySource.endTime(historyUrl);
        Path rules = RulePackFixtures.copyOfPack(Files.createDirectory(dir.resolve("rules")));
        Path events = Files.createDirectories(dir.resolve("events"));
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        Supplier<String> state = () -> "deployments: " + strings(sink, "SELECT ruleset_version || ' ' || status || ' '"
                + " || messages || ' ' || coalesce(backfilled_features, '-') FROM rule_deployments");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();
        RuleSet first = RuleSet.load(rules);

        JobClient job = new PulseJob(PulseJob.historyThenLive(historyUrl, historyEnd, events, LiveSource.Settings.defaults()),
                PulseJob.jdbc(db), first, PulseJob.Settings.defaults().withParallelism(2)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri())
                        .withCadence(Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofSeconds(1), historyEnd)))
                .withRuleReload(rules, Duration.ofMillis(200))
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "Declared features reload ITCase");
        try {
            waitFor("the first pack recorded as active", () -> strings(sink, "SELECT status FROM rule_deployments"
                    + " WHERE ruleset_version = '" + first.version() + "'").contains("active"), state);
            waitForStableCount(sink, "SELECT count(*) FROM recommended_actions");
            assertThat(count(sink, "SELECT count(*) FROM recommended_actions WHERE action = 'FEATURE_PROBE'")).isZero();

            RulePackFixtures.addDeclaredFeatures(rules, true);
            String second = RuleSet.load(rules).version();
            String rescored = "FROM rule_deployments WHERE ruleset_version = '" + second + "' AND rescored_at IS NOT NULL";
            waitFor("every customer re-scored under " + second, () -> count(sink, "SELECT count(*) " + rescored) == 1, state);
            assertThat(strings(sink, "SELECT backfilled_features " + rescored)).as(state.get())
                    .containsExactly("distinctFeaturesUsed14d,implementationConversations45d");
            long customers = count(sink, "SELECT count(DISTINCT customer_id) FROM recommended_actions");
            waitFor("a probe for every customer", () -> count(sink,
                    "SELECT count(*) FROM recommended_actions WHERE action = 'FEATURE_PROBE'") == customers, state);

            FeatureProbes counted = FeatureProbes.of(historyUrl);
            int nonZero = 0;
            for (String probe : strings(sink, "SELECT customer_id || '|' || valid_as_of || '|' || reasons"
                    + " FROM recommended_actions WHERE action = 'FEATURE_PROBE'")) {
                String[] parts = probe.split("\\|", 3);
                // The queue keeps valid_as_of to the second: the evaluation was within the second after it.
                long at = Instant.parse(parts[1]).toEpochMilli();
                JsonNode facts = FeatureProbes.probeFacts(parts[2]);
                int implementation = counted.implementationConversations45d(parts[0], at);
                assertThat(facts.get("distinctFeaturesUsed14d").asInt()).as(probe).isIn(
                        counted.distinctFeaturesUsed14d(parts[0], at), counted.distinctFeaturesUsed14d(parts[0], at + 999));
                assertThat(facts.get("implementationConversations45d").asInt()).as(probe)
                        .isIn(implementation, counted.implementationConversations45d(parts[0], at + 999));
                nonZero += implementation > 0 ? 1 : 0;
            }
            assertThat(nonZero).as("customers whose 45-day window was whole at the reload").isGreaterThan(3);
        } finally {
            job.cancel().get();
        }
    }
}
