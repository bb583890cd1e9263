package io.pulse.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.pulse.architecture.fixture.events.ReadsTheJob;
import io.pulse.architecture.fixture.jdbc.ReadsTheModel;
import io.pulse.architecture.fixture.job.Job;
import io.pulse.architecture.fixture.model.ReadsJdbc;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The packages under {@code io.pulse} read bottom-up: each may use its own layer and the layers
 * below it, never one above, and no packages form a cycle. A new package must be given a layer here.
 */
class LayersTest {
    /**
     * Bottom first. A package may depend on packages of its own line and the lines above it in
     * this list; packages on one line must not form a cycle.
     */
    static final List<List<String>> LAYERS = List.of(
            List.of("rules.facts"),                      // the fact model the DRL imports
            List.of("model", "jdbc"),                    // row types; SQL dialects
            List.of("flink"),                            // Flink plumbing shared by operators
            List.of("events", "history", "live"),        // the event model, validation, the sources
            List.of("features"),                         // per-customer features in keyed state
            List.of("features.declared"),                // the features a rule pack declares
            List.of("rules.pack"),                       // loading a rule pack
            List.of("rules.sandbox"),                    // what rule code may use
            List.of("rules.engine"),                     // compiling and running Drools
            List.of("rules.check"),                      // lint and scenarios
            List.of("evaluation"),                       // the rule operators
            List.of("actions"),                          // the action table and its sink
            List.of("job"),                              // the pipeline and the job
            List.of("backtest", "queue", "portfolio", "generate", "notifications"),
            List.of("server"),
            List.of("cli"));

    @Test
    void pulsesPackagesReadBottomUpWithoutCycles() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.pulse");

        assertThat(packagesWithoutALayer(classes, "io.pulse"))
                .as("every package under io.pulse has a line in LayersTest.LAYERS").isEmpty();
        layersAndCycles("io.pulse").check(classes);
    }

    @Test
    void anUpwardImportFailsTheRule() {
        JavaClasses classes = new ClassFileImporter().importClasses(ReadsTheJob.class, Job.class);

        EvaluationResult result = layersAndCycles(FIXTURE).evaluate(classes);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString())
                .contains(ReadsTheJob.class.getName()).contains(Job.class.getName());
    }

    @Test
    void aCycleWithinOneLayerFailsTheRule() {
        JavaClasses classes = new ClassFileImporter().importClasses(ReadsJdbc.class, ReadsTheModel.class);

        EvaluationResult result = layersAndCycles(FIXTURE).evaluate(classes);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("Cycle detected");
    }

    @Test
    void aPackageWithoutALayerIsReported() {
        JavaClasses classes = new ClassFileImporter().importClasses(Job.class, LayersTest.class);

        assertThat(packagesWithoutALayer(classes, "io.pulse")).contains("architecture", "architecture.fixture.job");
    }

    private static final String FIXTURE = "io.pulse.architecture.fixture";

    /** The layer rule and the no-cycle rule for the packages under {@code root}. */
    static ArchRule layersAndCycles(String root) {
        List<ArchRule> rules = new ArrayList<>();
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            List<String> above = LAYERS.subList(i + 1, LAYERS.size()).stream().flatMap(List::stream)
                    .map(p -> root + "." + p + "..").toList();
            String[] here = LAYERS.get(i).stream().map(p -> root + "." + p).toArray(String[]::new);
            rules.add(noClasses().that().resideInAnyPackage(here)
                    .should().dependOnClassesThat().resideInAnyPackage(above.toArray(String[]::new))
                    .as("packages " + LAYERS.get(i) + " use no package of a higher layer")
                    .allowEmptyShould(true));
        }
        rules.add(slices().matching(root + ".(**)").should().beFreeOfCycles().allowEmptyShould(true));
        return CompositeArchRule.of(rules);
    }

    /** Packages under {@code root} (relative to it) that no line of {@link #LAYERS} names. */
    static Set<String> packagesWithoutALayer(JavaClasses classes, String root) {
        Set<String> named = new TreeSet<>();
        LAYERS.forEach(named::addAll);
        Set<String> missing = new TreeSet<>();
        for (JavaClass c : classes) {
            String pkg = c.getPackageName();
            if (pkg.startsWith(root + ".")) {
                String relative = pkg.substring(root.length() + 1);
                if (!named.contains(relative)) {
                    missing.add(relative);
                }
            }
        }
        return missing;
    }
}
