package io.pulse.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.actions.SinkDatabase;
import io.pulse.events.CustomerEvent;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistoryDatabase;
import io.pulse.history.HistoryQueries;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.RulePackFixtures;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replay at parallelism 2 with a pack that declares features: every customer's rules read them,
 * with the values a plain count over the history's rows gives as of each evaluation.
 */
class DeclaredFeaturesITCase {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final ObjectMapper JSON = new ObjectMapper();

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

        List<CustomerEvent> usage = events(history, "usage");
        List<CustomerEvent> opened = events(history, "conversations-created");
        List<String> probes = rows(sink, "SELECT customer_id || '|' || valid_as_of || '|' || reasons"
                + " FROM recommended_actions WHERE action = 'FEATURE_PROBE'");
        assertThat(probes).as("every customer's features reach its rules").hasSize(60);
        int nonZero = 0;
        for (String probe : probes) {
            String[] parts = probe.split("\\|", 3);
            String customer = parts[0];
            long asOf = Instant.parse(parts[1]).toEpochMilli();
            JsonNode facts = probeFacts(parts[2]);
            Set<String> features = new HashSet<>();
            for (CustomerEvent e : usage) {
                if (customer.equals(e.customerId) && e.eventTime >= asOf - 14 * DAY && e.eventTime < asOf) {
                    features.add(e.usage.feature.toLowerCase(Locale.ROOT));
                }
            }
            int implementation = 0;
            for (CustomerEvent e : opened) {
                if (customer.equals(e.customerId) && e.eventTime >= asOf - 45 * DAY && e.eventTime < asOf
                        && labels(e.conversation.tags).contains("implementation")) {
                    implementation++;
                }
            }
            assertThat(facts.get("distinctFeaturesUsed14d").asInt()).as(probe).isEqualTo(features.size());
            assertThat(facts.get("implementationConversations45d").asInt()).as(probe).isEqualTo(implementation);
            nonZero += implementation > 0 && !features.isEmpty() ? 1 : 0;
        }
        assertThat(nonZero).as("customers with both features above 0: the comparison is not all zeros")
                .isGreaterThan(5);
        assertThat(rows(sink, "SELECT source || ': ' || reason FROM dead_letters")).isEmpty();
    }

    /** The facts of the probe rule in a row's reasons. */
    private static JsonNode probeFacts(String reasons) throws Exception {
        for (JsonNode r : JSON.readTree(reasons)) {
            if (r.get("rule").asText().startsWith("Probe:")) {
                return r.get("facts");
            }
        }
        throw new AssertionError("no probe rule in " + reasons);
    }

    /** A tag list's entries, lower case: pipe-separated key:value pairs or comma-separated labels. */
    private static List<String> labels(String tags) {
        List<String> labels = new ArrayList<>();
        if (tags != null) {
            for (String t : tags.split("[|,]")) {
                labels.add(t.trim().toLowerCase(Locale.ROOT));
            }
        }
        return labels;
    }

    /** The events of one history query, read with plain JDBC. */
    private static List<CustomerEvent> events(Path history, String query) throws Exception {
        String url = "jdbc:sqlite:" + history;
        HistoryQueries.Query q = HistoryQueries.all(HistoryDatabase.of(url).dialect()).stream()
                .filter(x -> x.name().equals(query)).findFirst().orElseThrow();
        List<CustomerEvent> events = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(q.sql())) {
            while (rs.next()) {
                events.add(q.extractor().extract(rs));
            }
        }
        return events;
    }
}
