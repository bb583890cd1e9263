package io.pulse.rules.check;

import io.pulse.rules.pack.RuleSet;
import static io.pulse.testing.RulePackFixtures.PACK;
import static io.pulse.testing.RulePackFixtures.shippedEngine;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the business scenarios of {@code rules/scenarios/*.json} against the shipped pack: one test
 * per scenario, named as written, so a failing scenario reads as the business case it is. Also
 * checks that every rule of the pack fires in some scenario (a rule without one is untested).
 */
class RuleScenariosTest {
    private static final Path SCENARIOS = PACK.resolve("scenarios");

    @TestFactory
    Stream<DynamicNode> everyScenarioOfThePack() throws IOException {
        List<DynamicNode> files = new ArrayList<>();
        for (Path file : ScenarioRunner.files(SCENARIOS)) {
            List<DynamicTest> tests = new ArrayList<>();
            for (ScenarioRunner.Result r : ScenarioRunner.run(shippedEngine(), file)) {
                tests.add(DynamicTest.dynamicTest(r.name(), () -> assertThat(r.failures()).as(r.toString()).isEmpty()));
            }
            files.add(DynamicContainer.dynamicContainer(file.getFileName().toString(), tests));
        }
        return files.stream();
    }

    @Test
    void everyRuleFiresInAtLeastOneScenario() throws IOException {
        Set<String> fired = new TreeSet<>();
        for (ScenarioRunner.Result r : ScenarioRunner.runAll(shippedEngine(), SCENARIOS)) {
            fired.addAll(r.firedRules());
        }
        assertThat(fired).containsExactlyInAnyOrderElementsOf(shippedEngine().ruleNames());
    }

    @Test
    void everyRuleFileHasAScenarioFile() throws IOException {
        for (String name : RuleSet.load(PACK).files().keySet()) {
            if (name.endsWith(".drl")) {
                assertThat(SCENARIOS.resolve(name.replace(".drl", ".json"))).as("scenarios of " + name).exists();
            }
        }
    }

    @Test
    void aWrongExpectationFailsWithTheReasonAndTheRulesThatFired(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("wrong.json");
        Files.writeString(file, """
                { "asOf": "2025-01-01T00:00:00Z",
                  "given": { "population": { "averageLtvByTier": { "Gold": 21000 }, "annualRevenueMax": 1e10,
                                             "totalWonMax": 1e9, "employeesMax": 50000 },
                             "account": { "customerId": "c1", "sizeSegment": "Mid-Market", "totalContacts": 10,
                                          "contactsWithEmail": 9, "activities30d": 120, "daysSinceLastActivity": 20 },
                             "profile": { "customerTier": "Gold", "estimatedLtv": 21000, "monetaryScore": 3,
                                          "activityRiskLevel": "Medium", "engagementVelocity": "Stable" } },
                  "scenarios": [
                    { "name": "expects the wrong strategy",
                      "expect": { "valueTier": "High", "actions": ["URGENT_RETAIN"],
                                  "rulesFired": ["High value at high risk: urgent retain"], "colour": "red" } } ] }
                """);
        List<ScenarioRunner.Result> results = ScenarioRunner.run(shippedEngine(), file);
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.passed()).isFalse();
            assertThat(r.failures()).anyMatch(f -> f.equals("valueTier: expected High, got Mid"))
                    .anyMatch(f -> f.startsWith("actions: expected [URGENT_RETAIN], got [NURTURE_AND_GROW, STANDARD_CARE]"))
                    .anyMatch(f -> f.contains("\"High value at high risk: urgent retain\" should have fired"))
                    .anyMatch(f -> f.equals("unknown expectation \"colour\""))
                    .anyMatch(f -> f.startsWith("rules fired: [Health score from the four weighted dimensions"));
        });
    }
}
