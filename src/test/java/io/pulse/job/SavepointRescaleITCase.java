package io.pulse.job;

import io.pulse.actions.SinkDatabase;
import io.pulse.testing.EmbeddedPostgresServer;
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
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.pulse.job.RecoveryFixtures.QUEUE;
import static io.pulse.job.RecoveryFixtures.assertSameAsUndisturbed;
import static io.pulse.job.RecoveryFixtures.awaitMidRun;
import static io.pulse.job.RecoveryFixtures.db;
import static io.pulse.job.RecoveryFixtures.job;
import static io.pulse.job.RecoveryFixtures.slowHistory;
import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replay stopped mid-run with a savepoint at parallelism 2 and resumed from it at 3 writes the
 * undisturbed run's table, row by row. (Its own MiniCluster: after FailureRecoveryITCase's
 * failovers the shared one had too few slots left for the p=3 job; see flink-job/README.md.)
 */
class SavepointRescaleITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(2).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    static Path dir;

    @BeforeAll
    static void replayUndisturbed() throws Exception {
        RecoveryFixtures.replayUndisturbed();
    }

    @Test
    void aSavepointTakenAtParallelismTwoResumesAtThreeLosingNothingAndDuplicatingNothing() throws Exception {
        String url = EmbeddedPostgresServer.freshDatabaseUrl();
        SinkDatabase db = db(url);
        JobClient client = job(slowHistory(), PulseJob.jdbc(db), 2)
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "until the savepoint, p=2");
        awaitMidRun(client, url);
        String savepoint = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        ExecutionException lastRefusal = null;
        while (savepoint == null) {
            assertThat(System.nanoTime()).as("a savepoint of the running job within 3 minutes; last refusal: %s",
                    lastRefusal).isLessThan(deadline);
            try {
                savepoint = client.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL).get(5, TimeUnit.MINUTES);
            } catch (ExecutionException e) { // a task still starting (compiling its rules) cannot take part yet
                lastRefusal = e;
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
