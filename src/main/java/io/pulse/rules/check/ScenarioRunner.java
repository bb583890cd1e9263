package io.pulse.rules.check;

import io.pulse.rules.engine.CustomerEvaluation;
import io.pulse.features.declared.FeatureDeclaration;
import io.pulse.features.declared.FeatureDeclarations;
import io.pulse.rules.engine.CustomerFacts;
import io.pulse.rules.engine.PreviousEvaluation;
import io.pulse.rules.engine.JsonText;
import io.pulse.rules.engine.RuleEngine;
import io.pulse.rules.engine.RuleEvaluationException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pulse.model.Recommendation;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.PreviousAction;
import io.pulse.rules.facts.PreviousRiskTier;
import io.pulse.rules.facts.Population;
import io.pulse.rules.facts.Subscription;
import io.pulse.rules.facts.SupportActivity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Runs the rule pack's scenario files ({@code rules/scenarios/*.json}): each scenario gives the
 * facts of one customer and the outcome a business user expects, and passes when the rules
 * produce it. The format is in {@code rules/README.md}; in short:
 *
 * <pre>
 * { "description": "...", "asOf": "2025-01-01T00:00:00Z",
 *   "given": { "population": {...}, "account": {...}, "profile": {...},        defaults for every scenario
 *              optional: "subscription", "support", "planChange", "previousHealthBand",
 *              "previousValueTier", "previousRiskTier": { "tier", "daysIndicatedHigher", "daysIndicatedLower" },
 *              "previousActions": [ { "action", "daysSinceOpened", "open" } ],
 *              "features": { "declaredFeatureName": value } },
 *   "scenarios": [ { "name": "...",
 *                    "given": { "profile": { "monetaryScore": 5 } },             overrides, field by field
 *                    "expect": { "healthBand", "healthScore" (to 0.01), "valueTier", "riskTier",
 *                                "actions": [every action, any order], "priorities": { "ACTION": 1 },
 *                                "cohorts": [every cohort], "signals": [every signal],
 *                                "rulesFired": [rules that must fire], "rulesNotFired": [...],
 *                                "playbooks": { "ACTION": [steps it must contain] } } } ] }
 * </pre>
 */
public final class ScenarioRunner {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** The outcome of one scenario: passed when {@link #failures()} is empty. */
    public record Result(String file, String name, List<String> failures, List<String> firedRules) {
        public boolean passed() {
            return failures.isEmpty();
        }

        @Override
        public String toString() {
            return file + ": " + name + (passed() ? ": passed" : ": FAILED\n  " + String.join("\n  ", failures));
        }
    }

    /** What a scenario's "given" may hold; account, profile and population are required. */
    private static final List<String> GIVEN_FACTS = List.of("population", "account", "profile", "subscription",
            "support", "planChange", "previousHealthBand", "previousValueTier", "previousRiskTier", "previousActions", "features");
    private static final List<String> EXPECTATIONS = List.of("healthBand", "valueTier", "riskTier", "healthScore",
            "actions", "priorities", "cohorts", "signals", "rulesFired", "rulesNotFired", "playbooks");

    private ScenarioRunner() {}

    /** Every {@code *.json} scenario file of {@code dir}, in name order. */
    public static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    /** Runs every scenario of every file in {@code dir}. */
    public static List<Result> runAll(RuleEngine engine, Path dir) throws IOException {
        List<Result> results = new ArrayList<>();
        for (Path file : files(dir)) {
            results.addAll(run(engine, file));
        }
        return results;
    }

    /**
     * One scenario as written: its file, its name, the facts it gives (the file's defaults with its
     * own laid over them), what it expects, the customer id it gets when the facts name none, and
     * the event time it is evaluated as of.
     */
    record Scenario(String file, String name, JsonNode given, JsonNode expect, String defaultId, long asOf) {}

    /** The scenarios of one file, in the order written; an empty list when it has none. */
    static List<Scenario> read(Path file) throws IOException {
        String name = file.getFileName().toString();
        JsonNode root = MAPPER.readTree(file.toFile());
        long asOf = root.hasNonNull("asOf") ? Instant.parse(root.get("asOf").asText()).toEpochMilli() : 0L;
        JsonNode defaults = root.path("given");
        List<Scenario> scenarios = new ArrayList<>();
        int index = 0;
        for (JsonNode scenario : root.path("scenarios")) {
            index++;
            scenarios.add(new Scenario(name, scenario.path("name").asText("scenario " + index),
                    merge(defaults, scenario.path("given")), scenario.path("expect"), "scenario-" + index, asOf));
        }
        return scenarios;
    }

    /** Every scenario of every file in {@code dir}, in file then written order. */
    static List<Scenario> readAll(Path dir) throws IOException {
        List<Scenario> scenarios = new ArrayList<>();
        for (Path file : files(dir)) {
            scenarios.addAll(read(file));
        }
        return scenarios;
    }

