package io.pulse.rules.engine;

import static io.pulse.testing.RulePackFixtures.PACK;
import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.rules.check.ScenarioRunner;
import io.pulse.rules.pack.RuleSet;
import java.util.List;
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
        assertThat(System.getProperty(PackCompiler.EXECUTABLE_MODEL_PROPERTY)).isNull();
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
