package io.pulse.cli;

import io.pulse.job.PulseJob;
import picocli.CommandLine.Option;

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
