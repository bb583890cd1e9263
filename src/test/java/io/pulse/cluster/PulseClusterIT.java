package io.pulse.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.actions.SinkDatabase;
import io.pulse.generate.GeneratorSettings;
import io.pulse.events.CustomerEvent;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistorySource;
import io.pulse.job.RetainedSnapshots;
import io.pulse.job.PulseJob;
import io.pulse.live.LiveEventFormat;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.EmbeddedPostgresServer;
import io.pulse.testing.InProcessKafka;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static io.pulse.testing.SinkPolling.count;
import static io.pulse.testing.SinkPolling.strings;
import static io.pulse.testing.SinkPolling.waitFor;
import static io.pulse.testing.SqlRows.rows;
import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.activitySnapshot;
import static io.pulse.testing.TestEvents.valueSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded job jar ({@code target/pulse-job.jar}) on a real standalone Flink cluster: a JobManager
 * and a TaskManager as their own JVM processes, the jar submitted with {@code flink run}, a generated
 * history replayed into PostgreSQL. The queue must be the one an in-process (MiniCluster) run of the
 * same history writes, row by row; also when the TaskManager is killed mid-run and replaced. And
 * {@code pulse live} on the cluster: the history, then records of a Kafka topic (a broker in this
 * JVM), into PostgreSQL.
 */
class PulseClusterIT {
    private static final Duration JOB_LIMIT = Duration.ofMinutes(10);
    static final String QUEUE = "SELECT customer_id, action, family, value_tier, risk_tier, health_band, health_score,"
            + " predicted_6m_revenue, priority, due_at, playbook, reasons, cohorts, ruleset_version, valid_as_of,"
            + " first_valid_as_of, status, assignee FROM recommended_actions ORDER BY customer_id, action";
    private static final String LIVE_TOPIC = "customer-events";
    private static final String NEWCO = "newco.example";
    private static final String OTHERCO = "otherco.example";
    private static final String MALFORMED = "{\"type\": \"ACCOUNT_SNAPSHOT\", \"customerId\": ";
    static final String HISTORY = "SELECT r.customer_id, r.action, h.actor, h.from_status, h.to_status, h.at, h.note"
            + " FROM action_history h JOIN recommended_actions r ON r.id = h.action_id"
            + " ORDER BY r.customer_id, r.action, h.at, h.to_status";

    @TempDir
    static Path dir;
    static Path history;
    static StandaloneFlinkCluster cluster;
    /** The queue of an undisturbed in-process run: what every cluster run must write. */
    static String expected;

    @BeforeAll
    static void startClusterAndReplayInProcess() throws Exception {
        history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(80, 240, 7, LocalDate.of(2025, 1, 1), history)).generate();
        cluster = StandaloneFlinkCluster.start(Files.createDirectories(dir.resolve("cluster")),
                Path.of("target/test.classpath"), 1, 2, Map.of());

