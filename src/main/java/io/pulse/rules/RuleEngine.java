package io.pulse.rules;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pulse.actions.Recommendation;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.HealthBand;
import io.pulse.rules.facts.HealthScore;
import io.pulse.rules.facts.Parameters;
import io.pulse.rules.facts.Population;
import io.pulse.rules.facts.RiskTier;
import io.pulse.rules.facts.Strategy;
import io.pulse.rules.facts.ValueTier;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.compiler.kie.builder.impl.DrlProject;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.StatelessKieSession;

/**
 * A compiled rule set that evaluates one customer at a time. Compile once per rule version
 * ({@link #compile}, 100s of ms), evaluate many ({@link #evaluate}, microseconds).
 *
 * <p>An engine is meant for one thread (one per Flink task): {@link #evaluate} is not
 * thread-safe.
 */
public final class RuleEngine {
    /** Where the DRL files go in the in-memory KieFileSystem; messages are mapped back to file names. */
    private static final String RESOURCE_DIR = "src/main/resources/pulse/rules/";
    private static final AtomicLong BUILDS = new AtomicLong();
    private static final JsonFactory JSON = new JsonFactory();
    /** {@code Strategy.valueRisk("CODE"} / {@code Strategy.health("CODE"}: checked against parameters.json. */
    private static final Pattern STRATEGY_CALL = Pattern.compile("Strategy\\s*\\.\\s*\\w+\\s*\\(\\s*\"([A-Z][A-Z0-9_]*)\"");

    private final RuleSet rules;
    private final Parameters parameters;
    private final KieBase kieBase;

    private RuleEngine(RuleSet rules, Parameters parameters, KieBase kieBase) {
        this.rules = rules;
        this.parameters = parameters;
        this.kieBase = kieBase;
    }

    /** {@link #compile(RuleSet, ClassLoader)} with the class loader that loaded Pulse. */
    public static RuleEngine compile(RuleSet rules) throws RuleCompilationException {
        return compile(rules, RuleEngine.class.getClassLoader());
    }

    /**
     * Compiles the DRL files with the classic (mvel) compiler and reads the parameters. The build
     * gets its own release id, and its module leaves the KieRepository once the KieBase exists, so
     * repeated reloads do not accumulate.
     *
     * @param classLoader loads the fact classes (in Flink: the user-code class loader)
     * @throws RuleCompilationException with every problem as {@code file:line: message}
     */
    public static RuleEngine compile(RuleSet rules, ClassLoader classLoader) throws RuleCompilationException {
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
        if (parameters != null) {
            checkActionsHaveTerms(files, parameters, problems);
        }

        KieServices ks = KieServices.Factory.get();
        ReleaseId releaseId = ks.newReleaseId("io.pulse.rules", "rule-pack", rules.version() + "-" + BUILDS.incrementAndGet());
        KieFileSystem kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        files.forEach((name, text) -> {
            if (name.endsWith(".drl")) {
                kfs.write(RESOURCE_DIR + name, text);
            }
        });
        try {
            KieBuilder builder = ks.newKieBuilder(kfs, classLoader).buildAll(DrlProject.class);
            for (Message m : builder.getResults().getMessages(Message.Level.ERROR)) {
                problems.add(DrlProblems.of(m, files));
            }
            if (!problems.isEmpty()) {
                Collections.sort(problems);
                throw new RuleCompilationException(problems.stream().map(Problem::toString).distinct().toList());
            }
            KieBase kieBase = ks.newKieContainer(releaseId, classLoader).getKieBase();
            return new RuleEngine(rules, parameters, kieBase);
        } finally {
            ks.getRepository().removeKieModule(releaseId);
        }
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

    /**
     * Evaluates one customer: inserts the parameters, the population, the account and the profile
     * into a fresh stateless session, fires the rules, and turns the strategies they insert into
     * recommendations.
     *
     * @param asOfEpochMs event time the evaluation is valid as of; due times count from it
     * @throws IllegalStateException when the rules do not give exactly one health score, health
     *     band, value tier, risk tier, VALUE_RISK strategy and HEALTH strategy (a rule-pack bug), or
     *     recommend the same action twice; the message names the customer and the rules
     */
    public CustomerEvaluation evaluate(Account account, CustomerProfile profile, Population population, long asOfEpochMs) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(population, "population");
        String customerId = account.getCustomerId();
        if (!Objects.equals(customerId, profile.getCustomerId())) {
            throw new IllegalArgumentException(
                    "account " + customerId + " and profile " + profile.getCustomerId() + " are different customers");
        }
        StatelessKieSession session = kieBase.newStatelessKieSession();
        RuleTrace trace = new RuleTrace();
        session.addEventListener((org.kie.api.event.rule.AgendaEventListener) trace);
        session.addEventListener((org.kie.api.event.rule.RuleRuntimeEventListener) trace);
        session.execute(Arrays.asList(parameters, population, account, profile));
        return assemble(customerId, trace, asOfEpochMs);
    }

