package io.pulse.job;

import io.pulse.actions.SinkDatabase;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static io.pulse.testing.SqlRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/** The RocksDB state backend (incremental checkpoints) writes the same queue as the heap. */
class StateBackendITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    static Path dir;

    private static String replay(Path history, PulseJob.StateBackend backend) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("actions-" + backend.flinkName() + ".sqlite");
        SinkDatabase db = SinkDatabase.of(url);
        db.createSchema();
        new PulseJob(PulseJob.history("jdbc:sqlite:" + history), PulseJob.jdbc(db), RuleSet.load(Path.of("rules")),
                PulseJob.Settings.defaults().withParallelism(2).withStateBackend(backend)
                        .withCheckpointDirectory(dir.resolve("checkpoints-" + backend.flinkName()).toUri()))
                .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse replay on " + backend);
        return url;
    }

    @Test
    void aReplayOnRocksDbWritesTheSameQueueAsOnTheHeap() throws Exception {
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(60, 150, 3, LocalDate.of(2025, 1, 1), history)).generate();
        String query = "SELECT customer_id, action, family, value_tier, risk_tier, health_band, health_score,"
                + " predicted_6m_revenue, priority, due_at, playbook, reasons, cohorts, ruleset_version, valid_as_of,"
                + " first_valid_as_of, status FROM recommended_actions ORDER BY customer_id, action";
        List<String> onHeap = rows(replay(history, PulseJob.StateBackend.HASHMAP), query);
        List<String> onRocksDb = rows(replay(history, PulseJob.StateBackend.ROCKSDB), query);
        assertThat(onHeap).hasSizeGreaterThanOrEqualTo(2 * 60);
        assertThat(onRocksDb).isEqualTo(onHeap);
    }
}
