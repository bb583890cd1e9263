package io.pulse.job;

import io.pulse.model.Recommendation;
import io.pulse.testing.EmbeddedPostgresServer;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
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
                output.deadLetters(), output.ruleDeployments()), batching);

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
}
