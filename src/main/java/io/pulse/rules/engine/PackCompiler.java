package io.pulse.rules.engine;

import io.pulse.features.BuiltInSources;
import io.pulse.features.declared.FeatureDeclarations;
import io.pulse.rules.facts.Parameters;
import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.EngineLimits;
import io.pulse.rules.pack.ParametersReader;
import io.pulse.rules.pack.Problem;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import io.pulse.rules.sandbox.RuleSandbox;
import org.kie.api.KieBase;
import org.kie.api.definition.type.FactType;
import org.kie.api.io.ResourceType;
import org.kie.internal.builder.CompositeKnowledgeBuilder;
import org.kie.internal.builder.KnowledgeBuilder;
import org.kie.internal.builder.KnowledgeBuilderFactory;
import org.kie.internal.io.ResourceFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles a rule pack: reads its parameters, checks the pack's texts (sandbox, actions without
 * terms), builds the DRL files with Drools' executable model, which compiles every expression of
 * the rules (conditions, from, accumulate, salience, queries, functions, then parts) to Java
 * bytecode, so nothing runs in MVEL; checks every generated class against the sandbox's allow-list
 * before any is loaded. Nothing of the build stays registered JVM-wide, so repeated reloads do not
 * accumulate.
 */
final class PackCompiler {
    /**
     * {@code RecommendedAction.valueRisk("CODE"}, {@code RecommendedAction.alert("CODE"}, ... and {@code .withTerms("CODE"}:
     * checked against parameters.json.
     */
    private static final Pattern STRATEGY_CALL =
            Pattern.compile("(?:RecommendedAction\\s*\\.\\s*\\w+|\\.\\s*withTerms)\\s*\\(\\s*\"([A-Z][A-Z0-9_]*)\"");

    /** Where the Features type of a pack's declared features is generated (not a file of the pack). */
    static final String GENERATED_FEATURES_DRL = RuleSet.FEATURES_FILE + ".drl";
    private static final String DEFAULT_PACKAGE = "pulse.rules";
    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;?");

    private PackCompiler() {}

    /**
     * @param classLoader loads the fact classes (in Flink: the user-code class loader)
     * @throws RuleCompilationException with every problem as {@code file:line: message}
     */
    static CompiledPack compile(RuleSet rules, ClassLoader classLoader) throws RuleCompilationException {
        // MVEL keeps JVM-wide state that captures the thread's context class loader the first time
        // it is used. In Flink that would be the first job's user-code class loader: once that job
        // ends and its class loader is closed, every later build in the JVM fails ("class not
        // found: ...HealthScore$$highMin"). Build with the class loader Pulse itself lives in,
        // which lives as long as that state (RuleEngineTest pins this).
        Thread thread = Thread.currentThread();
        ClassLoader contextClassLoader = thread.getContextClassLoader();
        thread.setContextClassLoader(PackCompiler.class.getClassLoader());
        try {
            return build(rules, classLoader);
        } finally {
            thread.setContextClassLoader(contextClassLoader);
        }
    }

