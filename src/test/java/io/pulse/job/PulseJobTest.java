package io.pulse.job;

import io.pulse.rules.RuleSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

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

    /** A replay job; building it reads neither the history nor the rules' scenarios. */
    private static PulseJob job() throws Exception {
        return new PulseJob(PulseJob.history("jdbc:sqlite::memory:"), (output, batching) -> { },
                RuleSet.load(Path.of("rules")), PulseJob.Settings.defaults());
    }
}