    /** Runs the scenarios of one file, in the order written. */
    public static List<Result> run(RuleEngine engine, Path file) throws IOException {
        List<Result> results = new ArrayList<>();
        for (Scenario scenario : read(file)) {
            results.add(runOne(engine, scenario));
        }
        if (results.isEmpty()) {
            results.add(new Result(file.getFileName().toString(), "(file)", List.of("no \"scenarios\" in the file"),
                    List.of()));
        }
        return results;
    }

    /**
     * Evaluates the facts a scenario gives ({@code account}, {@code profile}, {@code population};
     * optional {@code subscription}, {@code support}, {@code planChange}, {@code previousHealthBand},
     * {@code previousValueTier}, {@code previousRiskTier}, {@code previousActions}), named as in the fact model.
     *
     * @throws IOException when the facts do not map onto the fact model
     * @throws RuleEvaluationException when the rules fail for them
     */
    static CustomerEvaluation evaluate(RuleEngine engine, JsonNode given, String defaultId, long asOf) throws IOException {
        Account account = MAPPER.treeToValue(given.path("account"), Account.class);
        CustomerProfile profile = MAPPER.treeToValue(given.path("profile"), CustomerProfile.class);
        Population population = MAPPER.treeToValue(given.path("population"), Population.class);
        if (account.getCustomerId() == null) {
            account.setCustomerId(defaultId);
        }
        profile.setCustomerId(account.getCustomerId());
        Subscription subscription = optional(given, "subscription", Subscription.class);
        SupportActivity support = optional(given, "support", SupportActivity.class);
        PlanChangeWindow planChange = optional(given, "planChange", PlanChangeWindow.class);
        String previousBand = given.hasNonNull("previousHealthBand") ? given.get("previousHealthBand").asText() : null;
        String previousTier = given.hasNonNull("previousValueTier") ? given.get("previousValueTier").asText() : null;
        PreviousRiskTier previousRisk = null;
        if (given.hasNonNull("previousRiskTier")) {
            JsonNode risk = given.get("previousRiskTier");
            previousRisk = new PreviousRiskTier(required(risk, "tier", "previousRiskTier").asText(),
                    risk.path("daysIndicatedHigher").asLong(0), risk.path("daysIndicatedLower").asLong(0));
        }
        List<PreviousAction> previousActions = new ArrayList<>();
        for (JsonNode a : given.path("previousActions")) {
            previousActions.add(new PreviousAction(required(a, "action", "previousActions").asText(),
                    required(a, "daysSinceOpened", "previousActions").asLong(), a.path("open").asBoolean(false)));
        }
        return engine.evaluate(new CustomerFacts(account, profile, subscription, support, planChange,
                        new PreviousEvaluation(previousBand, previousTier, previousRisk, previousActions),
                        declaredFeatures(engine.declaredFeatures(), given.path("features"))),
                population, asOf);
    }

    /** The declared features a scenario sets, typed as declared; an undeclared one is an error. */
    private static Map<String, Object> declaredFeatures(FeatureDeclarations declared, JsonNode given) throws IOException {
        Map<String, Object> values = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FeatureDeclaration f = declared.features().stream().filter(d -> d.name().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new IOException("feature \"" + e.getKey() + "\" is not declared in "
                            + FeatureDeclarations.FILE + " (declared: "
                            + declared.features().stream().map(FeatureDeclaration::name).toList() + ")"));
            JsonNode v = e.getValue();
            Object value = switch (f.drlType()) {
                case "int", "Integer" -> v.isIntegralNumber() ? (Object) v.asInt() : null;
                case "double", "Double" -> v.isNumber() ? (Object) v.asDouble() : null;
                case "Boolean" -> v.isBoolean() ? (Object) v.asBoolean() : null;
                default -> v.isTextual() ? v.asText() : null;
            };
            boolean primitive = f.drlType().equals("int") || f.drlType().equals("double");
            if (value == null && !(v.isNull() && !primitive)) {
                throw new IOException("feature \"" + f.name() + "\" is " + f.drlType() + ", not " + v);
            }
            values.put(f.name(), value);
        }
        return values;
    }

    private static JsonNode required(JsonNode node, String field, String where) throws IOException {
        if (!node.hasNonNull(field)) {
            throw new IOException("\"" + field + "\" missing in " + where);
        }
        return node.get(field);
    }

