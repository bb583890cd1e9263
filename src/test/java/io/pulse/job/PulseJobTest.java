package io.pulse.job;

import io.pulse.rules.pack.RuleSet;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** How the job is built into an environment. */
class PulseJobTest {

    @Test
    void buildingTheJobConfiguresTheEnvironment() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        assertThat(env.getConfig().isUseSnapshotCompression()).as("Flink's own default").isFalse();

        job().build(env);

        assertThat(env.getConfig().isUseSnapshotCompression()).isTrue();
    }

    /** A replay job; building it reads neither the history nor the rules' scenarios. */
    private static PulseJob job() throws Exception {
        return new PulseJob(PulseJob.history("jdbc:sqlite::memory:"), (output, batching) -> { },
                RuleSet.load(Path.of("rules")), PulseJob.Settings.defaults());
    }
}
