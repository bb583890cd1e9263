package io.pulse.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** `pulse report portfolio`: what it says when it cannot read its sink or its thresholds. */
class ReportCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = PulseCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void aMissingSqliteSinkIsReportedAndNotCreated() {
        Path sink = dir.resolve("nope.sqlite");
        assertThat(run("report", "portfolio", "--sink", "jdbc:sqlite:" + sink)).as("stderr: " + err).isEqualTo(1);
        assertThat(err.toString()).contains("no action table at " + sink);
        assertThat(Files.exists(sink)).isFalse();
    }

    @Test
    void thresholdsThatDoNotRiseAreReportedWithTheirLine() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        try (Stream<Path> files = Files.list(Path.of("rules"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, rules.resolve(f.getFileName()));
            }
        }
        Path params = rules.resolve("parameters.json");
        String json = Files.readString(params);
        assertThat(json).contains("\"elevatedMin\": 40");
        Files.writeString(params, json.replace("\"elevatedMin\": 40", "\"elevatedMin\": 75"));
        Path sink = Files.createFile(dir.resolve("actions.sqlite"));
        int line = 1 + List.of(json.split("\n")).indexOf("  \"portfolioGrades\": {");

        assertThat(run("report", "portfolio", "--sink", "jdbc:sqlite:" + sink, "--rules", rules.toString()))
                .as("stderr: " + err).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo(rules + "/parameters.json:" + line
                + ": portfolioGrades must rise within 0..100: watchMin (20.0) < elevatedMin (75.0) < highMin (70.0)");
    }

    @Test
    void anEmptyQueueGivesAnEmptyMatrix() throws Exception {
        Path sink = Files.createFile(dir.resolve("actions.sqlite"));
        assertThat(run("report", "portfolio", "--sink", "jdbc:sqlite:" + sink)).as("stderr: " + err).isEqualTo(0);
        assertThat(out.toString()).contains("0 accounts, each as of its latest evaluation")
                .contains("Total     -           -      -           -               -");
    }
}