    private static Result runOne(RuleEngine engine, Scenario scenario) {
        String file = scenario.file();
        String title = scenario.name();
        JsonNode given = scenario.given();
        JsonNode expect = scenario.expect();
        List<String> failures = new ArrayList<>();
        unknownFields(failures, given, GIVEN_FACTS, "unknown fact \"%s\" in given: use " + GIVEN_FACTS);
        if (!failures.isEmpty()) {
            return new Result(file, title, failures, List.of());
        }
        CustomerEvaluation evaluation;
        try {
            evaluation = evaluate(engine, given, scenario.defaultId(), scenario.asOf());
        } catch (IOException | RuntimeException e) {
            failures.add("evaluation failed: " + e.getMessage());
            return new Result(file, title, failures, List.of());
        }
        List<String> fired = evaluation.firedRules();
        checkOutcome(failures, expect, evaluation);
        checkRules(failures, expect, fired);
        checkPlaybooks(failures, expect, evaluation);
        unknownFields(failures, expect, EXPECTATIONS, "unknown expectation \"%s\"");
        if (!failures.isEmpty()) {
            failures.add("rules fired: " + fired);
        }
        return new Result(file, title, failures, fired);
    }

    /** A failure (the {@code message} format, with the field) for each field of {@code node} not in {@code known}. */
    private static void unknownFields(List<String> failures, JsonNode node, List<String> known, String message) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                failures.add(String.format(message, field));
            }
        }
    }

    /** The classification, cohorts, signals, actions and their priorities. */
    private static void checkOutcome(List<String> failures, JsonNode expect, CustomerEvaluation evaluation) {
        check(failures, expect, "healthBand", evaluation.healthBand());
        check(failures, expect, "valueTier", evaluation.valueTier());
        check(failures, expect, "riskTier", evaluation.riskTier());
        checkSet(failures, expect, "cohorts", evaluation.cohorts());
        checkSet(failures, expect, "signals", evaluation.signals());
        if (expect.has("healthScore")) {
            double want = expect.get("healthScore").asDouble();
            if (Math.abs(want - evaluation.healthScore()) > 0.01) {
                failures.add("healthScore: expected " + want + ", got " + evaluation.healthScore());
            }
        }
        checkSet(failures, expect, "actions", evaluation.recommendations().stream().map(Recommendation::getAction).toList());
        for (Iterator<Map.Entry<String, JsonNode>> it = expect.path("priorities").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> priority = it.next();
            Recommendation r = evaluation.recommendation(priority.getKey());
            if (r == null || r.getPriority() != priority.getValue().asInt()) {
                failures.add("priorities: expected " + priority.getKey() + " at priority " + priority.getValue().asInt()
                        + ", got " + (r == null ? "no such action" : r.getPriority()));
            }
        }
    }

    private static void checkRules(List<String> failures, JsonNode expect, List<String> fired) {
        for (JsonNode rule : expect.path("rulesFired")) {
            if (!fired.contains(rule.asText())) {
                failures.add("rule \"" + rule.asText() + "\" should have fired but did not");
            }
        }
        for (JsonNode rule : expect.path("rulesNotFired")) {
            if (fired.contains(rule.asText())) {
                failures.add("rule \"" + rule.asText() + "\" should not have fired but did");
            }
        }
    }

    private static void checkPlaybooks(List<String> failures, JsonNode expect, CustomerEvaluation evaluation) {
        for (Iterator<Map.Entry<String, JsonNode>> it = expect.path("playbooks").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> playbook = it.next();
            Recommendation r = evaluation.recommendation(playbook.getKey());
            if (r == null) {
                failures.add("playbooks: no " + playbook.getKey() + " recommendation");
                continue;
            }
            for (JsonNode step : playbook.getValue()) {
                if (!r.getPlaybook().contains(JsonText.quoted(step.asText()))) {
                    failures.add("playbook of " + playbook.getKey() + " should contain \"" + step.asText()
                            + "\": " + r.getPlaybook());
                }
            }
        }
    }

    private static <T> T optional(JsonNode given, String field, Class<T> type) throws IOException {
        return given.hasNonNull(field) ? MAPPER.treeToValue(given.get(field), type) : null;
    }

    /** An exact set: every value expected, no other. */
    private static void checkSet(List<String> failures, JsonNode expect, String field, List<String> actual) {
        if (expect.has(field)) {
            TreeSet<String> want = new TreeSet<>();
            expect.get(field).forEach(a -> want.add(a.asText()));
            TreeSet<String> got = new TreeSet<>(actual);
            if (!want.equals(got)) {
                failures.add(field + ": expected " + want + ", got " + got);
            }
        }
    }

    private static void check(List<String> failures, JsonNode expect, String field, String actual) {
        if (expect.has(field) && !expect.get(field).asText().equals(actual)) {
            failures.add(field + ": expected " + expect.get(field).asText() + ", got " + actual);
        }
    }

    /** {@code defaults} with {@code overrides} laid over it, object by object, field by field. */
    static JsonNode merge(JsonNode defaults, JsonNode overrides) {
        ObjectNode out = defaults.isObject() ? ((ObjectNode) defaults).deepCopy() : MAPPER.createObjectNode();
        if (overrides.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode base = out.get(e.getKey());
                out.set(e.getKey(), base != null && base.isObject() && e.getValue().isObject()
                        ? merge(base, e.getValue()) : e.getValue());
            }
        }
        return out;
    }
}