    private static CompiledPack build(RuleSet rules, ClassLoader classLoader)
            throws RuleCompilationException {
        List<Problem> problems = new ArrayList<>();
        rules.refused().forEach((name, why) -> problems.add(new Problem(name, 0, why)));
        Map<String, String> files = rules.files();
        Parameters parameters = null;
        EngineLimits defaults = new EngineLimits(RuleEngine.DEFAULT_MAX_FIRINGS, RuleEngine.DEFAULT_MAX_MILLIS);
        EngineLimits limits = defaults;
        if (files.containsKey(RuleSet.PARAMETERS_FILE)) {
            String text = files.get(RuleSet.PARAMETERS_FILE);
            parameters = ParametersReader.read(text, problems);
            limits = ParametersReader.engineLimits(text, defaults, problems);
        } else {
            problems.add(new Problem(RuleSet.PARAMETERS_FILE, 0, "missing: the rule pack needs its parameters file"));
        }
        if (files.keySet().stream().noneMatch(n -> n.endsWith(".drl"))) {
            problems.add(new Problem("*.drl", 0, "the rule pack has no rule file"));
        }
        if (parameters != null) {
            checkActionsHaveTerms(files, parameters, problems);
        }
        FeatureDeclarations features = declaredFeatures(files, problems);
        if (!features.isEmpty()) {
            // The Features type is built (and checked) like a declared type of the pack's own DRL.
            Map<String, String> withFeatures = new TreeMap<>(files);
            withFeatures.put(GENERATED_FEATURES_DRL, features.drl(drlPackage(files)));
            files = withFeatures;
        }
        DrlSource source = DrlSource.parse(files);
        problems.addAll(RuleSandbox.checkSource(source, classLoader));

        KieBase kieBase = null;
        ExecutableModelBuild build = ExecutableModelBuild.of(files, classLoader);
        if (!build.problems().isEmpty()) {
            // The executable model reports errors in a then part against the Java it generated
            // (src/main/java/<pkg>/P77/LambdaConsequence77FB....java:39) and some condition errors
            // without a line: the classic compiler, run for its messages only, says where they are
            // in the DRL.
            List<Problem> classic = DrlProblems.of(classicBuild(files, classLoader).getErrors(), files, classLoader);
            problems.addAll(classic.isEmpty() ? build.problems() : classic);
        } else {
            problems.addAll(RuleSandbox.checkGenerated(build.classes(), build.descriptorClasses(), source, classLoader));
            if (problems.isEmpty()) {
                kieBase = build.kieBase(); // loads the generated classes: only once they passed the check
            }
        }
        if (!problems.isEmpty()) {
            Collections.sort(problems);
            throw new RuleCompilationException(problems.stream().map(Problem::toString).distinct().toList());
        }
        FactType featuresType = features.isEmpty() ? null
                : kieBase.getFactType(drlPackage(files), FeatureDeclarations.FACT);
        return new CompiledPack(rules, parameters, kieBase, source, limits, features, featuresType);
    }

    /** The pack's features.yaml, read against the sources Pulse knows; none when the pack has no such file. */
    private static FeatureDeclarations declaredFeatures(Map<String, String> files, List<Problem> problems) {
        String yaml = files.get(RuleSet.FEATURES_FILE);
        if (yaml == null) {
            return FeatureDeclarations.NONE;
        }
        List<FeatureDeclarations.Problem> found = new ArrayList<>();
        FeatureDeclarations features = FeatureDeclarations.parse(yaml, BuiltInSources.all(), found);
        found.forEach(p -> problems.add(new Problem(RuleSet.FEATURES_FILE, p.line(), p.message())));
        return features;
    }

    /**
     * The package the rule files declare, where the Features type is declared so their rules read
     * it without an import ({@value #DEFAULT_PACKAGE} when they declare none or several).
     */
    private static String drlPackage(Map<String, String> files) {
        Set<String> packages = new TreeSet<>();
        files.forEach((name, text) -> {
            if (name.endsWith(".drl") && !name.equals(GENERATED_FEATURES_DRL)) {
                Matcher m = PACKAGE.matcher(text);
                if (m.find()) {
                    packages.add(m.group(1));
                }
            }
        });
        return packages.size() == 1 ? packages.iterator().next() : DEFAULT_PACKAGE;
    }

    /**
     * The classic (mvel) compiler's build of the texts, for its error messages: they name the DRL
     * line where the executable model's name generated Java.
     */
    private static KnowledgeBuilder classicBuild(Map<String, String> files, ClassLoader classLoader) {
        KnowledgeBuilder builder = KnowledgeBuilderFactory.newKnowledgeBuilder(
                KnowledgeBuilderFactory.newKnowledgeBuilderConfiguration(null, classLoader));
        CompositeKnowledgeBuilder batch = builder.batch();
        files.forEach((name, text) -> {
            if (name.endsWith(".drl")) {
                batch.add(ResourceFactory.newByteArrayResource(text.getBytes(StandardCharsets.UTF_8)).setSourcePath(name),
                        ResourceType.DRL);
            }
        });
        batch.build();
        return builder;
    }

    /** An action a rule recommends must have its priority and SLA in parameters.json. */
    private static void checkActionsHaveTerms(Map<String, String> files, Parameters parameters, List<Problem> problems) {
        files.forEach((name, text) -> {
            if (!name.endsWith(".drl")) {
                return;
            }
            Matcher m = STRATEGY_CALL.matcher(text);
            while (m.find()) {
                if (parameters.action(m.group(1)) == null) {
                    problems.add(new Problem(name, DrlProblems.lineAt(text, m.start(1)), "action " + m.group(1)
                            + " has no priority and SLA: add it to \"actions\" in " + RuleSet.PARAMETERS_FILE));
                }
            }
        });
    }
}
