package io.pulse.job;

import io.pulse.rules.pack.RuleSet;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** How the job configures the environment it is built into. */
class PulseJobTest {

    @Test
    void stateSnapshotsAreCompressedByDefault() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        assertThat(env.getConfig().isUseSnapshotCompression()).as("Flink's own default").isFalse();

        job().build(env);

        assertThat(env.getConfig().isUseSnapshotCompression()).isTrue();
    }

    @Test
    void theClustersChoiceOfSnapshotCompressionIsKept() throws Exception {
        Configuration cluster = new Configuration();
        cluster.set(ExecutionOptions.SNAPSHOT_COMPRESSION, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);

        job().build(env);

        assertThat(env.getConfig().isUseSnapshotCompression()).isFalse();
    }

    @Test
    void aFinishedJobsCheckpointDirectoryGoesWithWhatAbortedCheckpointsLeftInIt(@TempDir Path checkpoints)
            throws Exception {
        Configuration config = new Configuration();
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        JobID finished = new JobID();
        JobID other = new JobID();
        // What Flink leaves of a finished job (FLINK-15012), and a task's snapshot of an aborted checkpoint.
        Files.createDirectories(checkpoints.resolve(finished.toString()).resolve("shared"));
        Path orphan = Files.createDirectories(checkpoints.resolve(finished.toString()).resolve("taskowned"))
                .resolve("a1b2c3");
        Files.writeString(orphan, "state of a checkpoint that was aborted");
        Path otherJobsCheckpoint = Files.createDirectories(checkpoints.resolve(other.toString()).resolve("chk-4"))
                .resolve("_metadata");
        Files.writeString(otherJobsCheckpoint, "another job's checkpoint");

        PulseJob.removeCheckpointDirectory(env, finished);
        PulseJob.removeCheckpointDirectory(env, finished); // gone already: nothing to do, no error

        assertThat(checkpoints.resolve(finished.toString())).doesNotExist();
        assertThat(otherJobsCheckpoint).as("only the finished job's directory").exists();
    }

    /** A replay job; building it reads neither the history nor the rules' scenarios. */
    private static PulseJob job() throws Exception {
        return new PulseJob(PulseJob.history("jdbc:sqlite::memory:"), (output, batching) -> { },
                RuleSet.load(Path.of("rules")), PulseJob.Settings.defaults());
    }
}