        expected = EmbeddedPostgresServer.freshDatabaseUrl();
        SinkDatabase db = SinkDatabase.of(expected);
        db.createSchema();
        new PulseJob(PulseJob.history("jdbc:sqlite:" + history), PulseJob.jdbc(db), RuleSet.load(Path.of("rules")),
                PulseJob.Settings.defaults().withParallelism(2))
                .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse replay in-process");
        assertThat(rows(expected, "SELECT count(*) FROM recommended_actions")).as("the in-process run's queue")
                .isNotEqualTo(List.of("0"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Path jobJar() {
        Path jar = Path.of(System.getProperty("pulse.jobJar", "target/pulse-job.jar"));
        assertThat(jar).as("the shaded job jar (built by `./mvnw package`)").isRegularFile();
        return jar;
    }

    private static StandaloneFlinkCluster.Submission replayOnCluster(String sinkUrl) throws Exception {
        return cluster.submit(List.of(), jobJar(), "replay", "--history", history.toAbsolutePath().toString(),
                "--rules", Path.of("rules").toAbsolutePath().toString(), "--sink", sinkUrl, "--parallelism", "2");
    }

    private static void assertSameQueue(String actual, String why) throws Exception {
        assertThat(rows(actual, QUEUE)).as("the queue " + why).isEqualTo(rows(expected, QUEUE));
        assertThat(rows(actual, HISTORY)).as("the action history " + why).isEqualTo(rows(expected, HISTORY));
    }

    @Test
    void theShadedJarOnAStandaloneClusterWritesTheSameQueueAsAnInProcessRun() throws Exception {
        String sink = EmbeddedPostgresServer.freshDatabaseUrl();
        StandaloneFlinkCluster.Submission run = replayOnCluster(sink);
        int exit = run.await(JOB_LIMIT);
        assertThat(exit).as("flink run exit code\n%s%s", run.output(), cluster.logTails()).isZero();
        assertThat(run.output()).contains("Replayed ");
        assertSameQueue(sink, "written on the cluster");
    }

    @Test
    void aTaskManagerKilledMidRunLosesNothingAndDuplicatesNothing() throws Exception {
        String sink = EmbeddedPostgresServer.freshDatabaseUrl();
        StandaloneFlinkCluster.Submission run = replayOnCluster(sink);
        // Mid-run: the job is running and has written part of the queue.
        long deadline = System.nanoTime() + JOB_LIMIT.toNanos();
        String jobId = null;
        while (jobId == null || rows(sink, "SELECT count(*) FROM recommended_actions").equals(List.of("0"))) {
            assertThat(run.process().isAlive()).as("the job ended before it wrote anything\n%s%s", run.output(),
                    cluster.logTails()).isTrue();
            assertThat(System.nanoTime()).as("no rows written in time\n%s", cluster.logTails()).isLessThan(deadline);
            Thread.sleep(200);
            jobId = run.jobId();
        }
        JsonNode job = cluster.get("/jobs/" + jobId);
        assertThat(job.path("state").asText()).as("the job when the TaskManager is killed").isEqualTo("RUNNING");

        cluster.killTaskManager(0);
        cluster.startTaskManager(); // a replacement, as a cluster manager would start one

        int exit = run.await(JOB_LIMIT);
        assertThat(exit).as("flink run exit code\n%s%s", run.output(), cluster.logTails()).isZero();
        JsonNode exceptions = cluster.get("/jobs/" + jobId + "/exceptions");
        assertThat(exceptions.path("exceptionHistory").path("entries").size())
                .as("the job failed over once (the TaskManager was lost mid-run): %s", exceptions)
                .isGreaterThanOrEqualTo(1);
        assertSameQueue(sink, "after the TaskManager was killed and the job restarted");
    }

    @Test
    void liveOnTheClusterTurnsKafkaRecordsAfterTheHistoryIntoActionsAndDeadLetters() throws Exception {
        String sink = EmbeddedPostgresServer.freshDatabaseUrl();
        long historyEnd = HistorySource.endTime("jdbc:sqlite:" + history);
        try (InProcessKafka kafka = InProcessKafka.start()) {
            kafka.createTopic(LIVE_TOPIC, 2);
            Path checkpoints = dir.resolve("live-checkpoints");
            StandaloneFlinkCluster.Submission run = cluster.submit(List.of("--detached"), jobJar(), "live",
                    "--history", history.toAbsolutePath().toString(), "--events", kafka.address(LIVE_TOPIC),
                    "--rules", Path.of("rules").toAbsolutePath().toString(), "--sink", sink, "--parallelism", "2",
                    "--live-cadence", "PT1S", "--checkpoints", checkpoints.toString(), "--checkpoint-interval", "PT2S");
            assertThat(run.await(Duration.ofMinutes(3))).as("flink run --detached exit code\n%s%s", run.output(),
                    cluster.logTails()).isZero();
            String jobId = run.jobId();
            assertThat(jobId).as("the submitted job's id\n%s", run.output()).isNotNull();
            Supplier<String> state = () -> "job: " + jobState(jobId)
                    + "; dead letters: " + strings(sink, "SELECT source || ': ' || reason FROM dead_letters")
                    + "; live customers' actions: " + strings(sink, "SELECT customer_id || ' ' || action || ' '"
                    + " || status FROM recommended_actions WHERE customer_id IN ('" + NEWCO + "', '" + OTHERCO + "')")
                    + cluster.logTails();
            try {
                waitFor("the history's actions", JOB_LIMIT,
                        () -> count(sink, "SELECT count(*) FROM recommended_actions") > 0, state);

                // A new customer in each partition, its events in order, and a malformed record.
                long t = historyEnd + 1_000;
                String[] customers = {NEWCO, OTHERCO};
                List<ProducerRecord<String, String>> records = new ArrayList<>();
                for (int p = 0; p < customers.length; p++) {
                    String c = customers[p];
                    for (CustomerEvent e : List.of(accountSnapshot(c, t, "Enterprise", 2, 400),
                            activitySnapshot(c, t + 1, "Critical", "Declining"), valueSnapshot(c, t + 2, "Gold", 90_000, 5))) {
                        records.add(new ProducerRecord<>(LIVE_TOPIC, p, c, LiveEventFormat.toLine(e)));
                    }
                }
                records.add(new ProducerRecord<>(LIVE_TOPIC, 1, null, MALFORMED));
                kafka.produce(records);

                for (String customer : customers) {
                    waitFor(customer + "'s URGENT_RETAIN", JOB_LIMIT, () -> strings(sink, "SELECT action FROM"
                            + " recommended_actions WHERE status = 'OPEN' AND customer_id = '" + customer + "'")
                            .contains("URGENT_RETAIN"), state);
                    assertThat(strings(sink, "SELECT valid_as_of FROM recommended_actions WHERE customer_id = '"
                            + customer + "'")).as(state.get()).allSatisfy(asOf ->
                            assertThat(Instant.parse(asOf).toEpochMilli()).isGreaterThan(historyEnd));
                }
                waitFor("the malformed record's dead letter", JOB_LIMIT, () -> count(sink,
                        "SELECT count(*) FROM dead_letters WHERE source LIKE 'kafka:%'") > 0, state);
                assertThat(strings(sink, "SELECT reason FROM dead_letters WHERE source LIKE 'kafka:%'"))
                        .as(state.get()).singleElement().asString().contains("malformed JSON");
                waitFor("a complete checkpoint", JOB_LIMIT, () -> hasCompleteSnapshot(checkpoints), state);
            } finally {
                cluster.cancel(jobId);
            }
            // Cancelled, the job keeps its last checkpoint: `flink run -s` / `pulse live --resume-from` start there.
            assertThat(RetainedSnapshots.resolve(checkpoints)).as("the checkpoint kept after the cancel").exists();
        }
    }

    private static boolean hasCompleteSnapshot(Path checkpoints) {
        try {
            RetainedSnapshots.resolve(checkpoints);
            return true;
        } catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }

    private static String jobState(String jobId) {
        try {
            JsonNode job = cluster.get("/jobs/" + jobId);
            return job == null ? "(no answer)" : job.path("state").asText();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }
}
