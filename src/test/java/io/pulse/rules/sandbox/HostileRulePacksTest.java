package io.pulse.rules.sandbox;

import static io.pulse.testing.RulePackFixtures.PACK;
import static io.pulse.testing.RulePackFixtures.copyOfPack;
import static io.pulse.testing.RulePackFixtures.lineOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.rules.check.TotalityLint;
import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a hostile rule author would try, one attack per file of {@code src/test/resources/hostile-packs}:
 * each is added to the shipped pack and must be refused with {@code file:line: message} at the line
 * marked {@code // refused}, the message saying what its {@code // expect:} header says. Each carries
 * a harmless payload: it creates a marker file (the {@code ${MARKER}} placeholder). When a pack is
 * not refused, it is linted as {@code pulse rules validate} would, which runs its rules on thousands
 * of customers, so a bypass creates the marker and fails the test whatever the messages say.
 */
class HostileRulePacksTest {
    static final Path HOSTILE = Path.of("src/test/resources/hostile-packs");
    private static final Pattern EXPECT = Pattern.compile("(?m)^// expect: (.+)$");

    static Stream<String> attacks() throws IOException {
        try (Stream<Path> files = Files.list(HOSTILE)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".drl")).sorted().toList().stream();
        }
    }

    @Test
    void theCorpusHoldsAnAttackInEveryPlaceARuleHasCode() throws IOException {
        assertThat(attacks().toList()).hasSizeGreaterThanOrEqualTo(50)
                .anyMatch(n -> n.startsWith("condition-")).anyMatch(n -> n.startsWith("then-"))
                .anyMatch(n -> n.startsWith("function-")).anyMatch(n -> n.startsWith("import-"))
                .contains("from-expression.drl", "accumulate-expression.drl", "salience-expression.drl",
                        "enabled-expression.drl", "query-constraint.drl");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void anAttackIsRefusedAtItsLineAndItsPayloadNeverRuns(String attack, @TempDir Path dir) throws Exception {
        Path pack = Files.createDirectory(dir.resolve("pack"));
        Path marker = dir.resolve("marker");
        shippedPackIn(pack);
        String text = Files.readString(HOSTILE.resolve(attack)).replace("${MARKER}", marker.toString());
        Files.writeString(pack.resolve(attack), text);
        Matcher expect = EXPECT.matcher(text);
        assertThat(expect.find()).as("an // expect: header in " + attack).isTrue();

        List<String> problems = validate(pack);

        assertThat(marker).as("the payload of " + attack + " ran").doesNotExist();
        String at = attack + ":" + lineOf(pack.resolve(attack), "// refused") + ": ";
        assertThat(problems).as("refused at its line, saying why").anySatisfy(p -> assertThat(p)
                .startsWith(at).contains(expect.group(1)));
    }

    @Test
    void aRuleFileThatIsASymbolicLinkIsRefusedUnread(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "rule \"leak\" the database password is hunter2");
        Path pack = shippedPackIn(Files.createDirectory(dir.resolve("pack")));
        Files.createSymbolicLink(pack.resolve("leak.drl"), secret);

        List<String> problems = validate(pack);

        assertThat(problems).containsExactly("leak.drl:0: a symbolic link: rule files must be regular files"
                + " inside the rules directory");
        assertThat(String.join("\n", problems)).doesNotContain("hunter2");
    }

    @Test
    void aRuleFileNameOnADirectoryIsRefused(@TempDir Path dir) throws Exception {
        Path pack = shippedPackIn(Files.createDirectory(dir.resolve("pack")));
        Files.createDirectory(pack.resolve("nested.drl"));

        assertThat(validate(pack)).containsExactly("nested.drl:0: not a regular file: rule files must be regular"
                + " files inside the rules directory");
    }

    @Test
    void theShippedPackPassesWhatTheAttacksFail() throws Exception {
        assertThat(validate(PACK)).isEmpty();
    }

    /** The shipped pack with its scenarios, which the lint runs too. */
    private static Path shippedPackIn(Path pack) throws IOException {
        copyOfPack(pack);
        Path scenarios = Files.createDirectory(pack.resolve("scenarios"));
        try (Stream<Path> files = Files.list(PACK.resolve("scenarios"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, scenarios.resolve(f.getFileName()));
            }
        }
        return pack;
    }

    /** What {@code pulse rules validate} does: compile in the sandbox, then the totality lint. */
    private static List<String> validate(Path pack) throws IOException {
        RuleEngine engine;
        try {
            engine = RuleEngine.compile(RuleSet.load(pack));
        } catch (RuleCompilationException e) {
            return e.problems();
        }
        return TotalityLint.run(engine, pack.resolve("scenarios")).problems();
    }
}
