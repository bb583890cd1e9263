package io.pulse.cli;

import io.pulse.job.PulseJob;
import io.pulse.job.RetainedSnapshots;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** How a Flink job of `pulse replay` and `pulse live` keeps its state: shared options. */
final class JobOptions {
    @Option(names = "--state-backend", paramLabel = "hashmap|rocksdb",
            converter = StateBackendConverter.class,
            description = "Where keyed state lives: hashmap (the heap) or rocksdb (local disk, incremental "
                    + "checkpoints). Default: the cluster's state.backend.type, else hashmap.")
    PulseJob.StateBackend stateBackend;

    @Option(names = "--checkpoints", paramLabel = "DIR|URI",
            description = "Checkpoint directory (a path or a URI such as s3://bucket/pulse); on a cluster it must be "
                    + "shared by all its machines. Default: the cluster's execution.checkpointing.dir, else "
                    + "<tmp>/pulse-checkpoints.")
    String checkpoints;

    @Option(names = "--checkpoint-interval", defaultValue = "PT10S",
            description = "Time between checkpoints, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval = Duration.ofSeconds(10);

    @Option(names = "--resume-from", paramLabel = "DIR",
            description = {"Resume from a savepoint or a retained checkpoint instead of starting empty: a savepoint or "
                    + "chk-N directory, or a checkpoint directory (such as the --checkpoints one), whose newest "
                    + "complete checkpoint is used. A stopped or failed job keeps its last checkpoint."})
    Path resumeFrom;

    /**
     * The Flink configuration a job over {@code history} (a SQLite file or a JDBC URL) starts with:
     * resuming from the snapshot {@code --resume-from} names, if given (printed). A
     * {@link CliFailure} naming the option when the job cannot start: no history database (or one
     * that does not answer), a checkpoint directory that cannot be, or no complete snapshot where
     * {@code --resume-from} points.
     */
    Configuration startConfiguration(String history) throws IOException {
        Reachability.history("--history", history);
        if (checkpoints != null && !checkpoints.contains("://")) {
            Args.directoryToCreate("--checkpoints", Path.of(checkpoints));
        }
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw CliFailure.usage("--checkpoint-interval must be positive, got " + checkpointInterval);
        }
        Configuration conf = new Configuration();
        if (resumeFrom != null) {
            Path snapshot;
            try {
                snapshot = RetainedSnapshots.resolve(resumeFrom.toAbsolutePath());
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage("--resume-from: " + e.getMessage());
            }
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, snapshot.toUri().toString());
            System.out.println("Resuming from " + snapshot);
        }
        return conf;
    }

    PulseJob.Settings applyTo(PulseJob.Settings settings) {
        PulseJob.Settings s = settings.withStateBackend(stateBackend).withCheckpointInterval(checkpointInterval);
        if (checkpoints != null) {
            s = s.withCheckpointDirectory(checkpoints.contains("://") ? URI.create(checkpoints)
                    : Path.of(checkpoints).toAbsolutePath().toUri());
        }
        return s;
    }

    static final class StateBackendConverter implements picocli.CommandLine.ITypeConverter<PulseJob.StateBackend> {
        @Override
        public PulseJob.StateBackend convert(String value) {
            for (PulseJob.StateBackend b : PulseJob.StateBackend.values()) {
                if (b.flinkName().equalsIgnoreCase(value)) {
                    return b;
                }
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "unknown state backend '" + value + "' (hashmap or rocksdb)");
        }
    }
}
