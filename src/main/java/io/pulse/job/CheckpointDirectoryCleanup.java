package io.pulse.job;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The cleanup of a finished job's checkpoint directory, which Flink leaves behind. */
public final class CheckpointDirectoryCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointDirectoryCleanup.class);

    /** How long a finished job's checkpoints may take to be discarded by Flink before they are deleted here. */
    private static final Duration FINISHED_CHECKPOINTS_DISCARD = Duration.ofSeconds(5);
    /** What Flink creates in a job's checkpoint directory besides the checkpoints ({@code chk-N}). */
    private static final List<String> JOB_STORAGE_DIRECTORIES = List.of("shared", "taskowned");

    private CheckpointDirectoryCleanup() {}

    /**
     * Removes the checkpoint directory of a job that {@code env} ran to its end. A finished job has
     * no checkpoint to resume from: Flink deletes its checkpoints shortly after its result is out,
     * but leaves {@code <checkpoints>/<job id>} with an empty {@code shared} and {@code taskowned}
     * (FLINK-15012), and the files of a checkpoint that was aborted while tasks were finishing (a
     * task's snapshot written after the abort). Waits up to a few seconds for Flink's own discard,
     * then deletes what is left, saying so when that was more than the empty directories. A
     * directory the client cannot reach (a cluster's) is left to the cluster.
     */
    public static void remove(StreamExecutionEnvironment env, JobID job) {
        Optional<String> checkpoints = env.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        if (checkpoints.isEmpty()) {
            return;
        }
        Path jobDir = new Path(checkpoints.get(), job.toString());
        try {
            FileSystem fs = jobDir.getFileSystem();
            long deadline = System.nanoTime() + FINISHED_CHECKPOINTS_DISCARD.toNanos();
            while (holdsCheckpoints(fs, jobDir) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (!fs.exists(jobDir)) {
                return;
            }
            int leftover = files(fs, jobDir);
            fs.delete(jobDir, true);
            if (leftover > 0) {
                LOG.info("Removed the finished job's checkpoint directory {} with {} {} that aborted checkpoints left"
                        + " in it", jobDir, leftover, leftover == 1 ? "file" : "files");
            }
        } catch (IOException e) {
            LOG.debug("Kept the checkpoint directory {} of the finished job: {}", jobDir, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean holdsCheckpoints(FileSystem fs, Path jobDir) throws IOException {
        FileStatus[] children = fs.exists(jobDir) ? fs.listStatus(jobDir) : null;
        return children != null && Arrays.stream(children)
                .anyMatch(child -> !JOB_STORAGE_DIRECTORIES.contains(child.getPath().getName()));
    }

    /** The files under {@code dir}, at any depth. */
    private static int files(FileSystem fs, Path dir) throws IOException {
        int files = 0;
        for (FileStatus child : fs.listStatus(dir)) {
            files += child.isDir() ? files(fs, child.getPath()) : 1;
        }
        return files;
    }
}
