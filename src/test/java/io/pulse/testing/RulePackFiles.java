package io.pulse.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A watched rule directory in a test: a copy of the default pack, edited the way an editor saves. */
public final class RulePackFiles {
    private RulePackFiles() {}

    /** A copy of the project's rule pack (rules/) at {@code target}. */
    public static Path copyOfPack(Path target) throws Exception {
        Path source = Path.of("rules");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return target;
    }

    /** Replaces {@code from} (which must be there) with {@code to}, written aside and moved over the file. */
    public static void edit(Path file, String from, String to) throws Exception {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Path written = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(written, text.replace(from, to));
        Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A good edit: a threshold of the default pack. */
    public static void lowerMaxHealthScore(Path rules) throws Exception {
        edit(rules.resolve("parameters.json"), "\"maxHealthScore\": 70", "\"maxHealthScore\": 60");
    }

    /** A broken edit: a syntax error in strategies.drl. */
    public static void breakStrategies(Path rules) throws Exception {
        edit(rules.resolve("strategies.drl"), "rule \"High value at high risk: urgent retain\"\nwhen",
                "rule \"High value at high risk: urgent retain\"\nwhen (");
    }
}
