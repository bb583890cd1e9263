package io.pulse.rules.sandbox;

import static io.pulse.rules.sandbox.RuleSandboxTest.packWith;
import static io.pulse.testing.RulePackFixtures.AS_OF;
import static io.pulse.testing.RulePackFixtures.account;
import static io.pulse.testing.RulePackFixtures.copyOfPack;
import static io.pulse.testing.RulePackFixtures.lineOf;
import static io.pulse.testing.RulePackFixtures.population;
import static io.pulse.testing.RulePackFixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.engine.RuleEvaluationException;
import io.pulse.rules.pack.EngineLimits;
import io.pulse.rules.pack.ParametersReader;
import io.pulse.rules.pack.Problem;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import io.pulse.testing.RulePackFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The time budget per evaluation ({@code engine.maxMillisPerEvaluation}): rules whose firings add
 * up to more than the budget are stopped and named, even when the firing cap is far away.
 */
class RuleTimeBudgetTest {
    private static final EngineLimits DEFAULTS =
            new EngineLimits(RuleEngine.DEFAULT_MAX_FIRINGS, RuleEngine.DEFAULT_MAX_MILLIS);
    private static final String SLOW_RULE = "Rebuild the profile notes on every change";

    /** parameters.json of the pack in {@code dir} with {@code "engine": {<engine>}} added. */
    private static Path withEngine(Path dir, String engine) throws IOException {
        Path parameters = dir.resolve("parameters.json");
        String json = Files.readString(parameters).strip();
        Files.writeString(parameters, json.substring(0, json.length() - 1).stripTrailing()
                + ",\n  \"engine\": {\n    " + engine + "\n  }\n}\n");
        return parameters;
    }

    /** The shipped parameters.json with {@code "engine": {<engine>}} added. */
    private static String shippedParametersWith(String engine) throws IOException {
        String json = Files.readString(RulePackFixtures.PACK.resolve("parameters.json")).strip();
        return json.substring(0, json.length() - 1).stripTrailing() + ",\n  \"engine\": {\n    " + engine + "\n  }\n}\n";
    }

    private static List<String> problems(String json) {
        List<Problem> problems = new ArrayList<>();
        ParametersReader.engineLimits(json, DEFAULTS, problems);
        return problems.stream().map(Problem::toString).toList();
    }

    @Test
    void rulesWhoseFiringsAddUpAreStoppedAtTheTimeBudgetAndNamed(@TempDir Path dir) throws Exception {
        packWith(dir, "slow-retrigger.drl");
        // A firing of the slow rule takes 0.1-0.5 ms here, so 200 ms is a few thousand firings at
        // most: the cap is far away (without the budget, the cap would stop it after 10 s or more).
        int cap = 100_000;
        withEngine(dir, "\"maxFiringsPerEvaluation\": " + cap + ",\n    \"maxMillisPerEvaluation\": 200");
        RuleEngine engine = RuleEngine.compile(RuleSet.load(dir));
        assertThat(engine.maxMillis()).isEqualTo(200);
        assertThat(engine.maxFirings()).isEqualTo(cap);

        // The first evaluation of a fresh pack is cold (Drools compiles conditions lazily): the budget
        // may run out before the first firing, with no rule to name. It is stopped all the same.
        assertThat(catchThrowableOfType(RuleEvaluationException.class,
                () -> engine.evaluate(account("cold.example"), profile("cold.example"), population(), AS_OF)))
                .as("the evaluation must be stopped by the time budget").isNotNull()
                .hasMessageContaining("stopped after 200 ms (engine.maxMillisPerEvaluation): ");

        RuleEvaluationException e = catchThrowableOfType(RuleEvaluationException.class,
                () -> engine.evaluate(account("slow.example"), profile("slow.example"), population(), AS_OF));
        assertThat(e).as("the evaluation must be stopped").isNotNull();
        assertThat(e.customerId()).isEqualTo("slow.example");
        assertThat(e.rule()).isEqualTo(SLOW_RULE);
        // "was running" or "had just fired": where the clock ran out, in the then part or between firings
        assertThat(e).hasMessageStartingWith("customer slow.example: rule set ")
                .hasMessageContaining(": stopped after 200 ms (engine.maxMillisPerEvaluation): rule \"" + SLOW_RULE + "\" ")
                .hasMessageContaining(" (fired " + e.firedRules().size() + " times)");
        assertThat(e.violations()).isEmpty();
        // stopped by the time budget, far from the firing cap
        assertThat(e.firedRules()).isNotEmpty().hasSizeLessThan(cap).containsOnly(SLOW_RULE);

        // the engine is usable afterwards, and the clock starts again at each evaluation
        assertThat(catchThrowableOfType(RuleEvaluationException.class,
                () -> engine.evaluate(account("next.example"), profile("next.example"), population(), AS_OF)))
                .hasMessageContaining("stopped after 200 ms");
    }

