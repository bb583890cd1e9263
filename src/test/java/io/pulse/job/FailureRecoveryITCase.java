package io.pulse.job;

import io.pulse.actions.Recommendation;
import io.pulse.actions.SinkDatabase;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.rules.RuleSet;
import io.pulse.testing.EmbeddedPostgresServer;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures during a replay into PostgreSQL, each compared row by row with an undisturbed run: a
 * task that fails once, the sink database refusing connections for a while, and a stop with a
 * savepoint resumed at a higher parallelism. Nothing lost, nothing duplicated.
 */
class FailureRecoveryITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(2).setNumberSlotsPerTaskManager(2)
                    .build());

    static final String QUEUE = "SELECT customer_id, action, family, value_tier, risk_tier, health_band, health_score,"
            + " predicted_6m_revenue, priority, due_at, playbook, reasons, cohorts, ruleset_version, valid_as_of,"
            + " first_valid_as_of, status FROM recommended_actions ORDER BY customer_id, action";
    static final String HISTORY = "SELECT r.customer_id, r.action, h.actor, h.from_status, h.to_status, h.at, h.note"
            + " FROM action_history h JOIN recommended_actions r ON r.id = h.action_id"
            + " ORDER BY r.customer_id, r.action, h.at, h.to_status";
    private static final Duration CHECKPOINTS = Duration.ofMillis(300);

    @TempDir
    static Path dir;
    static Path history;
    static RuleSet rules;
    static String undisturbed;

    @BeforeAll
    static void replayUndisturbed() throws Exception {
        history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(80, 240, 13, LocalDate.of(2025, 1, 1), history)).generate();
        rules = RuleSet.load(Path.of("rules"));
        undisturbed = EmbeddedPostgresServer.freshDatabaseUrl();
        job(undisturbed, PulseJob.jdbc(db(undisturbed)), 2)
                .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "undisturbed");
        assertThat(rows(undisturbed, QUEUE)).hasSizeGreaterThan(80);
    }

    private static SinkDatabase db(String url) throws Exception {
        SinkDatabase db = SinkDatabase.of(url);
        db.createSchema();
        return db;
    }

    private static PulseJob job(String sinkUrl, PulseJob.Sinks sinks, int parallelism) {
        return job(PulseJob.history("jdbc:sqlite:" + history), sinks, parallelism);
    }

    private static PulseJob job(PulseJob.Events events, PulseJob.Sinks sinks, int parallelism) {
        return new PulseJob(events, sinks, rules,
                PulseJob.Settings.defaults().withParallelism(parallelism).withCheckpointInterval(CHECKPOINTS)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri()).withRestartAttempts(10));
    }

    private static void assertSameAsUndisturbed(String url, String why) throws Exception {
        assertThat(rows(url, QUEUE)).as("the queue " + why).isEqualTo(rows(undisturbed, QUEUE));
        assertThat(rows(url, HISTORY)).as("the action history " + why).isEqualTo(rows(undisturbed, HISTORY));
    }

    /** Waits until the job runs and has written part of the queue: mid-run. */
    private static void awaitMidRun(JobClient client, String url) throws Exception {
        while (client.getJobStatus().get() != JobStatus.RUNNING
                || rows(url, "SELECT count(*) FROM recommended_actions").equals(List.of("0"))) {
            assertThat(client.getJobStatus().get().isGloballyTerminalState()).as("the job ended before mid-run")
                    .isFalse();
            Thread.sleep(50);
        }
    }

    /**
     * The history read at most one event per millisecond per table, so that a stop with a savepoint
     * surely comes while it is still being read (the replay alone takes seconds).
     */
    private static PulseJob.Events slowHistory() {
        return env -> PulseJob.history("jdbc:sqlite:" + history).create(env).stream()
                .map(s -> (org.apache.flink.streaming.api.datastream.DataStream<io.pulse.events.CustomerEvent>) s
                        .map(new Slow()).name("Slow (test)").setParallelism(1))
                .toList();
    }

    static final class Slow implements MapFunction<io.pulse.events.CustomerEvent, io.pulse.events.CustomerEvent> {
        @Override
        public io.pulse.events.CustomerEvent map(io.pulse.events.CustomerEvent e) throws InterruptedException {
            Thread.sleep(1);
            return e;
        }
    }

    /** Throws once, at its {@code after}-th recommendation, in whichever subtask gets there first. */
    static final class FailOnce implements MapFunction<Recommendation, Recommendation> {
        static final Map<String, AtomicBoolean> FAILED = new ConcurrentHashMap<>();
        private final String name;
        private final int after;
        private int seen;

        FailOnce(String name, int after) {
            this.name = name;
            this.after = after;
            FAILED.put(name, new AtomicBoolean());
        }

        @Override
        public Recommendation map(Recommendation r) {
            if (++seen == after && FAILED.get(name).compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure at recommendation " + after);
            }
            return r;
        }
    }

    @Test
    void aTaskThatFailsOnceMidRunLosesNothingAndDuplicatesNothing() throws Exception {
        String url = EmbeddedPostgresServer.freshDatabaseUrl();
        PulseJob.Sinks jdbc = PulseJob.jdbc(db(url));
        // chained between rule evaluation and the sink, through the job's injected I/O
        PulseJob.Sinks failingOnce = output -> jdbc.attach(new PulsePipeline.Output(
                output.recommendations().map(new FailOnce("task", 60)).name("Fail once (test)"),
                output.deadLetters(), output.ruleDeployments()));

        job(url, failingOnce, 2).execute(StreamExecutionEnvironment.getExecutionEnvironment(), "fails once");

        assertThat(FailOnce.FAILED.get("task")).as("the task failed once").isTrue();
        assertSameAsUndisturbed(url, "after a task failed and the job restarted");
    }

    @Test
    void theSinkDatabaseRefusingConnectionsForAWhileLosesNothingAndDuplicatesNothing() throws Exception {
        String url = EmbeddedPostgresServer.freshDatabaseUrl();
        String database = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        JobClient client = job(url, PulseJob.jdbc(db(url)), 2)
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "sink outage");
        awaitMidRun(client, url);
        List<String> beforeOutage = rows(url, QUEUE);

        try (Connection admin = DriverManager.getConnection(EmbeddedPostgresServer.adminUrl());
             Statement s = admin.createStatement()) {
            // the database goes away: open connections are cut, new ones refused
            s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
            Thread.sleep(3_000); // the outage
            s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
        }
        client.getJobExecutionResult().get(10, TimeUnit.MINUTES);

        assertThat(beforeOutage).as("the job still had rows to write when the database went away")
                .isNotEqualTo(rows(url, QUEUE));
        assertSameAsUndisturbed(url, "after the sink database was unavailable for 3 s");
    }

    @Test
    void aSavepointTakenAtParallelismTwoResumesAtThreeLosingNothingAndDuplicatingNothing() throws Exception {
        String url = EmbeddedPostgresServer.freshDatabaseUrl();
        SinkDatabase db = db(url);
        JobClient client = job(slowHistory(), PulseJob.jdbc(db), 2)
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "until the savepoint, p=2");
        awaitMidRun(client, url);
        String savepoint = null;
        while (savepoint == null) {
            try {
                savepoint = client.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL).get(5, TimeUnit.MINUTES);
            } catch (ExecutionException e) { // a task still starting (compiling its rules) cannot take part yet
                assertThat(client.getJobStatus().get().isGloballyTerminalState())
                        .as("the job ended before the savepoint: %s", e).isFalse();
                Thread.sleep(200);
            }
        }
        client.getJobExecutionResult().get(5, TimeUnit.MINUTES); // stopped: its slots are free again
        List<String> atSavepoint = rows(url, QUEUE);

        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        job(slowHistory(), PulseJob.jdbc(db), 3)
                .execute(StreamExecutionEnvironment.getExecutionEnvironment(restore), "from the savepoint, p=3");

        assertSameAsUndisturbed(url, "after a savepoint at p=2 resumed at p=3");
        assertThat(atSavepoint).as("the job was stopped mid-run").isNotEqualTo(rows(url, QUEUE));
    }
}
