package io.pulse.rules.check;

import io.pulse.features.declared.FeatureDeclaration;
import io.pulse.features.declared.FeatureDeclarations;
import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.engine.RuleEvaluationException;
import io.pulse.rules.pack.DrlSource;
import io.pulse.rules.pack.Problem;
import io.pulse.rules.pack.RuleSet;
import io.pulse.rules.sandbox.DrlText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the compiler cannot see: evaluates the compiled pack on generated customers and reports
 * <ul>
 *   <li>a <b>gap</b>: a customer who gets no value tier, risk tier, health band or strategy;
 *   <li>an <b>overlap</b>: a customer who gets two of them (or the same action twice);
 *   <li>a rule that <b>fails</b> (throws, or keeps firing until the firing cap or the time budget
 *       stops it);
 *   <li>an <b>unreachable</b> rule: one that fires for none of the examples nor the scenarios
 *       (reported once no rule fails: a failing rule stops the rules after it);
 * </ul>
 * each as {@code file:line: message} at the rule, with the example that shows it.
 *
 * <p>The examples start from the facts of every scenario ({@code rules/scenarios}) and vary the
 * input facts field by field, knowing nothing of today's rules: a text field the rules compare
 * with literals ({@code field == "X"}, {@code field in ("X", "Y")}) takes each of those values and
 * one they do not list (starting from the first scenario of each file: all such fields in every
 * combination; from the others: one field at a time); a number takes the values either side of
 * (and at) every number of {@code parameters.json}, every number the rules compare with, and every
 * number of the scenario's population (one field at a time, from the first scenario that gives it).
 * The population itself is not varied. Numbers the rules derive (the health score) are covered as
 * far as the varied inputs reach them. Declared features are input fields like the others (those a
 * scenario does not set start at 0, false or empty text).
 */
