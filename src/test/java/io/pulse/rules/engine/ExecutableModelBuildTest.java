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
            "condition-string-format-width.drl", "condition-matches-operator.drl", "condition-index-value.drl",
            "query-index-value.drl"})
    void theBytecodeCheckAloneRefusesAForbiddenCallInACondition(String attack) throws Exception {
        Path hostile = Path.of("src/test/resources/hostile-packs").resolve(attack);
        String text = Files.readString(hostile).replace("${MARKER}", "/nonexistent/marker");

        String in = attack.startsWith("query-") ? ": in query " : ": in rule ";
        assertThat(bytecodeProblems(attack, text)).isNotEmpty().allSatisfy(p -> assertThat(p.toString())
                .startsWith(attack + ":" + refusedLine(text) + in).contains("is not allowed in rules"));
    }

    /**
     * Every other place a rule has an expression: the executable model compiles it to Java too, and
     * the bytecode check alone refuses what the allow-list does not name ({@code Locale.getDefault}
     * is no name the text check knows), at the rule's line or the expression's.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "rule \"from\" when $s : String() from java.util.Locale.getDefault().toString() // refused\nthen end",
            "rule \"accumulate\" when $n : Number() from accumulate( Account( $c : customerId ), // refused\n"
                    + "    sum( $c.length() + Locale.getDefault().hashCode() ) )\nthen end",
            "rule \"salience\" salience ( java.util.Locale.getDefault().hashCode() ) // refused\nwhen Account()\nthen end",
            "rule \"enabled\" enabled ( java.util.Locale.getDefault().hashCode() > 0 ) // refused\nwhen Account()\nthen end",
            "query \"query\" Account( customerId == java.util.Locale.getDefault().toString() ) // refused\nend",
            "query \"query lambda\" Account( customerId.length() > java.util.Locale.getDefault().toString().length() ) // refused\nend",
            "function int f() { return java.util.Locale.getDefault().hashCode(); } // refused",
            "declare Flag // refused\n  locale : String = java.util.Locale.getDefault().toString()\nend"})
    void theBytecodeCheckAloneRefusesItInEveryPlaceARuleHasAnExpression(String code) throws Exception {
        String text = "package pulse.rules;\nimport io.pulse.rules.facts.Account;\nimport java.util.Locale;\n" + code + "\n";

        assertThat(bytecodeProblems("attack.drl", text)).isNotEmpty().allSatisfy(p -> assertThat(p.toString())
                .startsWith("attack.drl:" + refusedLine(text) + ": ")
                .contains("java.util.Locale.getDefault is not allowed in rules"));
    }

    /** The shipped pack with one more file, built; the problems of the bytecode check alone (no text check). */
    private List<Problem> bytecodeProblems(String name, String text) throws Exception {
        Map<String, String> files = new TreeMap<>(RuleSet.load(PACK).files());
        files.put(name, text);
        ExecutableModelBuild build = ExecutableModelBuild.of(files, getClass().getClassLoader());
        assertThat(build.problems()).isEmpty();
        return RuleSandbox.checkGenerated(build.classes(), build.descriptorClasses(), DrlSource.parse(files),
                getClass().getClassLoader());
    }

    private static int refusedLine(String text) {
        return text.lines().toList().indexOf(text.lines().filter(l -> l.contains("// refused")).findFirst()
                .orElseThrow()) + 1;
    }
}
