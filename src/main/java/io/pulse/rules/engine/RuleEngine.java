package io.pulse.rules.engine;

import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.ParametersReader;
import io.pulse.rules.pack.Problem;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import io.pulse.rules.sandbox.RuleSandbox;
import io.pulse.model.Recommendation;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.Cohort;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.HealthBand;
import io.pulse.rules.facts.HealthScore;
import io.pulse.rules.facts.Parameters;
import io.pulse.rules.facts.Population;
import io.pulse.rules.facts.PreviousHealthBand;
import io.pulse.rules.facts.RiskTier;
import io.pulse.rules.facts.Signal;
import io.pulse.rules.facts.RecommendedAction;
import io.pulse.rules.facts.TierAverage;
import io.pulse.rules.facts.ValueTier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.drools.kiesession.rulebase.InternalKnowledgeBase;
import org.drools.kiesession.rulebase.KnowledgeBaseFactory;
import org.kie.api.KieBase;
import org.kie.api.KieBaseConfiguration;
import org.kie.api.KieServices;
import org.kie.api.conf.KieBaseMutabilityOption;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.kie.api.event.rule.AgendaEventListener;
import org.kie.api.event.rule.RuleRuntimeEventListener;
import org.kie.api.io.ResourceType;
import org.kie.api.runtime.StatelessKieSession;
import org.kie.api.runtime.rule.ConsequenceException;
import org.kie.internal.builder.CompositeKnowledgeBuilder;
import org.kie.internal.builder.KnowledgeBuilder;
import org.kie.internal.builder.KnowledgeBuilderFactory;
import org.kie.internal.io.ResourceFactory;

