package io.pulse.cli;

import io.pulse.actions.SinkDatabase;
import io.pulse.features.Cadence;
import io.pulse.job.PulseJob;
import io.pulse.live.LiveEventFormat;
import io.pulse.live.LiveSource;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.SmallHistory;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static io.pulse.testing.SinkPolling.count;
import static io.pulse.testing.SinkPolling.strings;
import static io.pulse.testing.SinkPolling.waitFor;
import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.activitySnapshot;
import static io.pulse.testing.TestEvents.valueSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dead letter replayed into a running live job (MiniCluster, parallelism 2): a customer's value
 * snapshot stamped ahead of the clock is dead-lettered, and once the clock has caught up,
 * `pulse deadletters replay` sends the line again; the job takes it and the customer is scored.
 */
class DeadLetterReplayITCase {
    private static final String NEWCO = "newco.example";
    /** How far ahead of the wall clock the job takes an event (the default is 5 minutes). */
    private static final Duration TOLERANCE = Duration.ofSeconds(10);
    /** How far ahead the value snapshot is stamped: beyond the tolerance when it first arrives. */
    private static final long AHEAD_MS = 25_000;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    Path dir;

    @Test
    void aLineAheadOfTheClockIsReplayedOnceTheClockCaughtUpAndScored() throws Exception {
        SmallHistory small = SmallHistory.in(dir);
        String historyUrl = small.url();
        long historyEnd = small.end();
        Path events = Files.createDirectories(dir.resolve("events"));
        String sink = small.sink();
        SinkDatabase db = small.db();
        Supplier<String> state = () -> "dead letters: " + strings(sink, "SELECT source || ' ' || reason FROM dead_letters")
                + "; actions of " + NEWCO + ": " + strings(sink, "SELECT action FROM recommended_actions"
                + " WHERE customer_id = '" + NEWCO + "'");
        LiveSource.Settings live = new LiveSource.Settings(Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(1), new LiveEventFormat(64 * 1024, TOLERANCE));

        JobClient job = new PulseJob(PulseJob.historyThenLive(historyUrl, historyEnd, events, live),
                PulseJob.jdbc(db), RuleSet.load(Path.of("rules")), PulseJob.Settings.defaults().withParallelism(2)
                        .withCheckpointDirectory(dir.resolve("checkpoints").toUri())
                        .withCadence(Cadence.every(Duration.ofDays(1)).thenEvery(Duration.ofSeconds(1), historyEnd)))
                .executeAsync(StreamExecutionEnvironment.getExecutionEnvironment(), "Pulse dead-letter replay ITCase");
        try {
            waitFor("the history's actions", () -> count(sink, "SELECT count(*) FROM recommended_actions") > 0, state);

            long t = System.currentTimeMillis();
            String ahead = LiveEventFormat.toLine(valueSnapshot(NEWCO, t + AHEAD_MS, "Gold", 90_000, 5));
            Path written = dir.resolve("batch-1.jsonl");
            Files.write(written, List.of(LiveEventFormat.toLine(accountSnapshot(NEWCO, t, "Enterprise", 2, 400)),
                    LiveEventFormat.toLine(activitySnapshot(NEWCO, t + 1, "Critical", "Declining")), ahead));
            Files.move(written, events.resolve("batch-1.jsonl"), StandardCopyOption.ATOMIC_MOVE);
            waitFor("the value snapshot dead-lettered", () -> count(sink,
                    "SELECT count(*) FROM dead_letters WHERE reason LIKE 'ahead of the clock%'") == 1, state);
            assertThat(strings(sink, "SELECT raw FROM dead_letters")).containsExactly(ahead);
            assertThat(strings(sink, "SELECT action FROM recommended_actions WHERE customer_id = '" + NEWCO + "'"))
                    .doesNotContain("URGENT_RETAIN");

            // The fix: the clock catches up until the event is within the tolerance (and not yet late).
            Thread.sleep(Math.max(0, t + AHEAD_MS - TOLERANCE.toMillis() + 3_000 - System.currentTimeMillis()));
            assertThat(replay(sink, events)).contains("replayed #1 ", "replayed 1 dead letter to ");
            waitFor("the replayed value snapshot scored", Duration.ofSeconds(90), () -> count(sink,
                    "SELECT count(*) FROM recommended_actions WHERE customer_id = '" + NEWCO
                            + "' AND action = 'URGENT_RETAIN'") == 1, state);

            assertThat(count(sink, "SELECT count(*) FROM dead_letters")).as(state.get()).isEqualTo(1);
            assertThat(strings(sink, "SELECT replayed_to FROM dead_letters"))
                    .containsExactly(events.toAbsolutePath().normalize().toString());
            assertThat(replay(sink, events)).contains("replayed 0 dead letters", "(1 already replayed)");
        } finally {
            job.cancel().get();
        }
    }

    /** `pulse deadletters replay --reason ahead`: its output; fails unless it exits 0. */
    private static String replay(String sink, Path events) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PulseCli.commandLine(new PrintWriter(out), new PrintWriter(err)).execute("deadletters", "replay",
                "--reason", "ahead", "--sink", sink, "--events", events.toString());
        assertThat(exit).as("stderr: " + err).isZero();
        return out.toString();
    }
}
