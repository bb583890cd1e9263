package io.pulse.live;

import io.pulse.actions.SinkDatabase;
import io.pulse.features.Cadence;
import io.pulse.job.PulseJob;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.BadLines;
import io.pulse.flink.PulseMetrics;
import io.pulse.testing.SmallHistory;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Histogram;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.activitySnapshot;
import static io.pulse.testing.TestEvents.valueSnapshot;
import static io.pulse.testing.PulseMetricsReader.pulseMetrics;
import static io.pulse.testing.PulseMetricsReader.sum;
import static io.pulse.testing.SinkPolling.count;
import static io.pulse.testing.SinkPolling.strings;
import static io.pulse.testing.SinkPolling.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/** History, then JSON lines in a watched directory -> the same job -> SQLite, on a MiniCluster at parallelism 2. */
class LiveITCase {
    private static final String NEWCO = "newco.example";

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration())).build());

    @TempDir
    Path dir;

    @Test
    void liveEventsAfterTheHistoryBecomeActionsAndBadLinesBecomeDeadLetters() throws Exception {
        SmallHistory small = SmallHistory.in(dir);
        String historyUrl = small.url();
        long historyEnd = small.end();
        Path events = Files.createDirectories(dir.resolve("events"));
        String sink = small.sink();
        SinkDatabase db = small.db();
        Supplier<String> state = () -> "dead letters: " + strings(sink, "SELECT reason FROM dead_letters")
                + "; customers with actions: " + count(sink, "SELECT count(DISTINCT customer_id) FROM recommended_actions");

        JobClient job = new PulseJob(PulseJob.historyThenLive(historyUrl, historyEnd, events, LiveSource.Settings.defaults()),
                PulseJob.jdbc(db), RuleSet.load(Path.of("rules")), PulseJob.Settings.defaults().withParallelism(2)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri())
                        .withCadence(Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofSeconds(1), historyEnd)))
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse live ITCase");
        try {
            waitFor("the history's actions", () -> count(sink, "SELECT count(*) FROM recommended_actions") > 0, state);
            assertThat(count(sink, "SELECT count(*) FROM recommended_actions WHERE customer_id = '" + NEWCO + "'")).isZero();

            // A new customer's four snapshots, with the bad-input corpus between them.
            long t = historyEnd + 1_000;
            Map<String, String> corpus = BadLines.corpus(t, historyEnd);
            List<String> valid = List.of(
                    LiveEventFormat.toLine(accountSnapshot(NEWCO, t, "Enterprise", 2, 400)),
                    LiveEventFormat.toLine(activitySnapshot(NEWCO, t + 1, "Critical", "Declining")),
                    LiveEventFormat.toLine(valueSnapshot(NEWCO, t + 2, "Gold", 90_000, 5)));
            List<String> lines = new ArrayList<>();
            List<String> bad = new ArrayList<>(corpus.keySet());
            for (int i = 0; i < Math.max(bad.size(), valid.size()); i++) {
                if (i < bad.size()) {
                    lines.add(bad.get(i));
                }
                if (i < valid.size()) {
                    lines.add(valid.get(i));
                }
            }
            Path written = dir.resolve("batch-1.jsonl");
            Files.write(written, lines);
            Files.move(written, events.resolve("batch-1.jsonl"), StandardCopyOption.ATOMIC_MOVE);

            waitFor("every bad line in the dead letters", () -> count(sink,
                    "SELECT count(*) FROM dead_letters WHERE source LIKE '%batch-1.jsonl:%'") >= corpus.size(), state);
            waitFor("the live customer's actions", () -> count(sink,
                    "SELECT count(*) FROM recommended_actions WHERE customer_id = '" + NEWCO + "'") >= 2, state);

            assertThat(strings(sink, "SELECT action FROM recommended_actions WHERE customer_id = '" + NEWCO
                    + "' AND status = 'OPEN'")).contains("URGENT_RETAIN");
            List<String> reasons = strings(sink, "SELECT reason FROM dead_letters WHERE source LIKE '%batch-1.jsonl:%'");
            assertThat(reasons).hasSize(corpus.size());
            for (String expected : corpus.values()) {
                assertThat(reasons).as("one dead letter says: " + expected).filteredOn(r -> r.contains(expected)).hasSize(1);
            }
            // Each keeps the line as written, and its file and line number.
            List<String> sources = strings(sink, "SELECT source FROM dead_letters WHERE source LIKE '%batch-1.jsonl:%' ORDER BY id");
            List<String> raws = strings(sink, "SELECT raw FROM dead_letters WHERE source LIKE '%batch-1.jsonl:%' ORDER BY id");
            for (int i = 0; i < sources.size(); i++) {
                int lineNumber = Integer.parseInt(sources.get(i).substring(sources.get(i).lastIndexOf(':') + 1));
                assertThat(raws.get(i)).as(sources.get(i)).isEqualTo(lines.get(lineNumber - 1));
            }
            assertThat(strings(sink, "SELECT valid_as_of FROM recommended_actions WHERE customer_id = '" + NEWCO + "'"))
                    .allSatisfy(asOf -> assertThat(Instant.parse(asOf).toEpochMilli()).isGreaterThan(historyEnd)
                            .isLessThanOrEqualTo(t + 2_000));

            // The operators' metrics moved with what happened (every line counted, each dead letter once).
            JobID id = job.getJobID();
            assertThat(sum(METRICS, id, PulseMetrics.EVENTS_IN)).as("events in").isGreaterThan(corpus.size() + valid.size());
            assertThat(sum(METRICS, id, PulseMetrics.DEAD_LETTERS)).as("dead letters (the table keeps one per source and reason)")
                    .isGreaterThanOrEqualTo(count(sink, "SELECT count(*) FROM dead_letters")).isGreaterThanOrEqualTo(corpus.size());
            assertThat(sum(METRICS, id, PulseMetrics.RECOMMENDATIONS_OUT)).as("recommendations out")
                    .isGreaterThanOrEqualTo(count(sink, "SELECT count(*) FROM recommended_actions"));
            long evaluations = sum(METRICS, id, PulseMetrics.EVALUATIONS);
            assertThat(evaluations).as("evaluations").isPositive();
            assertThat(pulseMetrics(METRICS, id, PulseMetrics.EVALUATION_TIME_US)).as("evaluation time").hasSize(2)
                    .allSatisfy((name, m) -> assertThat(((Histogram) m).getStatistics().getMax()).isPositive());
        } finally {
            job.cancel().get();
        }
    }
}
