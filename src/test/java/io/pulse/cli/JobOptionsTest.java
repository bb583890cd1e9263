package io.pulse.cli;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What `pulse replay` and `pulse live` check before a job starts: the history, and the snapshot to resume from. */
class JobOptionsTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream stderr;

    @BeforeEach
    void captureStderr() {
        stderr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(stderr);
    }

    private static JobOptions parse(String... args) {
        JobOptions options = new JobOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void aMissingHistoryStopsTheStartWithTheReason(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> parse().startConfiguration(dir.resolve("nope.sqlite").toString()))
                .isInstanceOf(CliFailure.class)
                .hasMessageStartingWith("--history: no history database at").hasMessageContaining("nope.sqlite");
    }

    @Test
    void aResumeDirectoryWithoutACompleteSnapshotStopsTheStartWithTheReason(@TempDir Path dir) throws Exception {
        Path history = Files.createFile(dir.resolve("history.sqlite"));
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints/job/chk-3")); // no _metadata: incomplete

        assertThatThrownBy(() -> parse("--resume-from", dir.resolve("checkpoints").toString()).startConfiguration(history.toString()))
                .isInstanceOf(CliFailure.class)
                .hasMessageStartingWith("--resume-from: ").hasMessageContaining(checkpoints.getParent().getParent().toString());
    }

    @Test
    void theNewestCompleteCheckpointIsWhereTheJobResumes(@TempDir Path dir) throws Exception {
        Path history = Files.createFile(dir.resolve("history.sqlite"));
        Path complete = Files.createDirectories(dir.resolve("checkpoints/job/chk-2"));
        Files.writeString(complete.resolve("_metadata"), "x");

        Configuration conf = parse("--resume-from", dir.resolve("checkpoints").toString()).startConfiguration(history.toString());
        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo(complete.toUri().toString());
        assertThat(parse().startConfiguration(history.toString()).getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
    }
}