public final class TotalityLint {
    /** The customer id of generated examples. */
    static final String EXAMPLE_ID = "lint-example";
    /** A text value no rule lists: stands for every value the rules do not name. */
    static final String UNLISTED = "(a value no rule names)";
    /** Above this many combinations of listed values, each text field is varied on its own. */
    private static final int MAX_COMBINATIONS = 5_000;
    /** Customers a rule may fail for (throw, loop) before the lint stops generating more. */
    private static final int MAX_FAILURES = 50;
    /** Threads the examples are evaluated on, at most (no more than the cores). */
    private static final int MAX_THREADS = 4;
    /** Examples evaluated between two checks of {@link #MAX_FAILURES}. */
    private static final int BATCH = 64;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code field == "X"} or {@code field != "X"}. */
    private static final Pattern TEXT_COMPARISON = Pattern.compile("(\\w+)\\s*(?:==|!=)\\s*\"([^\"]*)\"");
    /** {@code field in ("X", "Y")} or {@code field not in (...)}. */
    private static final Pattern TEXT_IN = Pattern.compile("(\\w+)\\s+(?:not\\s+)?in\\s*\\(([^)]*)\\)");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
    private static final Pattern NUMBER_COMPARISON = Pattern.compile("(?:<|<=|>|>=|==|!=)\\s*(-?\\d+(?:\\.\\d+)?)\\b");

    /** What the lint found ({@code file:line: message}, in file and line order), and how much it looked at. */
    public record Report(List<String> problems, int customers, int scenarios) {}

    /** One generated customer: the facts, and how they differ from the scenario they come from. */
    private record Example(JsonNode given, long asOf, String description) {}

    private TotalityLint() {}

    /** Lints the compiled pack, starting from the scenarios in {@code scenariosDir}. */
    public static Report run(RuleEngine engine, java.nio.file.Path scenariosDir) throws IOException {
        return run(engine, ScenarioRunner.readAll(scenariosDir));
    }

    static Report run(RuleEngine engine, List<ScenarioRunner.Scenario> scenarios) {
        return run(engine, scenarios, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
    }

    /** The lint with its examples evaluated on {@code threads} threads: the report does not depend on it. */
    static Report run(RuleEngine engine, List<ScenarioRunner.Scenario> scenarios, int threads) {
        Map<String, Set<String>> textDomains = textDomains(engine.source());
        TreeSet<Double> thresholds = thresholds(engine);
        List<Example> examples = examples(withDeclaredFeatures(scenarios, engine.declaredFeatures()), textDomains,
                thresholds);

        Set<String> fired = new HashSet<>();
        Map<String, Finding> findings = new LinkedHashMap<>();
        judge(engine, examples, threads, fired, findings);

        DrlSource source = engine.source();
        List<Problem> problems = new ArrayList<>();
        for (Finding f : findings.values()) {
            f.report(source, problems);
        }
        // A failing rule stops the evaluations it fails in, so the rules after it seem unreachable:
        // reachability is reported once no rule fails.
        boolean failing = findings.keySet().stream().anyMatch(k -> k.startsWith("fails|"));
        for (String rule : engine.ruleNames()) {
            if (!failing && !fired.contains(rule)) {
                DrlSource.RuleLocation at = source.locate(rule);
                problems.add(new Problem(at.file(), at.line(), "rule \"" + rule + "\" is unreachable: it fired for none of "
                        + examples.size() + " generated customers nor the " + scenarios.size() + " scenarios"));
            }
        }
        problems.sort(null);
        return new Report(problems.stream().map(Problem::toString).distinct().toList(), examples.size(), scenarios.size());
    }

    /**
     * Evaluates the examples in order, adding the rules that fired to {@code fired} and the first
     * example of each gap, overlap and failing rule to {@code findings}; stops after
     * {@link #MAX_FAILURES} failing customers.
     */
    private static void judge(RuleEngine engine, List<Example> examples, int threads, Set<String> fired,
                              Map<String, Finding> findings) {
        int failures = 0;
        try (ParallelEvaluation evaluation = new ParallelEvaluation(engine, threads)) {
            for (int from = 0; from < examples.size(); from += BATCH) {
                List<Example> batch = examples.subList(from, Math.min(examples.size(), from + BATCH));
                List<Outcome> outcomes = evaluation.run(batch);
                for (int i = 0; i < batch.size(); i++) {
                    if (failures > MAX_FAILURES) {
                        return; // a looping rule costs the whole firing cap per customer: enough examples to fix it
                    }
                    Outcome outcome = outcomes.get(i);
                    fired.addAll(outcome.fired());
                    RuleEvaluationException e = outcome.error();
                    if (e == null) {
                        continue;
                    }
                    if (e.violations().isEmpty()) {
                        failures++;
                        findings.putIfAbsent("fails|" + e.rule(), new Finding(null, e, batch.get(i)));
                    } else {
                        // The first is the cause: classifications come before the strategies built on them.
                        RuleEvaluationException.Violation v = e.violations().get(0);
                        String key = (v.count() == 0 ? "gap|" : "overlap|") + v.what() + "|" + new TreeSet<>(v.rules());
                        findings.putIfAbsent(key, new Finding(v, e, batch.get(i)));
                    }
                }
            }
        }
    }

    /** What evaluating one example gave: the rules that fired, and the failure if it failed. */
    private record Outcome(Collection<String> fired, RuleEvaluationException error) {
        static final Outcome NO_CUSTOMER = new Outcome(List.of(), null);

        static Outcome of(RuleEngine engine, Example example) {
            try {
                return new Outcome(ScenarioRunner.evaluate(engine, example.given(), EXAMPLE_ID, example.asOf()).firedRules(),
                        null);
            } catch (RuleEvaluationException e) {
                return new Outcome(e.firedRules(), e);
            } catch (IOException | RuntimeException e) {
                // facts that do not map onto the fact model (a listed value a field cannot hold): no customer
                return NO_CUSTOMER;
            }
        }
    }

    /**
     * Evaluates a batch of examples on a number of threads (the caller's and a pool's),
     * each with its own engine of the pack; outcomes come back in the batch's order, so the
     * lint's report is the one a single thread gives. In a reload the lint is on the clock between
     * saving a rule file and the customers re-scored.
     */
    private static final class ParallelEvaluation implements AutoCloseable {
        private final List<RuleEngine> engines = new ArrayList<>();
        private final ExecutorService pool;

        ParallelEvaluation(RuleEngine engine, int threads) {
            engines.add(engine);
            for (int i = 1; i < threads; i++) {
                engines.add(engine.forAnotherThread());
            }
            AtomicInteger started = new AtomicInteger();
            pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads - 1, task -> {
                Thread thread = new Thread(task, "totality-lint-" + started.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        }

        List<Outcome> run(List<Example> batch) {
            Outcome[] outcomes = new Outcome[batch.size()];
            int slices = engines.size();
            List<Future<?>> others = new ArrayList<>();
            for (int slice = 1; slice < slices; slice++) {
                int s = slice;
                others.add(pool.submit(() -> evaluateSlice(engines.get(s), batch, s, slices, outcomes)));
            }
            evaluateSlice(engines.get(0), batch, 0, slices, outcomes);
            for (Future<?> other : others) {
                try {
                    other.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted during the totality lint", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the totality lint failed", e.getCause());
                }
            }
            return Arrays.asList(outcomes);
        }

        /** Every {@code slices}-th example from {@code slice}: interleaved, so slow examples spread. */
        private static void evaluateSlice(RuleEngine engine, List<Example> batch, int slice, int slices,
                                          Outcome[] outcomes) {
            for (int i = slice; i < batch.size(); i += slices) {
                outcomes[i] = Outcome.of(engine, batch.get(i));
            }
        }

        @Override
        public void close() {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /** A gap, an overlap or a failing rule, with the first example that shows it. */
    private record Finding(RuleEvaluationException.Violation violation, RuleEvaluationException error, Example example) {
        void report(DrlSource source, List<Problem> problems) {
            if (violation == null) {
                DrlSource.RuleLocation at = source.locate(error.rule());
                String message = error.getMessage().replaceFirst("^customer \\S+: rule set \\w+: ", "")
                        .replaceFirst("^rule \"[^\"]*\" failed: ", "");
                problems.add(new Problem(at.file(), at.line(), (error.rule() == null ? "the rules fail" :
                        "rule \"" + error.rule() + "\" fails") + " for " + example.description() + ": " + message));
            } else if (violation.count() == 0) {
                String type = violation.what().split(" ")[0];
                List<String> givers = source.rulesMentioningInThen(type);
                DrlSource.RuleLocation at = source.locate(givers.isEmpty() ? null : givers.get(0));
                problems.add(new Problem(at.file(), at.line(), "gap: no rule gives " + violation.what() + " for "
                        + example.description() + (givers.isEmpty() ? "" : " (the rules that give one: " + located(source, givers) + ")")));
            } else {
                for (String rule : new LinkedHashSet<>(violation.rules())) {
                    DrlSource.RuleLocation at = source.locate(rule);
                    problems.add(new Problem(at.file(), at.line(), "overlap: " + violation.count() + " x "
                            + violation.what() + " for " + example.description() + ", from "
                            + located(source, new ArrayList<>(new LinkedHashSet<>(violation.rules())))));
                }
            }
        }
    }

    private static String located(DrlSource source, List<String> rules) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rules.size() && i < 4; i++) {
            out.add("\"" + rules.get(i) + "\" (" + source.locate(rules.get(i)) + ")");
        }
        return String.join(", ", out) + (rules.size() > 4 ? " and " + (rules.size() - 4) + " more" : "");
    }

    // ---- what to vary ----------------------------------------------------------------------------

    /** Field name -> the text values the rules compare it with. */
    static Map<String, Set<String>> textDomains(DrlSource source) {
        Map<String, Set<String>> domains = new LinkedHashMap<>();
        for (DrlSource.DrlFile file : source.files()) {
            String text = DrlText.blankComments(file.text());
            Matcher m = TEXT_COMPARISON.matcher(text);
            while (m.find()) {
                domains.computeIfAbsent(m.group(1), k -> new LinkedHashSet<>()).add(m.group(2));
            }
            m = TEXT_IN.matcher(text);
            while (m.find()) {
                Matcher q = QUOTED.matcher(m.group(2));
                while (q.find()) {
                    domains.computeIfAbsent(m.group(1), k -> new LinkedHashSet<>()).add(q.group(1));
                }
            }
        }
        return domains;
    }

    /** Every number of parameters.json and every number the rules compare with. */
    private static TreeSet<Double> thresholds(RuleEngine engine) {
        TreeSet<Double> numbers = new TreeSet<>();
        String parameters = engine.ruleSet().files().get(RuleSet.PARAMETERS_FILE);
        try {
            numbersIn(JSON.readTree(parameters), numbers);
        } catch (IOException e) {
            throw new IllegalStateException("parameters.json compiled, so it parses", e);
        }
        for (DrlSource.DrlFile file : engine.source().files()) {
            Matcher m = NUMBER_COMPARISON.matcher(DrlText.blankCommentsAndStrings(file.text()));
            while (m.find()) {
                numbers.add(Double.parseDouble(m.group(1)));
            }
        }
        return numbers;
    }

    private static void numbersIn(JsonNode node, Set<Double> out) {
        if (node.isNumber()) {
            out.add(node.asDouble());
        }
        for (JsonNode child : node) {
            numbersIn(child, out);
        }
    }

    /** A varied input field: the fact (key of {@code given}) and the field. */
    private record Field(String fact, String name) {
        @Override
        public String toString() {
            return fact + "." + name;
        }
    }

    /**
     * The scenarios with every declared feature they do not set given a plain value (0, false or
     * empty text), so the lint varies declared features like any other input field.
     */
    private static List<ScenarioRunner.Scenario> withDeclaredFeatures(List<ScenarioRunner.Scenario> scenarios,
                                                                      FeatureDeclarations declared) {
        if (declared.isEmpty()) {
            return scenarios;
        }
        List<ScenarioRunner.Scenario> filled = new ArrayList<>(scenarios.size());
        for (ScenarioRunner.Scenario s : scenarios) {
            ObjectNode given = s.given().deepCopy();
            ObjectNode features = given.has("features") ? (ObjectNode) given.get("features") : given.putObject("features");
            for (FeatureDeclaration f : declared.features()) {
                if (!features.has(f.name())) {
                    features.set(f.name(), switch (f.drlType()) {
                        case "int", "Integer" -> LongNode.valueOf(0);
                        case "double", "Double" -> DoubleNode.valueOf(0);
                        case "Boolean" -> BooleanNode.FALSE;
                        default -> TextNode.valueOf("");
                    });
                }
            }
            filled.add(new ScenarioRunner.Scenario(s.file(), s.name(), given, s.expect(), s.defaultId(), s.asOf()));
        }
        return filled;
    }

    private static List<Example> examples(List<ScenarioRunner.Scenario> scenarios, Map<String, Set<String>> textDomains,
                                          TreeSet<Double> thresholds) {
        Map<String, Example> examples = new LinkedHashMap<>();
        Set<String> combinedFiles = new HashSet<>();
        Set<Field> sweptFields = new HashSet<>();
        for (ScenarioRunner.Scenario s : scenarios) {
            String origin = "the customer of scenario \"" + s.name() + "\" (" + s.file() + ")";
            add(examples, new Example(s.given(), s.asOf(), origin));
            addListedValues(examples, s, origin, textDomains, combinedFiles.add(s.file()));
            addNumbersAround(examples, s, origin, thresholds, sweptFields);
        }
        return new ArrayList<>(examples.values());
    }

    /**
     * Text fields the rules list values for, and booleans: every combination from the first
     * scenario of a file (each field on its own if too many), each field on its own from the others.
     */
    private static void addListedValues(Map<String, Example> examples, ScenarioRunner.Scenario s, String origin,
                                        Map<String, Set<String>> textDomains, boolean firstOfFile) {
        Map<Field, List<JsonNode>> listed = new LinkedHashMap<>();
        forEachInputField(s.given(), (field, value) -> {
            Set<String> domain = textDomains.get(field.name());
            if (value.isTextual() && domain != null) {
                List<JsonNode> values = new ArrayList<>();
                domain.forEach(v -> values.add(TextNode.valueOf(v)));
                values.add(TextNode.valueOf(UNLISTED));
                listed.put(field, values);
            } else if (value.isBoolean()) {
                listed.put(field, List.of(BooleanNode.TRUE, BooleanNode.FALSE));
            }
        });
        long combinations = 1;
        for (List<JsonNode> values : listed.values()) {
            combinations = Math.min(Long.MAX_VALUE / 64, combinations * values.size());
        }
        if (firstOfFile && combinations <= MAX_COMBINATIONS) {
            combine(examples, s, origin, new ArrayList<>(listed.entrySet()), 0, new LinkedHashMap<>());
        } else {
            listed.forEach((field, values) -> values.forEach(v -> add(examples, vary(s, origin, Map.of(field, v)))));
        }
    }

    /**
     * Numbers: either side of every threshold and every number of the scenario's population, one
     * field at a time, from the first scenario that gives the field.
     */
    private static void addNumbersAround(Map<String, Example> examples, ScenarioRunner.Scenario s, String origin,
                                         TreeSet<Double> thresholds, Set<Field> sweptFields) {
        TreeSet<Double> own = new TreeSet<>();
        numbersIn(s.given().path("population"), own);
        own.addAll(thresholds);
        forEachInputField(s.given(), (field, value) -> {
            if (value.isNumber() && sweptFields.add(field)) {
                for (double t : own) {
                    for (JsonNode v : around(t, value)) {
                        add(examples, vary(s, origin, Map.of(field, v)));
                    }
                }
            }
        });
    }

    private static void add(Map<String, Example> examples, Example e) {
        examples.putIfAbsent(e.given().toString(), e);
    }

    private static void combine(Map<String, Example> examples, ScenarioRunner.Scenario s, String origin,
                                List<Map.Entry<Field, List<JsonNode>>> fields, int i, Map<Field, JsonNode> chosen) {
        if (i == fields.size()) {
            add(examples, vary(s, origin, chosen));
            return;
        }
        for (JsonNode v : fields.get(i).getValue()) {
            chosen.put(fields.get(i).getKey(), v);
            combine(examples, s, origin, fields, i + 1, chosen);
        }
        chosen.remove(fields.get(i).getKey());
    }

    /** The value just below, at and just above {@code t}, in the type the scenario writes the field in. */
    private static List<JsonNode> around(double t, JsonNode like) {
        boolean whole = like.isIntegralNumber();
        double step = whole ? 1 : 0.01;
        double base = whole ? Math.rint(t) : t;
        List<JsonNode> out = new ArrayList<>(3);
        for (double v : new double[] {base - step, base, base + step}) {
            if (v >= 0 || like.asDouble() < 0) { // inputs that are never negative stay so
                out.add(whole ? LongNode.valueOf((long) v) : DoubleNode.valueOf(Math.round(v * 100) / 100.0));
            }
        }
        return out;
    }

    private static Example vary(ScenarioRunner.Scenario s, String origin, Map<Field, JsonNode> changes) {
        ObjectNode given = s.given().deepCopy();
        List<String> said = new ArrayList<>();
        changes.forEach((field, value) -> {
            ObjectNode fact = (ObjectNode) given.get(field.fact());
            if (!value.equals(fact.get(field.name()))) {
                said.add(field + " = " + value);
            }
            fact.set(field.name(), value);
        });
        return new Example(given, s.asOf(), said.isEmpty() ? origin : origin + " with " + String.join(", ", said));
    }

    /** Every scalar field of every input fact the scenario gives, except the population's. */
    private static void forEachInputField(JsonNode given, java.util.function.BiConsumer<Field, JsonNode> action) {
        for (Iterator<Map.Entry<String, JsonNode>> facts = given.fields(); facts.hasNext(); ) {
            Map.Entry<String, JsonNode> fact = facts.next();
            if (fact.getKey().equals("population") || !fact.getValue().isObject()) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = fact.getValue().fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (f.getValue().isValueNode() && !f.getKey().equals("customerId")) {
                    action.accept(new Field(fact.getKey(), f.getKey()), f.getValue());
                }
            }
        }
    }
}
