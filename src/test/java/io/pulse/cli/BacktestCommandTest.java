package io.pulse.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets a clear error and an exit code before any Flink job starts; nothing is written. */
class BacktestCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter err, String... args) {
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured));
        try {
            // Built after System.err is replaced: picocli's execution strategy writes to the System.err
            // of when it was made, if that is not the current one.
            CommandLine cli = PulseCli.commandLine();
            cli.setErr(new PrintWriter(err));
            return cli.execute(args);
        } finally {
            System.setErr(old);
            err.write(captured.toString());
        }
    }

    @Test
    void aMissingHistoryIsReportedAndNothingIsWritten() {
        StringWriter err = new StringWriter();
        Path out = dir.resolve("out");
        int code = run(err, "backtest", "--history", dir.resolve("nope.sqlite").toString(), "--from", "2025-03-01",
                "--to", "2025-04-01", "--out", out.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("no history database at").contains("nope.sqlite");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void aWindowEndingBeforeItStartsIsReported() throws Exception {
        Path history = Files.createFile(dir.resolve("history.sqlite"));
        StringWriter err = new StringWriter();
        int code = run(err, "backtest", "--history", history.toString(), "--from", "2025-05-01", "--to", "2025-04-01",
                "--out", dir.resolve("out").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--to 2025-04-01 is before --from 2025-05-01");
    }

    @Test
    void anUnreadableHorizonOrDateIsReported() throws Exception {
        Path history = Files.createFile(dir.resolve("history.sqlite"));
        StringWriter err = new StringWriter();
        assertThat(run(err, "backtest", "--history", history.toString(), "--from", "2025-03-01", "--to", "2025-04-01",
                "--horizon", "ninety days", "--out", dir.resolve("out").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("ninety days");
        StringWriter err2 = new StringWriter();
        assertThat(run(err2, "backtest", "--history", history.toString(), "--from", "March", "--to", "2025-04-01",
                "--out", dir.resolve("out").toString())).isEqualTo(2);
        assertThat(err2.toString()).contains("--from").contains("March");
    }
}
