package io.pulse.live;

import io.pulse.actions.SinkDatabase;
import io.pulse.events.CustomerEvent;
import io.pulse.features.Cadence;
import io.pulse.features.CorrectionHorizon;
import io.pulse.flink.PulseMetrics;
import io.pulse.job.PulseJob;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.InProcessKafka;
import io.pulse.testing.SmallHistory;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static io.pulse.testing.PulseMetricsReader.sum;
import static io.pulse.testing.SinkPolling.count;
import static io.pulse.testing.SinkPolling.strings;
import static io.pulse.testing.SinkPolling.waitFor;
import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.activitySnapshot;
import static io.pulse.testing.TestEvents.closed;
import static io.pulse.testing.TestEvents.conversation;
import static io.pulse.testing.TestEvents.usage;
import static io.pulse.testing.TestEvents.valueSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live events that arrive up to an hour late, after their period was scored, correct their
 * customers: the current recommendations equal those of a run that got the same events in time
 * order (directory and Kafka, on a MiniCluster at parallelism 2).
 *
 * <p>The late ones are support conversations and product usage: what a late snapshot changes in
 * the population figures (tier averages, bounds) reaches other customers only at their next
 * evaluation, so a late snapshot would make this comparison depend on who is evaluated when.
 * Features of every kind are compared with an in-order run in LateCorrectionsTest.
 */
