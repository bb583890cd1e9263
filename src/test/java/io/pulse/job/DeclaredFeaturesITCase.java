package io.pulse.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.actions.SinkDatabase;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.FeatureProbes;
import io.pulse.testing.RulePackFixtures;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replay at parallelism 2 with a pack that declares features: every customer's rules read them,
 * with the values a plain count over the history's rows gives as of each evaluation.
 */
class DeclaredFeaturesITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(2).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    Path dir;

    @Test
    void everyCustomersRulesReadTheDeclaredFeaturesAsTheHistoryCountsThem() throws Exception {
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(60, 120, 23, LocalDate.of(2025, 1, 1), history)).generate();
        Path pack = RulePackFixtures.packWithDeclaredFeatures(Files.createDirectory(dir.resolve("rules")), true);
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();

        new PulseJob(PulseJob.history("jdbc:sqlite:" + history), PulseJob.jdbc(db), RuleSet.load(pack),
                PulseJob.Settings.defaults().withParallelism(2).withCheckpointDirectory(dir.resolve("cp").toUri()))
                .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "Declared features ITCase");

        FeatureProbes counted = FeatureProbes.of("jdbc:sqlite:" + history);
        List<String> probes = rows(sink, "SELECT customer_id || '|' || valid_as_of || '|' || reasons"
                + " FROM recommended_actions WHERE action = 'FEATURE_PROBE'");
        assertThat(probes).as("every customer's features reach its rules").hasSize(60);
        int nonZero = 0;
        for (String probe : probes) {
            String[] parts = probe.split("\\|", 3);
            long asOf = Instant.parse(parts[1]).toEpochMilli(); // midnight: the daily cadence
            JsonNode facts = FeatureProbes.probeFacts(parts[2]);
            int features = counted.distinctFeaturesUsed14d(parts[0], asOf);
            int implementation = counted.implementationConversations45d(parts[0], asOf);
            assertThat(facts.get("distinctFeaturesUsed14d").asInt()).as(probe).isEqualTo(features);
            assertThat(facts.get("implementationConversations45d").asInt()).as(probe).isEqualTo(implementation);
            nonZero += implementation > 0 && features > 0 ? 1 : 0;
        }
        assertThat(nonZero).as("customers with both features above 0: the comparison is not all zeros")
                .isGreaterThan(5);
        assertThat(rows(sink, "SELECT source || ': ' || reason FROM dead_letters")).isEmpty();
    }
}
