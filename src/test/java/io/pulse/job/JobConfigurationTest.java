package io.pulse.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the job's settings and the cluster's configuration configure the environment. */
class JobConfigurationTest {

    @Test
    void stateSnapshotsAreCompressedByDefault() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        assertThat(env.getConfig().isUseSnapshotCompression()).as("Flink's own default").isFalse();

        JobConfiguration.apply(env, PulseJob.Settings.defaults());

        assertThat(env.getConfig().isUseSnapshotCompression()).isTrue();
    }

    @Test
    void theClustersChoiceOfSnapshotCompressionIsKept() {
        Configuration cluster = new Configuration();
        cluster.set(ExecutionOptions.SNAPSHOT_COMPRESSION, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);

        JobConfiguration.apply(env, PulseJob.Settings.defaults());

        assertThat(env.getConfig().isUseSnapshotCompression()).isFalse();
    }
}
