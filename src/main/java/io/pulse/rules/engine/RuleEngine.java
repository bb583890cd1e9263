package io.pulse.rules.engine;

import io.pulse.features.declared.FeatureDeclarations;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.Parameters;
import io.pulse.rules.facts.Population;
import io.pulse.rules.facts.TierAverage;
import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import org.kie.api.KieBase;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A compiled rule set that evaluates one customer at a time: compile once per rule version
 * ({@link #compile}, {@link #shared}), evaluate many ({@link #evaluate}). Compiling is
 * {@link PackCompiler}'s, firing the rules {@link CustomerSession}'s, turning a failing rule into
 * a {@link RuleEvaluationException} {@link SafetyNet}'s, and turning the derived facts into
 * recommendations {@link RecommendationMapper}'s. For the cost of each, see BENCHMARKS.md,
 * "Rule evaluation, one thread".
 *
 * <p>An engine is meant for one thread (one per Flink task): {@link #evaluate} is not
 * thread-safe.
 */
public final class RuleEngine {
    /**
     * Rule firings per customer evaluation when parameters.json sets no
     * {@code engine.maxFiringsPerEvaluation}: far above what a pack needs (about one firing per
     * classification and strategy), low enough to stop a looping rule within milliseconds.
     */
    public static final int DEFAULT_MAX_FIRINGS = 1_000;

    /**
     * Milliseconds the rules may run per customer evaluation when parameters.json sets no
     * {@code engine.maxMillisPerEvaluation}: about 40,000 times a normal evaluation (~25 µs), so a
     * GC pause or a busy machine does not trip it, while a rule that keeps re-triggering itself
     * with slow then parts is stopped within a second. Checked between firings.
     */
    public static final long DEFAULT_MAX_MILLIS = 1_000;

    private final CompiledPack compiled;
    private final CustomerSession session;
    private final RecommendationMapper mapper;

    private RuleEngine(CompiledPack compiled) {
        this.compiled = compiled;
        this.session = new CustomerSession(compiled);
        this.mapper = new RecommendationMapper(compiled);
    }

    /** {@link #compile(RuleSet, ClassLoader)} with the class loader that loaded Pulse. */
    public static RuleEngine compile(RuleSet rules) throws RuleCompilationException {
        return compile(rules, RuleEngine.class.getClassLoader());
    }

    /**
     * Compiles the DRL files (Drools' executable model, every expression checked by the sandbox)
     * and reads the parameters. Nothing of the build stays registered JVM-wide, so repeated
     * reloads do not accumulate.
     *
     * @param classLoader loads the fact classes (in Flink: the user-code class loader)
     * @throws RuleCompilationException with every problem as {@code file:line: message}
     */
    public static RuleEngine compile(RuleSet rules, ClassLoader classLoader) throws RuleCompilationException {
        return new RuleEngine(PackCompiler.compile(rules, classLoader));
    }

    /**
     * An engine of the pack compiled once in this JVM for {@code classLoader}: the first caller
     * compiles (as {@link #compile}), callers at the same time wait for that compile, later ones
     * get a new engine on the same compiled pack at once. In live mode the rule watcher and the
     * evaluators of one TaskManager compile each new pack once instead of once each.
     */
    public static RuleEngine shared(RuleSet rules, ClassLoader classLoader) throws RuleCompilationException {
        return new RuleEngine(CompiledPacks.JVM.get(rules, classLoader, () -> PackCompiler.compile(rules, classLoader)));
    }

    /** What this engine evaluates with: the compile's result, shared with the other engines of the pack. */
    CompiledPack compiled() {
        return compiled;
    }

    /** Another engine of the same compiled pack: for another thread (an engine is one thread's). */
    public RuleEngine forAnotherThread() {
        return new RuleEngine(compiled);
    }

    /** The features the pack declares (none: {@link FeatureDeclarations#NONE}). */
    public FeatureDeclarations declaredFeatures() {
        return compiled.features();
    }

    public RuleSet ruleSet() {
        return compiled.rules();
    }

    /** {@link RuleSet#version()} of the compiled rules: every recommendation carries it. */
    public String version() {
        return compiled.rules().version();
    }

    public Parameters parameters() {
        return compiled.parameters();
    }

    /** Names of every rule in the pack, sorted. */
    public List<String> ruleNames() {
        List<String> names = new ArrayList<>();
        for (KiePackage p : compiled.kieBase().getKiePackages()) {
            for (Rule r : p.getRules()) {
                names.add(r.getName());
            }
        }
        Collections.sort(names);
        return names;
    }

    /** Where each rule is written in the pack. */
    public DrlSource source() {
        return compiled.source();
    }

    public KieBase kieBase() {
        return compiled.kieBase();
    }

    /** Rule firings allowed per evaluation. */
    public int maxFirings() {
        return compiled.limits().maxFirings();
    }

    /** Milliseconds the rules may run per evaluation (checked between firings). */
    public long maxMillis() {
        return compiled.limits().maxMillis();
    }

    /** {@link #evaluate(CustomerFacts, Population, long)} with only the account and the profile. */
    public CustomerEvaluation evaluate(Account account, CustomerProfile profile, Population population, long asOfEpochMs) {
        return evaluate(CustomerFacts.of(account, profile), population, asOfEpochMs);
    }

    /**
     * Evaluates one customer: inserts the parameters, the population, the customer's facts (those
     * that are known) and the average LTV of the customer's tier ({@link TierAverage}) into a
     * stateless session (a pooled one, reset after each use), fires the rules, and turns the
     * strategies they insert into recommendations, in order of priority.
     *
     * @param asOfEpochMs event time the evaluation is valid as of; due times count from it
     * @throws RuleEvaluationException when the rules do not give exactly one health score, health
     *     band, value tier, risk tier, VALUE_RISK strategy and HEALTH strategy (a rule-pack bug),
     *     recommend the same action twice, a rule throws, or the rules fire more than
     *     {@link #maxFirings()} times (a rule that keeps re-triggering itself, stopped there) or
     *     run longer than {@link #maxMillis()} (stopped at the next firing); the
     *     message names the customer and the rules
     */
    public CustomerEvaluation evaluate(CustomerFacts facts, Population population, long asOfEpochMs) {
        Objects.requireNonNull(population, "population");
        Account account = facts.account();
        CustomerProfile profile = facts.profile();
        String customerId = account.getCustomerId();
        if (!Objects.equals(customerId, profile.getCustomerId())) {
            throw new IllegalArgumentException(
                    "account " + customerId + " and profile " + profile.getCustomerId() + " are different customers");
        }
        RuleTrace trace = session.fire(facts, population);
        return mapper.evaluation(customerId, account, trace, asOfEpochMs);
    }
}