    private CustomerEvaluation assemble(String customerId, RuleTrace trace, long asOf) {
        List<String> fired = new ArrayList<>(trace.firings().size());
        for (RuleTrace.Firing f : trace.firings()) {
            fired.add(f.rule());
        }
        List<String> violations = new ArrayList<>();
        HealthScore score = exactlyOne(trace, HealthScore.class, o -> true, "HealthScore", violations);
        HealthBand band = exactlyOne(trace, HealthBand.class, o -> true, "HealthBand", violations);
        ValueTier value = exactlyOne(trace, ValueTier.class, o -> true, "ValueTier", violations);
        RiskTier risk = exactlyOne(trace, RiskTier.class, o -> true, "RiskTier", violations);
        Strategy valueRisk = exactlyOne(trace, Strategy.class, s -> s.getFamily().equals(Strategy.VALUE_RISK),
                "Strategy of family " + Strategy.VALUE_RISK, violations);
        Strategy health = exactlyOne(trace, Strategy.class, s -> s.getFamily().equals(Strategy.HEALTH),
                "Strategy of family " + Strategy.HEALTH, violations);
        Set<String> actions = new HashSet<>();
        for (Object o : trace.derived()) {
            if (o instanceof Strategy s && !actions.add(s.getAction())) {
                violations.add("the action " + s.getAction() + " is recommended twice (" + producers(trace, Strategy.class,
                        x -> x.getAction().equals(s.getAction())) + ")");
            }
        }
        if (!violations.isEmpty()) {
            throw new IllegalStateException("customer " + customerId + ": rule set " + version() + " must give "
                    + String.join("; ", violations) + "; rules fired: " + fired);
        }

        List<Recommendation> recommendations = new ArrayList<>();
        for (Object o : trace.derived()) {
            if (o instanceof Strategy s) {
                recommendations.add(recommendation(customerId, s, trace, score, band, value, risk, asOf));
            }
        }
        recommendations.sort(Comparator.comparingInt(Recommendation::getPriority).thenComparing(Recommendation::getAction));
        return new CustomerEvaluation(customerId, score.getScore(), band.getBand(), value.getTier(), risk.getTier(),
                health.getAction(), valueRisk.getAction(), score.getPredicted6mRevenue(), recommendations, fired,
                version(), asOf);
    }

    private Recommendation recommendation(String customerId, Strategy s, RuleTrace trace, HealthScore score,
                                          HealthBand band, ValueTier value, RiskTier risk, long asOf) {
        Parameters.ActionTerms terms = parameters.action(s.getAction());
        if (terms == null) {
            throw new IllegalStateException("customer " + customerId + ": rule \"" + trace.producer(s).rule()
                    + "\" recommends " + s.getAction() + ", which has no priority and SLA in " + RuleSet.PARAMETERS_FILE);
        }
        Recommendation r = new Recommendation();
        r.setCustomerId(customerId);
        r.setAction(s.getAction());
        r.setFamily(s.getFamily());
        r.setValueTier(value.getTier());
        r.setRiskTier(risk.getTier());
        r.setHealthBand(band.getBand());
        r.setHealthScore(score.getScore());
        r.setPredicted6mRevenue(score.getPredicted6mRevenue());
        r.setPriority(terms.getPriority());
        r.setDueAt(asOf + terms.slaMillis());
        r.setPlaybook(playbookJson(s.getPlaybook()));
        r.setReasons(reasonsJson(trace.explain(s)));
        r.setRulesetVersion(version());
        r.setValidAsOf(asOf);
        r.setPipelineStatus(Recommendation.OPEN);
        return r;
    }

    /** The single derived fact of a type (and filter); records a violation for none or several. */
    private static <T> T exactlyOne(RuleTrace trace, Class<T> type, java.util.function.Predicate<T> filter,
                                    String what, List<String> violations) {
        T found = null;
        int count = 0;
        for (Object o : trace.derived()) {
            if (type.isInstance(o) && filter.test(type.cast(o))) {
                found = type.cast(o);
                count++;
            }
        }
        if (count == 0) {
            violations.add("exactly one " + what + ", but no rule inserted one");
        } else if (count > 1) {
            violations.add("exactly one " + what + ", but " + count + " were inserted (" + producers(trace, type, filter) + ")");
            return null;
        }
        return found;
    }

    private static <T> String producers(RuleTrace trace, Class<T> type, java.util.function.Predicate<T> filter) {
        List<String> out = new ArrayList<>();
        for (Object o : trace.derived()) {
            if (type.isInstance(o) && filter.test(type.cast(o))) {
                out.add(o + " by \"" + trace.producer(o).rule() + "\"");
            }
        }
        return String.join(", ", out);
    }

    private static String playbookJson(List<String> steps) {
        return json(g -> {
            g.writeStartArray();
            for (String step : steps) {
                g.writeString(step);
            }
            g.writeEndArray();
        });
    }

    /** [{"rule": name, "facts": {binding: value, ...}}, ...] in firing order; doubles to 4 decimals. */
    static String reasonsJson(List<RuleTrace.Firing> chain) {
        return json(g -> {
            g.writeStartArray();
            for (RuleTrace.Firing f : chain) {
                g.writeStartObject();
                g.writeStringField("rule", f.rule());
                g.writeObjectFieldStart("facts");
                for (Map.Entry<String, Object> fact : f.facts().entrySet()) {
                    g.writeFieldName(fact.getKey());
                    writeScalar(g, fact.getValue());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    private static void writeScalar(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                g.writeNumber(Math.round(d * 10_000) / 10_000.0);
            } else {
                g.writeString(Double.toString(d));
            }
        } else if (v instanceof Number n) {
            g.writeNumber(n.longValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeString(String.valueOf(v));
        }
    }

    private interface JsonWriting {
        void write(JsonGenerator g) throws IOException;
    }

    private static String json(JsonWriting body) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