/**
 * A compiled rule set that evaluates one customer at a time. Compile once per rule version
 * ({@link #compile}: seconds the first time in a JVM, 150-250 ms after), evaluate many
 * ({@link #evaluate}: about 45 us of CPU for the full pack; see {@code RuleEngineBenchmark}).
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
    private static final Comparator<Recommendation> BY_PRIORITY =
            Comparator.comparingInt(Recommendation::getPriority).thenComparing(Recommendation::getAction);
    /**
     * {@code RecommendedAction.valueRisk("CODE"}, {@code RecommendedAction.alert("CODE"}, ... and {@code .withTerms("CODE"}:
     * checked against parameters.json.
     */
    private static final Pattern STRATEGY_CALL =
            Pattern.compile("(?:RecommendedAction\\s*\\.\\s*\\w+|\\.\\s*withTerms)\\s*\\(\\s*\"([A-Z][A-Z0-9_]*)\"");

    /**
     * What a compile produces, immutable and shared by every engine of the pack in this JVM (a
     * KieBase is thread-safe; sessions are not). {@link CompiledPacks} holds it weakly: it lives as
     * long as an engine uses it.
     *
     * @param source     where each rule is written, for problems found after the compile
     * @param maxFirings rule firings allowed per evaluation: more means a rule keeps re-triggering itself
     */
    record Compiled(RuleSet rules, Parameters parameters, KieBase kieBase, DrlSource source, int maxFirings) {}

    private final Compiled compiled;
    private final RuleSet rules;
    private final Parameters parameters;
    private final KieBase kieBase;
    private final DrlSource source;
    private final int maxFirings;
    /** Stateless, from a session pool: each execute() runs on a reset pooled session (cheap). */
    private final StatelessKieSession session;
    /** Listens to {@link #session}; reset at each evaluation (so: one thread per engine). */
    private final RuleTrace trace;
    /** Playbook -> its JSON: playbooks are mostly constants of the rules, so this stays small. */
    private final Map<List<String>, String> playbookJson = new HashMap<>();

    private RuleEngine(Compiled compiled) {
        this.compiled = compiled;
        this.rules = compiled.rules();
        this.parameters = compiled.parameters();
        this.kieBase = compiled.kieBase();
        this.source = compiled.source();
        this.maxFirings = compiled.maxFirings();
        this.trace = new RuleTrace(BindingOrder.of(rules), maxFirings);
        this.session = kieBase.newKieSessionsPool(1).newStatelessKieSession();
        session.addEventListener((AgendaEventListener) trace);
        session.addEventListener((RuleRuntimeEventListener) trace);
    }

    /** {@link #compile(RuleSet, ClassLoader)} with the class loader that loaded Pulse. */
    public static RuleEngine compile(RuleSet rules) throws RuleCompilationException {
        return compile(rules, RuleEngine.class.getClassLoader());
    }

    /**
     * An engine of the pack compiled once in this JVM for {@code classLoader}: the first caller
     * compiles (as {@link #compile}), callers at the same time wait for that compile, later ones
     * get a new engine on the same compiled pack at once. In live mode the rule watcher and the
     * evaluators of one TaskManager compile each new pack once instead of once each.
     */
    public static RuleEngine shared(RuleSet rules, ClassLoader classLoader) throws RuleCompilationException {
        return new RuleEngine(CompiledPacks.JVM.get(rules, classLoader, () -> compiledPack(rules, classLoader)));
    }

    /** What this engine evaluates with: the compile's result, shared with the other engines of the pack. */
    Compiled compiled() {
        return compiled;
    }

    /** Another engine of the same compiled pack: for another thread (an engine is one thread's). */
    public RuleEngine forAnotherThread() {
        return new RuleEngine(compiled);
    }

    /**
     * Compiles the DRL files with the classic (mvel) compiler and reads the parameters. Nothing of
     * the build is registered JVM-wide (no KieRepository module), so repeated reloads do not
     * accumulate.
     *
     * @param classLoader loads the fact classes (in Flink: the user-code class loader)
     * @throws RuleCompilationException with every problem as {@code file:line: message}
     */
    public static RuleEngine compile(RuleSet rules, ClassLoader classLoader) throws RuleCompilationException {
        return new RuleEngine(compiledPack(rules, classLoader));
    }

    private static Compiled compiledPack(RuleSet rules, ClassLoader classLoader) throws RuleCompilationException {
        // MVEL keeps JVM-wide state that captures the thread's context class loader the first time
        // it is used. In Flink that would be the first job's user-code class loader: once that job
        // ends and its class loader is closed, every later build in the JVM fails ("class not
        // found: ...HealthScore$$highMin"). Build with the class loader Pulse itself lives in,
        // which lives as long as that state (RuleEngineTest pins this).
        Thread thread = Thread.currentThread();
        ClassLoader contextClassLoader = thread.getContextClassLoader();
        thread.setContextClassLoader(RuleEngine.class.getClassLoader());
        try {
            return build(rules, classLoader);
        } finally {
            thread.setContextClassLoader(contextClassLoader);
        }
    }

    private static Compiled build(RuleSet rules, ClassLoader classLoader) throws RuleCompilationException {
        List<Problem> problems = new ArrayList<>();
        Map<String, String> files = rules.files();
        Parameters parameters = null;
        if (files.containsKey(RuleSet.PARAMETERS_FILE)) {
            parameters = ParametersReader.read(files.get(RuleSet.PARAMETERS_FILE), problems);
        } else {
            problems.add(new Problem(RuleSet.PARAMETERS_FILE, 0, "missing: the rule pack needs its parameters file"));
        }
        if (files.keySet().stream().noneMatch(n -> n.endsWith(".drl"))) {
            problems.add(new Problem("*.drl", 0, "the rule pack has no rule file"));
        }
        int maxFirings = DEFAULT_MAX_FIRINGS;
        if (files.containsKey(RuleSet.PARAMETERS_FILE)) {
            maxFirings = ParametersReader.maxFirings(files.get(RuleSet.PARAMETERS_FILE), DEFAULT_MAX_FIRINGS, problems);
        }
        if (parameters != null) {
            checkActionsHaveTerms(files, parameters, problems);
        }
        DrlSource source = DrlSource.parse(files);
        problems.addAll(RuleSandbox.checkSource(source, classLoader));

        // A KnowledgeBuilder straight from the texts: what KieBuilder runs inside, without the
        // module scaffolding around it (pom, kmodule, KieRepository, KieContainer).
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
        List<Problem> compileErrors = DrlProblems.of(builder.getErrors(), files, classLoader);
        problems.addAll(compileErrors);
        KieBase kieBase = null;
        if (compileErrors.isEmpty()) {
            // One KieBase of every package, never changed after the build: immutable, it lets each
            // session use Drools' light identity object store instead of the class-aware one it
            // would rebuild for every evaluation (a fifth of the evaluation time otherwise).
            KieBaseConfiguration configuration = KieServices.Factory.get().newKieBaseConfiguration(null, classLoader);
            configuration.setOption(KieBaseMutabilityOption.DISABLED);
            InternalKnowledgeBase knowledgeBase = KnowledgeBaseFactory.newKnowledgeBase(configuration);
            // Loads no rule class yet: nothing of the rules runs before the bytecode check.
            knowledgeBase.addPackages(builder.getKnowledgePackages());
            kieBase = knowledgeBase;
            problems.addAll(RuleSandbox.checkCompiled(kieBase, source));
        }
        if (!problems.isEmpty()) {
            Collections.sort(problems);
            throw new RuleCompilationException(problems.stream().map(Problem::toString).distinct().toList());
        }
        return new Compiled(rules, parameters, kieBase, source, maxFirings);
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

    public RuleSet ruleSet() {
        return rules;
    }

    /** {@link RuleSet#version()} of the compiled rules: every recommendation carries it. */
    public String version() {
        return rules.version();
    }

    public Parameters parameters() {
        return parameters;
    }

    /** Names of every rule in the pack, sorted. */
    public List<String> ruleNames() {
        List<String> names = new ArrayList<>();
        for (KiePackage p : kieBase.getKiePackages()) {
            for (Rule r : p.getRules()) {
                names.add(r.getName());
            }
        }
        Collections.sort(names);
        return names;
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
     *     {@link #maxFirings()} times (a rule that keeps re-triggering itself, stopped there); the
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
        List<Object> inserted = new ArrayList<>(10);
        inserted.add(parameters);
        inserted.add(population);
        inserted.add(account);
        inserted.add(profile);
        inserted.add(new TierAverage(profile.getCustomerTier(), population.averageLtv(profile.getCustomerTier())));
        addIfKnown(inserted, facts.subscription());
        addIfKnown(inserted, facts.support());
        addIfKnown(inserted, facts.planChange());
        if (facts.previousHealthBand() != null) {
            inserted.add(new PreviousHealthBand(facts.previousHealthBand()));
        }
        trace.reset();
        try {
            session.execute(inserted);
        } catch (RuntimeException | StackOverflowError e) { // a rule threw: say for whom and which rule
            String rule = failedRule(e);
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new RuleEvaluationException(customerId, rule, List.of(), firedRules(trace), "customer " + customerId
                    + ": rule set " + version() + ": " + (rule == null ? "" : "rule \"" + rule + "\" failed: ") + root, e);
        }
        if (trace.capped()) {
            String rule = trace.mostFired();
            throw new RuleEvaluationException(customerId, rule, List.of(), firedRules(trace), "customer " + customerId
                    + ": rule set "
                    + version() + ": stopped after " + maxFirings + " rule firings (engine.maxFiringsPerEvaluation): "
                    + "rule \"" + rule + "\" keeps re-triggering itself (fired " + trace.firingsOf(rule) + " times)", null);
        }
        return assemble(customerId, account, trace, asOfEpochMs);
    }

    private static void addIfKnown(List<Object> facts, Object fact) {
        if (fact != null) {
            facts.add(fact);
        }
    }

    /** The rule whose then part threw: from Drools' report, else the rule that was firing. */
    private String failedRule(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConsequenceException c && c.getMatch() != null) {
                return c.getMatch().getRule().getName();
            }
        }
        return trace.firingRule();
    }

    /** Where each rule is written in the pack. */
    public DrlSource source() {
        return source;
    }

    public KieBase kieBase() {
        return kieBase;
    }

    /** Rule firings allowed per evaluation. */
    public int maxFirings() {
        return maxFirings;
    }

    private CustomerEvaluation assemble(String customerId, Account account, RuleTrace trace, long asOf) {
        // One pass over the derived facts (the hot path); the detailed check runs only on failure.
        HealthScore score = null;
        HealthBand band = null;
        ValueTier value = null;
        RiskTier risk = null;
        RecommendedAction valueRisk = null;
        RecommendedAction health = null;
        int scores = 0, bands = 0, values = 0, risks = 0, valueRisks = 0, healths = 0;
        List<RecommendedAction> strategies = new ArrayList<>(2);
        List<String> cohorts = new ArrayList<>(0);
        List<String> signals = new ArrayList<>(0);
        for (Object o : trace.derived()) {
            if (o instanceof Cohort c) {
                cohorts.add(c.getName());
            } else if (o instanceof Signal x) {
                signals.add(x.getName());
            } else if (o instanceof RecommendedAction s) {
                strategies.add(s);
                if (s.getFamily().equals(RecommendedAction.VALUE_RISK)) {
                    valueRisk = s;
                    valueRisks++;
                } else if (s.getFamily().equals(RecommendedAction.HEALTH)) {
                    health = s;
                    healths++;
                }
            } else if (o instanceof HealthScore x) {
                score = x;
                scores++;
            } else if (o instanceof HealthBand x) {
                band = x;
                bands++;
            } else if (o instanceof ValueTier x) {
                value = x;
                values++;
            } else if (o instanceof RiskTier x) {
                risk = x;
                risks++;
            }
        }
        if (scores != 1 || bands != 1 || values != 1 || risks != 1 || valueRisks != 1 || healths != 1
                || hasDuplicateAction(strategies)) {
            throw notExactlyOne(customerId, trace);
        }

        Collections.sort(cohorts);
        String cohortsJson = JsonText.stringArray(cohorts);
        List<Recommendation> recommendations = new ArrayList<>(strategies.size());
        for (RecommendedAction s : strategies) {
            recommendations.add(recommendation(customerId, account, s, trace, score, band, value, risk, cohortsJson, asOf));
        }
        recommendations.sort(BY_PRIORITY);
        List<String> fired = firedRules(trace);
        Collections.sort(signals);
        return new CustomerEvaluation(customerId, score.getScore(), band.getBand(), value.getTier(), risk.getTier(),
                health.getAction(), valueRisk.getAction(), score.getPredicted6mRevenue(), recommendations, fired,
                cohorts, signals, version(), asOf);
    }

    private static List<String> firedRules(RuleTrace trace) {
        List<String> fired = new ArrayList<>(trace.firings().size());
        for (RuleTrace.Firing f : trace.firings()) {
            fired.add(f.rule());
        }
        return fired;
    }

    private static boolean hasDuplicateAction(List<RecommendedAction> strategies) {
        for (int i = 0; i < strategies.size(); i++) {
            for (int j = i + 1; j < strategies.size(); j++) {
                if (strategies.get(i).getAction().equals(strategies.get(j).getAction())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The safety net's message: which classification or strategy is missing or repeated, and by which rules. */
    private RuleEvaluationException notExactlyOne(String customerId, RuleTrace trace) {
        List<RuleEvaluationException.Violation> violations = new ArrayList<>();
        exactlyOne(trace, HealthScore.class, o -> true, "HealthScore", violations);
        exactlyOne(trace, HealthBand.class, o -> true, "HealthBand", violations);
        exactlyOne(trace, ValueTier.class, o -> true, "ValueTier", violations);
        exactlyOne(trace, RiskTier.class, o -> true, "RiskTier", violations);
        exactlyOne(trace, RecommendedAction.class, s -> s.getFamily().equals(RecommendedAction.VALUE_RISK),
                "RecommendedAction of family " + RecommendedAction.VALUE_RISK, violations);
        exactlyOne(trace, RecommendedAction.class, s -> s.getFamily().equals(RecommendedAction.HEALTH),
                "RecommendedAction of family " + RecommendedAction.HEALTH, violations);
        Set<String> actions = new HashSet<>();
        for (Object o : trace.derived()) {
            if (o instanceof RecommendedAction s && !actions.add(s.getAction())) {
                Predicate<RecommendedAction> same = x -> x.getAction().equals(s.getAction());
                violations.add(new RuleEvaluationException.Violation("action " + s.getAction(), 2,
                        producerRules(trace, RecommendedAction.class, same), "each action once, but " + s.getAction()
                        + " was recommended twice (" + producers(trace, RecommendedAction.class, same) + ")"));
            }
        }
        List<String> fired = firedRules(trace);
        return new RuleEvaluationException(customerId, null, violations, fired, "customer " + customerId + ": rule set "
                + version() + " must give " + violations.stream().map(Object::toString).collect(Collectors.joining("; "))
                + "; rules fired: " + fired, null);
    }

    private Recommendation recommendation(String customerId, Account account, RecommendedAction s, RuleTrace trace,
                                          HealthScore score, HealthBand band, ValueTier value, RiskTier risk,
                                          String cohorts, long asOf) {
        Parameters.ActionTerms terms = parameters.action(s.getTerms());
        if (terms == null) {
            String rule = trace.producer(s).rule();
            throw new RuleEvaluationException(customerId, rule, List.of(), firedRules(trace), "customer " + customerId
                    + ": rule \"" + rule + "\" recommends " + s.getAction() + " on the terms of " + s.getTerms()
                    + ", which has no priority and SLA in " + RuleSet.PARAMETERS_FILE, null);
        }
        Recommendation r = new Recommendation();
        r.setCustomerId(customerId);
        r.setAction(s.getAction());
        r.setFamily(s.getFamily());
        r.setValueTier(value.getTier());
        r.setRiskTier(risk.getTier());
        r.setHealthBand(band.getBand());
        r.setHealthScore(score.getScore());
        r.setIndustry(account.getIndustry());
        r.setSizeSegment(account.getSizeSegment());
        r.setPredicted6mRevenue(score.getPredicted6mRevenue());
        r.setPriority(terms.getPriority());
        r.setDueAt(asOf + terms.slaMillis());
        r.setPlaybook(playbookJson(s.getPlaybook()));
        r.setReasons(JsonText.reasons(trace.explain(s)));
        r.setCohorts(cohorts);
        r.setRulesetVersion(version());
        r.setValidAsOf(asOf);
        r.setPipelineStatus(Recommendation.OPEN);
        return r;
    }

    private String playbookJson(List<String> playbook) {
        String json = playbookJson.get(playbook);
        if (json == null) {
            if (playbookJson.size() > 1_000) {
                playbookJson.clear(); // playbooks built from fact values: do not grow without bound
            }
            json = JsonText.stringArray(playbook);
            playbookJson.put(playbook, json);
        }
        return json;
    }

    /** Records a violation when the derived facts hold none or several of a type (and filter). */
    private static <T> void exactlyOne(RuleTrace trace, Class<T> type, Predicate<T> filter, String what,
                                       List<RuleEvaluationException.Violation> violations) {
        List<String> rules = producerRules(trace, type, filter);
        if (rules.isEmpty()) {
            violations.add(new RuleEvaluationException.Violation(what, 0, rules,
                    "exactly one " + what + ", but no rule inserted one"));
        } else if (rules.size() > 1) {
            violations.add(new RuleEvaluationException.Violation(what, rules.size(), rules, "exactly one " + what
                    + ", but " + rules.size() + " were inserted (" + producers(trace, type, filter) + ")"));
        }
    }

    /** The rule that inserted each derived fact of a type (and filter), in insertion order. */
    private static <T> List<String> producerRules(RuleTrace trace, Class<T> type, Predicate<T> filter) {
        List<String> out = new ArrayList<>();
        for (Object o : trace.derived()) {
            if (type.isInstance(o) && filter.test(type.cast(o))) {
                out.add(trace.producer(o).rule());
            }
        }
        return out;
    }

    private static <T> String producers(RuleTrace trace, Class<T> type, Predicate<T> filter) {
        List<String> out = new ArrayList<>();
        for (Object o : trace.derived()) {
            if (type.isInstance(o) && filter.test(type.cast(o))) {
                out.add(o + " by \"" + trace.producer(o).rule() + "\"");
            }
        }
        return String.join(", ", out);
    }

}