    @Test
    void theShippedPackRunsWellWithinTheDefaultBudget() throws Exception {
        RuleEngine engine = RulePackFixtures.shippedEngine();
        assertThat(engine.maxMillis()).isEqualTo(RuleEngine.DEFAULT_MAX_MILLIS);
        assertThat(engine.maxFirings()).isEqualTo(RuleEngine.DEFAULT_MAX_FIRINGS);
        for (int i = 0; i < 3; i++) {
            assertThat(engine.evaluate(account("ok.example"), profile("ok.example"), population(), AS_OF)).isNotNull();
        }
    }

    @Test
    void theTimeBudgetIsReadFromParameters() throws IOException {
        List<Problem> problems = new ArrayList<>();
        assertThat(ParametersReader.engineLimits(shippedParametersWith("\"maxMillisPerEvaluation\": 250"), DEFAULTS,
                problems)).isEqualTo(new EngineLimits(RuleEngine.DEFAULT_MAX_FIRINGS, 250));
        assertThat(ParametersReader.engineLimits(shippedParametersWith(
                "\"maxFiringsPerEvaluation\": 70,\n    \"maxMillisPerEvaluation\": 9000000000"), DEFAULTS, problems))
                .isEqualTo(new EngineLimits(70, 9_000_000_000L));
        assertThat(ParametersReader.engineLimits(Files.readString(RulePackFixtures.PACK.resolve("parameters.json")),
                DEFAULTS, problems)).isEqualTo(DEFAULTS);
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1.5", "\"x\"", "\"50\"", "null", "true", "[]"})
    void aTimeBudgetThatIsNotAPositiveWholeNumberIsRefusedAtItsLine(String value) throws IOException {
        String json = shippedParametersWith("\"maxMillisPerEvaluation\": " + value);
        int line = json.lines().toList().indexOf("    \"maxMillisPerEvaluation\": " + value) + 1;
        assertThat(problems(json)).singleElement().asString()
                .startsWith("parameters.json:" + line + ": ")
                .contains("engine.maxMillisPerEvaluation must be a whole number of at least 1, not " + value);
    }

    @Test
    void aFiringCapBeyondAnIntIsRefused() throws IOException {
        assertThat(problems(shippedParametersWith("\"maxFiringsPerEvaluation\": 3000000000"))).singleElement().asString()
                .contains("engine.maxFiringsPerEvaluation must be a whole number of at least 1 and at most 2147483647,"
                        + " not 3000000000");
    }

    @Test
    void anUnknownEngineKeyNamesBothKnownKeys() throws IOException {
        String json = shippedParametersWith("\"maxSecondsPerEvaluation\": 1");
        int line = json.lines().toList().indexOf("    \"maxSecondsPerEvaluation\": 1") + 1;
        assertThat(problems(json)).containsExactly("parameters.json:" + line + ": unknown key \"maxSecondsPerEvaluation\""
                + " in engine (known: maxFiringsPerEvaluation, maxMillisPerEvaluation)");
    }

    @Test
    void aBadTimeBudgetFailsTheCompileAtItsLine(@TempDir Path dir) throws IOException {
        copyOfPack(dir);
        Path parameters = withEngine(dir, "\"maxMillisPerEvaluation\": 0");
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> RuleEngine.compile(RuleSet.load(dir)));
        assertThat(e).as("the pack must be rejected").isNotNull();
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("parameters.json:" + lineOf(parameters, "maxMillisPerEvaluation") + ": ")
                .contains("engine.maxMillisPerEvaluation must be a whole number of at least 1, not 0"));
    }
}
