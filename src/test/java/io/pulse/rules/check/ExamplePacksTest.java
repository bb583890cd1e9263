package io.pulse.rules.check;

import io.pulse.generate.GeneratorSettings;
import io.pulse.generate.HistoryGenerator;
import io.pulse.history.HistoryDatabase;
import io.pulse.history.HistorySource;
import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.RulePackFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tutorial's examples (rules/examples), each added to the shipped pack as the tutorial says:
 * it compiles, the lint finds nothing, every scenario (its own included) passes; a declared table
 * is there in a generated history.
 */
class ExamplePacksTest {
    private static final Path EXAMPLES = RulePackFixtures.PACK.resolve("examples");

    /** The shipped pack plus an example's files, its scenarios and its action's terms, in {@code dir}. */
    private static Path packWith(String example, String action, Path dir) throws Exception {
        RulePackFixtures.copyOfPack(dir);
        Path scenarios = Files.createDirectories(dir.resolve("scenarios"));
        try (Stream<Path> shipped = Files.list(RulePackFixtures.PACK.resolve("scenarios"))) {
            for (Path f : shipped.toList()) {
                Files.copy(f, scenarios.resolve(f.getFileName()));
            }
        }
        try (Stream<Path> own = Files.list(EXAMPLES.resolve(example).resolve("scenarios"))) {
            for (Path f : own.toList()) {
                Files.copy(f, scenarios.resolve(f.getFileName()));
            }
        }
        RulePackFixtures.edit(dir.resolve("parameters.json"), "\"actions\": {", "\"actions\": {\n    \"" + action
                + "\": { \"priority\": 1, \"slaHours\": 48 },");
        try (Stream<Path> files = Files.list(EXAMPLES.resolve(example))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static void passesItsScenariosAndTheLint(Path pack, String ownScenarios) throws Exception {
        RuleEngine engine = RuleEngine.compile(RuleSet.load(pack));
        List<ScenarioRunner.Result> results = ScenarioRunner.runAll(engine, pack.resolve("scenarios"));
        assertThat(results).filteredOn(r -> r.file().endsWith(ownScenarios)).hasSizeGreaterThan(3);
        assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
        assertThat(TotalityLint.run(engine, pack.resolve("scenarios")).problems()).isEmpty();
    }

    @Test
    void theOnboardingRescueExampleWorksAsTheTutorialAddsIt(@TempDir Path dir) throws Exception {
        passesItsScenariosAndTheLint(packWith("onboarding-rescue", "ONBOARDING_RESCUE", dir), "onboarding.json");
    }

    @Test
    void theRenewalWatchExampleWorksAndItsTableIsInAGeneratedHistory(@TempDir Path dir) throws Exception {
        Path pack = packWith("renewal-watch", "RENEWAL_RESCUE", Files.createDirectory(dir.resolve("rules")));
        passesItsScenariosAndTheLint(pack, "renewal.json");

        HistoryDatabase history = HistoryDatabase.sqlite(dir.resolve("history.sqlite"));
        new HistoryGenerator(new GeneratorSettings(10, 30, 3, LocalDate.of(2025, 1, 1), history)).generate();
        assertThat(HistorySource.unreadableTables(history.url(), RuleSet.load(pack).declaredTables(), "features.yaml"))
                .isEmpty();
    }
}