class LateEventsITCase {
    private static final int CUSTOMERS = 12;
    private static final String CURRENT_TABLE = "SELECT customer_id || ' ' || action || ' ' || value_tier || ' '"
            + " || risk_tier || ' ' || health_band || ' ' || priority || ' ' || reasons FROM recommended_actions"
            + " WHERE status = 'OPEN' ORDER BY customer_id, action";

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration())).build());

    private static InProcessKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = InProcessKafka.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"directory", "kafka"})
    void eventsArrivingUpToAnHourLateGiveTheCurrentTableOfAnInOrderRun(String source) throws Exception {
        SmallHistory small = SmallHistory.in(dir);
        String historyUrl = small.url();
        long historyEnd = small.end();
        // Two hours of a day after the history's, so every score of both runs reads the same day's windows.
        long start = Math.floorDiv(historyEnd, 86_400_000L) * 86_400_000L + 86_400_000L + 3_600_000L;
        List<CustomerEvent> events = liveEvents(start, new Random(5));

        List<String> inOrder = run(source + "-in-order", historyUrl, historyEnd, List.of(lines(events)), 0).get(0);

        Random random = new Random(17);
        List<CustomerEvent> onTime = new ArrayList<>();
        List<CustomerEvent> late = new ArrayList<>();
        for (CustomerEvent e : events) {
            boolean support = e.conversation != null || e.usage != null;
            (support && e.eventTime > start + 600_000 && random.nextInt(10) == 0 ? late : onTime).add(e);
        }
        Collections.shuffle(late, random);
        List<List<String>> tables = run(source + "-late", historyUrl, historyEnd, List.of(lines(onTime), lines(late)),
                late.size());

        assertThat(late).hasSizeGreaterThan(20);
        assertThat(inOrder).as("the in-order run's open actions").hasSizeGreaterThan(CUSTOMERS / 2);
        assertThat(tables.get(0)).as("before the late events: they matter").isNotEqualTo(inOrder);
        assertThat(tables.get(1)).as("after the corrections").containsExactlyElementsOf(inOrder);
    }

    /**
     * Runs a live job that gets {@code batches} one after another, and returns its open actions
     * once it is quiet after each.
     */
    private List<List<String>> run(String name, String historyUrl, long historyEnd, List<List<String>> batches,
                             int lateEvents) throws Exception {
        String sink = "jdbc:sqlite:" + dir.resolve(name + ".sqlite");
        SinkDatabase db = SinkDatabase.of(sink);
        db.createSchema();
        String events;
        if (name.startsWith("kafka")) {
            kafka.createTopic(name, 2);
            events = kafka.address(name);
        } else {
            events = Files.createDirectories(dir.resolve(name)).toString();
        }
        PulseJob.Events input = KafkaTopic.isKafka(events)
                ? PulseJob.historyThenKafka(historyUrl, historyEnd, KafkaTopic.parse(events), LiveSource.Settings.defaults())
                : PulseJob.historyThenLive(historyUrl, historyEnd, Path.of(events), LiveSource.Settings.defaults());
        JobClient job = new PulseJob(input, PulseJob.jdbc(db), RuleSet.load(Path.of("rules")),
                PulseJob.Settings.defaults().withParallelism(2)
                        .withCheckpointDirectory(dir.resolve(name + "-checkpoints").toUri())
                        .withCadence(Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofSeconds(1), historyEnd))
                        .withCorrections(CorrectionHorizon.after(historyEnd, Duration.ofDays(2))))
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse late events " + name);
        JobID id = job.getJobID();
        Supplier<String> state = () -> "dead letters: " + strings(sink, "SELECT reason FROM dead_letters")
                + "; corrections: " + sum(METRICS, id, PulseMetrics.CORRECTIONS);
        List<List<String>> tables = new ArrayList<>();
        try (EventPublisher publisher = EventPublisher.to(events)) {
            waitFor("the history's actions", () -> count(sink, "SELECT count(*) FROM recommended_actions") > 0, state);
            for (List<String> batch : batches) {
                publisher.publish(batch.stream().map(l -> new EventPublisher.Line(customerOf(l), l)).toList());
                if (tables.size() == batches.size() - 1) {
                    waitFor("every late event taken as a correction",
                            () -> sum(METRICS, id, PulseMetrics.CORRECTIONS) >= lateEvents, state);
                }
                waitForStableTable(sink);
                tables.add(strings(sink, CURRENT_TABLE));
            }
            assertThat(count(sink, "SELECT count(*) FROM dead_letters")).as(state.get()).isZero();
            return tables;
        } finally {
            job.cancel().get();
        }
    }

    /** Waits (up to 3 minutes) until the open actions have not changed for 3 s. */
    private static void waitForStableTable(String sink) throws InterruptedException {
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(3).toMillis();
        List<String> last = null;
        int stableFor = 0;
        while (stableFor < 15) {
            List<String> now = strings(sink, CURRENT_TABLE + ", valid_as_of");
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for the open actions to stay put for 3 s; "
                        + now.size() + " rows now, " + (last == null ? 0 : last.size()) + " before");
            }
            stableFor = now.equals(last) && !now.isEmpty() ? stableFor + 1 : 0;
            last = now;
            Thread.sleep(200);
        }
    }

    /**
     * New customers' snapshots in the first ten minutes, then two hours of conversations (some bugs
     * and escalations), closes and usage.
     */
    private static List<CustomerEvent> liveEvents(long start, Random random) {
        String[] tiers = {"Bronze", "Silver", "Gold", "Platinum"};
        // Risk and velocity the escalation signal moves (Medium to High, Low to Medium).
        String[] risks = {"Low", "Medium"};
        String[] velocities = {"Stable", "Accelerating"};
        String[] tags = {"bug", "escalation|outage", "api", "feature feedback", "billing", "renewal", ""};
        List<CustomerEvent> events = new ArrayList<>();
        for (int c = 0; c < CUSTOMERS; c++) {
            String customer = "late" + c + ".example";
            long t = start + random.nextInt(600_000);
            events.add(accountSnapshot(customer, t, c % 2 == 0 ? "Enterprise" : "Mid-Market", random.nextInt(60),
                    50 + random.nextInt(500)));
            events.add(activitySnapshot(customer, t + 1, risks[random.nextInt(risks.length)],
                    velocities[random.nextInt(velocities.length)]));
            events.add(valueSnapshot(customer, t + 2, tiers[random.nextInt(tiers.length)],
                    10_000 + random.nextInt(200_000), 1 + random.nextInt(5)));
            for (int i = 0; i < 30; i++) {
                long at = start + 600_000 + random.nextInt(6_600_000);
                if (random.nextInt(3) == 0) {
                    events.add(conversation(customer, at, tags[random.nextInt(tags.length)], random.nextBoolean()));
                    events.add(closed(customer, at + 60_000, random.nextInt(6)));
                } else {
                    events.add(usage(customer, at));
                }
            }
        }
        events.sort(Comparator.comparingLong(e -> e.eventTime));
        return events;
    }

    private static List<String> lines(List<CustomerEvent> events) {
        return events.stream().map(LiveEventFormat::toLine).toList();
    }

    private static String customerOf(String line) {
        int at = line.indexOf("\"customerId\":\"") + 14;
        return line.substring(at, line.indexOf('"', at));
    }
}
