package io.pulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pulse rules validate} as a rule author runs it: exit code, and problems as dir/file:line: message. */
class RulesCommandTest {

    /** The shipped pack with its scenarios, plus {@code src/test/resources/broken-packs/<extra>}. */
    private static Path packWith(Path dir, String extra) throws IOException {
        Path rules = Path.of("rules");
        try (Stream<Path> files = Files.list(rules)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        }
        Files.createDirectory(dir.resolve("scenarios"));
        try (Stream<Path> files = Files.list(rules.resolve("scenarios"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve("scenarios").resolve(f.getFileName()));
            }
        }
        Files.copy(Path.of("src/test/resources/broken-packs", extra), dir.resolve(extra));
        return dir;
    }

    @Test
    void validateExitsOneAndPrintsTheLintsProblemsAtFileAndLine(@TempDir Path dir) throws IOException {
        packWith(dir, "unreachable.drl");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = PulseCli.commandLine().execute("rules", "validate", dir.toString());
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        List<String> lines = Files.readAllLines(dir.resolve("unreachable.drl"));
        int line = lines.indexOf("rule \"Impossible monetary score\"") + 1;
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(dir + "/unreachable.drl:" + line
                + ": rule \"Impossible monetary score\" is unreachable");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("compiled in the sandbox; lint: ", "1 problem");
    }
}
