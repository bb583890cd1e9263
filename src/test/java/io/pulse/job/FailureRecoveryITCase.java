package io.pulse.job;

import io.pulse.model.Recommendation;
import io.pulse.testing.EmbeddedPostgresServer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobExceptionsHeaders;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory.RootExceptionInfo;
import org.apache.flink.runtime.rest.messages.job.JobExceptionsMessageParameters;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.pulse.job.RecoveryFixtures.QUEUE;
import static io.pulse.job.RecoveryFixtures.assertSameAsUndisturbed;
import static io.pulse.job.RecoveryFixtures.awaitMidRun;
import static io.pulse.job.RecoveryFixtures.db;
import static io.pulse.job.RecoveryFixtures.job;
import static io.pulse.testing.SinkPolling.waitFor;
import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures during a replay into PostgreSQL, each compared row by row with an undisturbed run: a
 * task that fails once and the sink database refusing connections for a while. Nothing lost,
 * nothing duplicated. (A savepoint resumed at another parallelism: {@link SavepointRescaleITCase}.)
 */
class FailureRecoveryITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(2).setNumberSlotsPerTaskManager(2)
                    .build());

    @BeforeAll
    static void replayUndisturbed() throws Exception {
        RecoveryFixtures.replayUndisturbed();
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
        PulseJob.Sinks failingOnce = (output, batching) -> jdbc.attach(new PulsePipeline.Output(
                output.recommendations().map(new FailOnce("task", 60)).name("Fail once (test)"),
                output.scorePoints(), output.deadLetters(), output.ruleDeployments()), batching);

        job(url, failingOnce, 2).execute(StreamExecutionEnvironment.getExecutionEnvironment(), "fails once");

        assertThat(FailOnce.FAILED.get("task")).as("the task failed once").isTrue();
        assertSameAsUndisturbed(url, "after a task failed and the job restarted");
    }

    /**
     * The sink database goes away mid-run: the job's connections are cut and new ones refused until
     * the job has met the outage twice (a write cut off, then a retry refused), so the outage is
     * not a guess at a duration. Then the database comes back, the retry after it writes the rest,
     * and the table is the undisturbed run's.
     */
    @Test
    void writesRefusedDuringASinkOutageAreRetriedAfterItLosingNothingAndDuplicatingNothing(
            @InjectClusterClient RestClusterClient<?> rest) throws Exception {
        String url = EmbeddedPostgresServer.freshDatabaseUrl();
        String database = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        JobClient client = job(url, PulseJob.jdbc(db(url)), 2)
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "sink outage");
        awaitMidRun(client, url);
        assertThat(sinkFailures(rest, client.getJobID())).as("sink failures before the outage").isEmpty();

        List<String> atOutageEnd;
        long outageEnd;
        // the observer's own connection, opened before the outage and spared by it, reads the table during it
        try (Connection observer = DriverManager.getConnection(url);
             Connection admin = DriverManager.getConnection(EmbeddedPostgresServer.adminUrl());
             Statement s = admin.createStatement()) {
            int observerPid = observerPid(observer);
            s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
            long outageStart = System.currentTimeMillis();
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
                    + "' AND pid <> " + observerPid);
            waitFor("the job to fail on the sink database twice during the outage (a write, then a retry)",
                    Duration.ofMinutes(2), () -> {
                        JobStatus status = RecoveryFixtures.status(client);
                        assertThat(status.isGloballyTerminalState()).as("the job ended during the outage: %s", status)
                                .isFalse();
                        return sinkFailures(rest, client.getJobID()).size() >= 2;
                    }, () -> "sink failures so far: " + describe(sinkFailures(rest, client.getJobID())));
            atOutageEnd = rows(observer, QUEUE);
            s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
            outageEnd = System.currentTimeMillis();

            List<RootExceptionInfo> during = sinkFailures(rest, client.getJobID());
            assertThat(during).as("failures of the sink during the outage: %s", describe(during))
                    .allSatisfy(f -> assertThat(f.getTimestamp()).isBetween(outageStart, outageEnd));
            assertThat(during).as("a retry while the database refused connections: %s", describe(during))
                    .anySatisfy(f -> assertThat(f.getStacktrace()).contains("not currently accepting connections"));
        }
        client.getJobExecutionResult().get(10, TimeUnit.MINUTES);

        assertThat(client.getJobStatus().get()).as("the job after the outage").isEqualTo(JobStatus.FINISHED);
        assertThat(atOutageEnd).as("the queue when the database came back: the job still had rows to write")
                .isNotEqualTo(rows(url, QUEUE));
        List<RootExceptionInfo> all = sinkFailures(rest, client.getJobID());
        assertThat(all).as("failures of the sink after the outage ended (the retry after it succeeded): %s",
                describe(all)).allSatisfy(f -> assertThat(f.getTimestamp()).isLessThan(outageEnd + 1_000));
        assertSameAsUndisturbed(url, "after the sink database refused connections until the job had retried");
    }

    /** The job's failovers (its exception history) caused by the sink database, oldest first. */
    static List<RootExceptionInfo> sinkFailures(RestClusterClient<?> rest, JobID job) {
        JobExceptionsMessageParameters parameters = new JobExceptionsMessageParameters();
        parameters.jobPathParameter.resolve(job);
        try {
            return rest.sendRequest(JobExceptionsHeaders.getInstance(), parameters, EmptyRequestBody.getInstance())
                    .get(30, TimeUnit.SECONDS).getExceptionHistory().getEntries().stream()
                    .filter(f -> f.getStacktrace().contains("org.postgresql"))
                    .sorted(Comparator.comparingLong(RootExceptionInfo::getTimestamp)).toList();
        } catch (Exception e) {
            throw new AssertionError("cannot read the exception history of job " + job, e);
        }
    }

    private static String describe(List<RootExceptionInfo> failures) {
        return failures.stream().map(f -> f.getTimestamp() + " " + f.getTaskName() + ": "
                + f.getStacktrace().lines().filter(l -> l.contains("PSQLException")).findFirst().orElse(f.getExceptionName()))
                .toList().toString();
    }

    private static int observerPid(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
