package io.pulse.rules.engine;

import static io.pulse.testing.RulePackFixtures.PACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pulse.rules.check.ScenarioRunner;
import io.pulse.rules.pack.RuleSet;
import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.Problem;
import io.pulse.rules.sandbox.RuleSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.kie.api.KieServices;
import org.kie.api.builder.KieRepository;

/**
 * Spike of #23: the shipped pack compiles with Drools' executable model (off by default, see
 * {@link PackCompiler#EXECUTABLE_MODEL_PROPERTY}), passes its generated-bytecode sandbox check and
 * evaluates every scenario customer as the classic compiler does.
 */
class ExecutableModelSpikeTest {
    @Test
    void theSwitchIsOffByDefault() {
        // Skipped when a run switches it on (-Dpulse.rules.executableModel=true) to test the new compiler.
        assumeTrue(System.getProperty(PackCompiler.EXECUTABLE_MODEL_PROPERTY) == null);
        assertThat(PackCompiler.Compiler.configured()).isEqualTo(PackCompiler.Compiler.CLASSIC);
    }

    @Test
    void noModuleStaysInTheKieRepository() throws Exception {
        ExecutableModelBuild build = ExecutableModelBuild.of(RuleSet.load(PACK).files(), getClass().getClassLoader());
        assertThat(build.problems()).isEmpty();
        KieRepository repository = KieServices.Factory.get().getRepository();
        assertThat(repository.getKieModule(build.releaseId())).isNull();
        assertThat(build.kieBase().getKiePackages()).isNotEmpty();
        assertThat(repository.getKieModule(build.releaseId())).isNull();
    }

    @Test
    void everyGeneratedClassIsScannedConditionsIncluded() throws Exception {
        ExecutableModelBuild build = ExecutableModelBuild.of(RuleSet.load(PACK).files(), getClass().getClassLoader());
        // Constraints, extractors and then parts are classes of their own: the sandbox sees them all.
        assertThat(build.classes().keySet())
                .anyMatch(c -> c.contains("/LambdaPredicate")).anyMatch(c -> c.contains("/LambdaExtractor"))
                .anyMatch(c -> c.contains("/LambdaConsequence"));
    }

    /**
     * What #23 asks: a condition, a salience/from/accumulate expression has bytecode now, and the
     * bytecode check alone (no text scan) refuses it, at its rule's line.
     */
    @ParameterizedTest
    @ValueSource(strings = {"condition-runtime.drl", "condition-system-property.drl", "condition-fully-qualified.drl"})
    void theBytecodeCheckAloneRefusesAForbiddenCallInACondition(String attack) throws Exception {
        Path hostile = Path.of("src/test/resources/hostile-packs").resolve(attack);
        String text = Files.readString(hostile).replace("${MARKER}", "/nonexistent/marker");
        Map<String, String> files = new TreeMap<>(RuleSet.load(PACK).files());
        files.put(attack, text);
        ExecutableModelBuild build = ExecutableModelBuild.of(files, getClass().getClassLoader());
        assertThat(build.problems()).isEmpty();

        List<Problem> problems = RuleSandbox.checkGenerated(build.classes(), build.descriptorClasses(),
                DrlSource.parse(files));

        // Not yet the condition's own line: a constraint's lambda class knows its rule, not its line.
        int line = text.lines().toList().indexOf(text.lines().filter(l -> l.startsWith("rule ")).findFirst()
                .orElseThrow()) + 1;
        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p.toString())
                .startsWith(attack + ":" + line + ": in rule ").contains("is not allowed in rules"));
    }

    @Test
    void theShippedPackEvaluatesTheScenariosAlikeUnderBothCompilers() throws Exception {
        RuleSet rules = RuleSet.load(PACK);
        RuleEngine classic = RuleEngine.compile(rules, PackCompiler.Compiler.CLASSIC);
        RuleEngine model = RuleEngine.compile(rules, PackCompiler.Compiler.EXECUTABLE_MODEL);

        assertThat(model.ruleNames()).containsExactlyInAnyOrderElementsOf(classic.ruleNames());
        List<ScenarioRunner.Result> expected = ScenarioRunner.runAll(classic, PACK.resolve("scenarios"));
        List<ScenarioRunner.Result> actual = ScenarioRunner.runAll(model, PACK.resolve("scenarios"));
        assertThat(expected).isNotEmpty().allSatisfy(r -> assertThat(r.failures()).as(r.toString()).isEmpty());
        assertThat(actual).allSatisfy(r -> assertThat(r.failures()).as(r.toString()).isEmpty());
        // The scenarios check outcome, recommendations, priorities and playbooks; the same rules must
        // fire. Not their order: among rules of equal salience the executable model's agenda breaks
        // ties differently (firedRules() and the trace would read in another order).
        assertThat(actual).map(r -> r.name() + " " + r.firedRules().stream().sorted().toList())
                .containsExactlyElementsOf(expected.stream()
                        .map(r -> r.name() + " " + r.firedRules().stream().sorted().toList()).toList());
    }
}
