package io.pulse.live;

import io.pulse.actions.SinkDatabase;
import io.pulse.features.Cadence;
import io.pulse.job.PulseJob;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.BadLines;
import io.pulse.testing.InProcessKafka;
import io.pulse.testing.SmallHistory;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.pulse.testing.SinkPolling.count;
import static io.pulse.testing.SinkPolling.strings;
import static io.pulse.testing.SinkPolling.waitFor;
import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.activitySnapshot;
import static io.pulse.testing.TestEvents.valueSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * History, then JSON-lines records from a Kafka topic (an in-process KRaft broker) -> the same job
 * -> SQLite, on a MiniCluster at parallelism 2.
 */
class KafkaLiveITCase {
    private static final String NEWCO = "newco.example";
    private static final String OTHERCO = "otherco.example";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

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

    @Test
    void recordsAfterTheHistoryBecomeActionsAndBadRecordsBecomeDeadLetters() throws Exception {
        SmallHistory small = SmallHistory.in(dir);
        String historyUrl = small.url();
        long historyEnd = small.end();
        String sink = small.sink();
        SinkDatabase db = small.db();
        // Three partitions; the third gets no record and must not hold the others back.
        String topicName = "customer-events";
        kafka.createTopic(topicName, 3);
        KafkaTopic topic = KafkaTopic.parse(kafka.address(topicName));
        AtomicReference<JobClient> running = new AtomicReference<>();
        Supplier<String> state = () -> "job: " + jobStatus(running.get()) + "; dead letters: " + strings(sink, "SELECT reason FROM dead_letters")
                + "; open actions: " + strings(sink, "SELECT customer_id || ' ' || action FROM recommended_actions"
                + " WHERE customer_id IN ('" + NEWCO + "', '" + OTHERCO + "')")
                + "; customers with actions: " + count(sink, "SELECT count(DISTINCT customer_id) FROM recommended_actions");

        JobClient job = new PulseJob(PulseJob.historyThenKafka(historyUrl, historyEnd, topic, LiveSource.Settings.defaults()),
                PulseJob.jdbc(db), RuleSet.load(Path.of("rules")), PulseJob.Settings.defaults().withParallelism(2)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri())
                        .withCadence(Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofSeconds(1), historyEnd)))
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse Kafka live ITCase");
        running.set(job);
        try {
            waitFor("the history's actions", () -> count(sink, "SELECT count(*) FROM recommended_actions") > 0, state);

            // Two new customers, one per partition, each customer's events in order, the bad corpus spread over both.
            long t = historyEnd + 1_000;
            Map<String, String> corpus = BadLines.corpus(t, historyEnd);
            List<ProducerRecord<String, String>> records = new ArrayList<>();
            List<String> bad = new ArrayList<>(corpus.keySet());
            String[] customers = {NEWCO, OTHERCO};
            for (int i = 0; i < bad.size(); i++) {
                int partition = i % 2;
                records.add(new ProducerRecord<>(topicName, partition, null, bad.get(i)));
                if (i < 3) {
                    for (int p = 0; p < 2; p++) {
                        String customer = customers[p];
                        String line = LiveEventFormat.toLine(switch (i) {
                            case 0 -> accountSnapshot(customer, t, "Enterprise", 2, 400);
                            case 1 -> activitySnapshot(customer, t + 1, "Critical", "Declining");
                            default -> valueSnapshot(customer, t + 2, "Gold", 90_000, 5);
                        });
                        records.add(new ProducerRecord<>(topicName, p, customer, line));
                    }
                }
            }
            kafka.produce(records);

            waitFor("every bad record in the dead letters", () -> count(sink,
                    "SELECT count(*) FROM dead_letters WHERE source LIKE 'kafka:%'") >= corpus.size(), state);
            for (String customer : customers) {
                waitFor(customer + "'s actions", () -> count(sink,
                        "SELECT count(*) FROM recommended_actions WHERE customer_id = '" + customer + "'") >= 2, state);
                assertThat(strings(sink, "SELECT action FROM recommended_actions WHERE customer_id = '" + customer
                        + "' AND status = 'OPEN'")).as(state.get()).contains("URGENT_RETAIN");
                assertThat(strings(sink, "SELECT valid_as_of FROM recommended_actions WHERE customer_id = '" + customer + "'"))
                        .allSatisfy(asOf -> assertThat(Instant.parse(asOf).toEpochMilli()).isGreaterThan(historyEnd)
                                .isLessThanOrEqualTo(t + 2_000));
            }
            List<String> reasons = strings(sink, "SELECT reason FROM dead_letters WHERE source LIKE 'kafka:%'");
            assertThat(reasons).hasSize(corpus.size());
            for (String expected : corpus.values()) {
                assertThat(reasons).as("one dead letter says: " + expected).filteredOn(r -> r.contains(expected)).hasSize(1);
            }
            // Each keeps the record's value as sent.
            assertThat(strings(sink, "SELECT raw FROM dead_letters WHERE source LIKE 'kafka:%'"))
                    .containsExactlyInAnyOrderElementsOf(corpus.keySet());
        } finally {
            job.cancel().get();
        }
    }

    /** The job's status, and its failure if it has failed. */
    private static String jobStatus(JobClient job) {
        if (job == null) {
            return "not started";
        }
        try {
            JobStatus status = job.getJobStatus().get();
            if (status.isGloballyTerminalState()) {
                try {
                    job.getJobExecutionResult().get();
                } catch (Exception e) {
                    StringWriter trace = new StringWriter();
                    e.printStackTrace(new PrintWriter(trace));
                    return status + " " + trace;
                }
            }
            return status.toString();
        } catch (Exception e) {
            return "unknown (" + e + ")";
        }
    }
}
