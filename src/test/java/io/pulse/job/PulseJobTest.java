package io.pulse.job;

import io.pulse.actions.SinkDatabase;
import io.pulse.rules.pack.RuleSet;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.io.TempDir;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

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

    /**
     * A checkpoint restores only into a job that has every operator it holds state of (by uid):
     * these are the replay job's as of 2026-12-07 (before the score history), when the queue's sink
     * was a JdbcSink with a committer. Checked by hand too: a live job of that version stopped and
     * resumed with this one.
     */
    @Test
    void everyOperatorAnEarlierVersionKeptStateUnderIsStillInTheJobUnderItsUid(@TempDir Path dir) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new PulseJob(PulseJob.history("jdbc:sqlite::memory:"), PulseJob.jdbc(SinkDatabase.of("jdbc:sqlite:"
                + dir.resolve("queue.sqlite"))), RuleSet.load(Path.of("rules")), PulseJob.Settings.defaults()).build(env);
        Set<String> uids = env.getStreamGraph().getStreamNodes().stream().map(StreamNode::getTransformationUID)
                .filter(Objects::nonNull).collect(Collectors.toSet());
        List<String> history = List.of("accounts", "activity", "companies", "conversations-closed",
                "conversations-created", "funnel", "outcomes", "plan-changes", "usage", "value");
        List<String> before = new ArrayList<>(List.of("customer-features", "population-figures", "evaluate-rules",
                "sink-recommended-actions", "Sink Committer: sink-recommended-actions", "sink-dead-letters",
                "Sink Committer: sink-dead-letters"));
        history.forEach(table -> before.addAll(List.of("history-" + table, "history-" + table + "-position")));
        assertThat(uids).containsAll(before);
    }

    /** A replay job; building it reads neither the history nor the rules' scenarios. */
    private static PulseJob job() throws Exception {
        return new PulseJob(PulseJob.history("jdbc:sqlite::memory:"), (output, batching) -> { },
                RuleSet.load(Path.of("rules")), PulseJob.Settings.defaults());
    }
}
