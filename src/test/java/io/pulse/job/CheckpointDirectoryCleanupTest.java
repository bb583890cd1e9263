package io.pulse.job;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What is left of a finished job's checkpoint directory. */
class CheckpointDirectoryCleanupTest {

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

        CheckpointDirectoryCleanup.remove(env, finished);
        CheckpointDirectoryCleanup.remove(env, finished); // gone already: nothing to do, no error

        assertThat(checkpoints.resolve(finished.toString())).doesNotExist();
        assertThat(otherJobsCheckpoint).as("only the finished job's directory").exists();
    }
}
