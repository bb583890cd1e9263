package io.pulse.job;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Flink configuration a Pulse job runs with: parallelism, checkpointing, state backend,
 * snapshot compression, restart strategy, watermark interval and buffer timeout. What the job's
 * {@link PulseJob.Settings} leave open, the cluster's configuration (config.yaml) decides, and
 * what that leaves open, Pulse's defaults.
 */
final class JobConfiguration {
    private JobConfiguration() {}

    /** Pulse's checkpoint directory when neither the job nor the cluster names one. */
    static URI defaultCheckpointDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "pulse-checkpoints").toUri();
    }

    /** Configures {@code env} for a job with {@code settings}, before the job's operators are added. */
    static void apply(StreamExecutionEnvironment env, PulseJob.Settings settings) {
        if (settings.parallelism() > 0) {
            env.setParallelism(settings.parallelism());
        }
        env.enableCheckpointing(settings.checkpointInterval().toMillis());
        ReadableConfig cluster = env.getConfiguration(); // config.yaml when submitted to a cluster
        Configuration conf = new Configuration();
        checkpointing(conf, cluster, settings);
        stateBackend(conf, cluster, settings);
        snapshotCompression(conf, cluster);
        restarts(conf, settings);
        timing(conf, settings);
        env.configure(conf);
    }

    private static void checkpointing(Configuration conf, ReadableConfig cluster, PulseJob.Settings settings) {
        // State outgrows the JobManager's 5 MB in-memory checkpoint limit at a few thousand customers.
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        if (settings.checkpointDirectory() != null || cluster.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isEmpty()) {
            URI dir = settings.checkpointDirectory() != null ? settings.checkpointDirectory() : defaultCheckpointDirectory();
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toString());
        }
        // A stopped (cancelled) or failed job keeps its last checkpoint: `--resume-from` starts from
        // it. A job that finishes (a replay's end) removes its checkpoints as before.
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }

    private static void stateBackend(Configuration conf, ReadableConfig cluster, PulseJob.Settings settings) {
        if (settings.stateBackend() != null || cluster.getOptional(StateBackendOptions.STATE_BACKEND).isEmpty()) {
            PulseJob.StateBackend backend = settings.stateBackend() != null
                    ? settings.stateBackend() : PulseJob.StateBackend.HASHMAP;
            conf.set(StateBackendOptions.STATE_BACKEND, backend.flinkName());
            // RocksDB uploads only the files that changed since the last checkpoint
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, backend == PulseJob.StateBackend.ROCKSDB);
        }
    }

    private static void snapshotCompression(Configuration conf, ReadableConfig cluster) {
        // Keyed state snapshots compressed (Snappy) unless the cluster says otherwise: fewer bytes
        // written per checkpoint for a little CPU (see BENCHMARKS.md, "Event-to-action latency").
        // A snapshot records whether it is compressed, so uncompressed checkpoints still restore.
        if (cluster.getOptional(ExecutionOptions.SNAPSHOT_COMPRESSION).isEmpty()) {
            conf.set(ExecutionOptions.SNAPSHOT_COMPRESSION, true);
        }
    }

    private static void restarts(Configuration conf, PulseJob.Settings settings) {
        // A few quick restarts ride out a passing fault; a job that keeps failing (say, a sink it
        // cannot reach) fails with its cause instead of restarting forever, Flink's default.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, settings.restartAttempts());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
    }

    /** The watermark interval and buffer timeout, where the settings name them. */
    private static void timing(Configuration conf, PulseJob.Settings settings) {
        if (settings.watermarkInterval() != null) {
            conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, settings.watermarkInterval());
        }
        if (settings.bufferTimeout() != null) {
            conf.set(ExecutionOptions.BUFFER_TIMEOUT, settings.bufferTimeout());
        }
    }
}
