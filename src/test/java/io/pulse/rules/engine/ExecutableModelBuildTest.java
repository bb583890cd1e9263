package io.pulse.rules.engine;

import static io.pulse.testing.RulePackFixtures.PACK;
import static org.assertj.core.api.Assertions.assertThat;

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
 * The shipped pack compiles with Drools' executable model, leaves nothing registered JVM-wide, and
 * every expression of a rule becomes a class the bytecode check sees.
 */
class ExecutableModelBuildTest {
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
     * What #23 asks: a condition has bytecode now, and the bytecode check alone (no text scan)
     * refuses it, at the condition's own line.
     */
    @ParameterizedTest
    @ValueSource(strings = {"condition-runtime.drl", "condition-system-property.drl", "condition-fully-qualified.drl",
            "condition-string-format-width.drl", "condition-matches-operator.drl"})
    void theBytecodeCheckAloneRefusesAForbiddenCallInACondition(String attack) throws Exception {
        Path hostile = Path.of("src/test/resources/hostile-packs").resolve(attack);
        String text = Files.readString(hostile).replace("${MARKER}", "/nonexistent/marker");
        Map<String, String> files = new TreeMap<>(RuleSet.load(PACK).files());
        files.put(attack, text);
        ExecutableModelBuild build = ExecutableModelBuild.of(files, getClass().getClassLoader());
        assertThat(build.problems()).isEmpty();

        List<Problem> problems = RuleSandbox.checkGenerated(build.classes(), build.descriptorClasses(),
                DrlSource.parse(files), getClass().getClassLoader());

        int line = text.lines().toList().indexOf(text.lines().filter(l -> l.contains("// refused")).findFirst()
                .orElseThrow()) + 1;
        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p.toString())
                .startsWith(attack + ":" + line + ": in rule ").contains("is not allowed in rules"));
    }
}
