package io.pulse.cli;

import io.pulse.events.CustomerEvent;
import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistorySource;
import io.pulse.job.RetainedSnapshots;
import io.pulse.live.LiveEventFormat;
import io.pulse.testing.PulseProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.pulse.testing.SinkPolling.strings;
import static io.pulse.testing.SinkPolling.waitFor;
import static io.pulse.testing.TestEvents.accountSnapshot;
import static io.pulse.testing.TestEvents.activitySnapshot;
import static io.pulse.testing.TestEvents.valueSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pulse live} stopped (SIGTERM, as Ctrl-C) and started again with {@code --resume-from} its
 * checkpoint directory, both as real processes: the second run knows the customers of the first
 * (their state is restored), does not read the first run's live file again, and writes no row twice.
 */
class LiveResumeITCase {
    private static final String NEWCO = "newco.example";
    private static final Duration LIMIT = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    @Test
    void aStoppedLiveJobResumedFromItsCheckpointsKnowsItsCustomersAndReadsNothingTwice() throws Exception {
        Path history = dir.resolve("history.sqlite");
        new HistoryGenerator(new GeneratorSettings(20, 40, 5, LocalDate.of(2025, 1, 1), history)).generate();
        long historyEnd = HistorySource.endTime("jdbc:sqlite:" + history);
        Path events = Files.createDirectories(dir.resolve("events"));
        Path checkpoints = dir.resolve("checkpoints");
        String sink = "jdbc:sqlite:" + dir.resolve("actions.sqlite");
        String[] live = {"live", "--history", history.toString(), "--events", events.toString(), "--sink", sink,
                "--checkpoints", checkpoints.toString(), "--checkpoint-interval", "PT1S", "--live-cadence", "PT1S"};
        Supplier<String> state = () -> "newco's rows: " + strings(sink, "SELECT action || ' ' || status FROM"
                + " recommended_actions WHERE customer_id = '" + NEWCO + "'") + "; dead letters: "
                + strings(sink, "SELECT source || ': ' || reason FROM dead_letters") + "; newest checkpoint: "
                + newestCheckpoint(checkpoints);

        PulseProcess.Running first = PulseProcess.start(dir, "first", live);
        long t = historyEnd + 1_000;
        try {
            // A new customer at risk, then a checkpoint that holds it.
            drop(events, "first.jsonl", accountSnapshot(NEWCO, t, "Enterprise", 2, 400),
                    activitySnapshot(NEWCO, t + 1, "Critical", "Declining"), valueSnapshot(NEWCO, t + 2, "Gold", 90_000, 5));
            waitFor("newco's URGENT_RETAIN", LIMIT, () -> openActions(sink).contains("URGENT_RETAIN"),
                    () -> state.get() + output(first));
            // The second checkpoint completed after that holds newco (the first may have begun before).
            FileTime seen = FileTime.from(Instant.now());
            Set<Path> laterCheckpoints = new HashSet<>();
            waitFor("two checkpoints after newco's actions", LIMIT, () -> {
                Path newest = newestCheckpoint(checkpoints);
                if (newest != null && writtenAfter(newest, seen)) {
                    laterCheckpoints.add(newest);
                }
                return laterCheckpoints.size() >= 2;
            }, () -> state.get() + output(first));
        } finally {
            first.stop();
        }
        assertThat(newestCheckpoint(checkpoints)).as("the checkpoint kept after the stop\n%s", first.output())
                .isNotNull();
        String othersRows = "SELECT customer_id || ' ' || action || ' ' || status || ' ' || valid_as_of"
                + " FROM recommended_actions WHERE customer_id <> '" + NEWCO + "' ORDER BY customer_id, action";
        List<String> othersAtStop = strings(sink, othersRows);

        PulseProcess.Running second = PulseProcess.start(dir, "second",
                Stream.concat(Stream.of(live), Stream.of("--resume-from", checkpoints.toString())).toArray(String[]::new));
        try {
            // Only newco's value: the resumed job must know its account and profile to score it again.
            drop(events, "second.jsonl", valueSnapshot(NEWCO, t + 10_000, "Gold", 1_000, 1));
            waitFor("newco re-scored by the resumed job", LIMIT, () -> !openActions(sink).contains("URGENT_RETAIN"),
                    () -> state.get() + output(second));
            assertThat(second.output()).contains("Resuming from " + checkpoints.toAbsolutePath());
            assertThat(strings(sink, "SELECT status FROM recommended_actions WHERE customer_id = '" + NEWCO
                    + "' AND action = 'URGENT_RETAIN'")).as(state.get()).containsExactly("SUPERSEDED");
            assertThat(strings(sink, "SELECT reason FROM dead_letters"))
                    .as("the first run's file is not read again (its events would be late)").isEmpty();
            assertThat(strings(sink, othersRows)).as("customers without new events keep their rows")
                    .isNotEmpty().isEqualTo(othersAtStop);
        } finally {
            second.stop();
        }
    }

    private static List<String> openActions(String sink) {
        return strings(sink, "SELECT action FROM recommended_actions WHERE status = 'OPEN' AND customer_id = '" + NEWCO + "'");
    }

    /** A JSON-lines file moved into the watched directory whole, as the README says to. */
    private void drop(Path events, String name, CustomerEvent... lines) throws IOException {
        Path aside = dir.resolve(name);
        Files.write(aside, Stream.of(lines).map(LiveEventFormat::toLine).toList());
        Files.move(aside, events.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path newestCheckpoint(Path checkpoints) {
        try {
            return RetainedSnapshots.resolve(checkpoints);
        } catch (IllegalArgumentException | IOException e) {
            return null; // none complete yet
        }
    }

    private static boolean writtenAfter(Path checkpoint, FileTime time) {
        try {
            return Files.getLastModifiedTime(checkpoint.resolve("_metadata")).compareTo(time) > 0;
        } catch (IOException e) {
            return false; // subsumed and deleted meanwhile
        }
    }

    private static String output(PulseProcess.Running p) {
        try {
            return "\n" + p.output();
        } catch (IOException e) {
            return "\n(output unreadable: " + e + ")";
        }
    }
}
