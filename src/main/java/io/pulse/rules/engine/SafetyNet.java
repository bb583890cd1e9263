package io.pulse.rules.engine;

import io.pulse.rules.facts.HealthBand;
import io.pulse.rules.facts.HealthScore;
import io.pulse.rules.facts.RecommendedAction;
import io.pulse.rules.facts.RiskTier;
import io.pulse.rules.facts.ValueTier;
import io.pulse.rules.pack.RuleSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.kie.api.runtime.rule.ConsequenceException;

/**
 * Turns a failed evaluation into a {@link RuleEvaluationException} that names the customer and,
 * from the {@link RuleTrace}, the rule to blame: so a rule-pack bug stops one evaluation with a
 * message its author can act on, instead of a Drools stack trace or a wrong recommendation.
 */
final class SafetyNet {
    private SafetyNet() {}

    /** A rule threw (or overflowed the stack). */
    static RuleEvaluationException ruleThrew(String customerId, String version, RuleTrace trace, Throwable e) {
        String rule = failedRule(trace, e);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new RuleEvaluationException(customerId, rule, List.of(), firedRules(trace), "customer " + customerId
                + ": rule set " + version + ": " + (rule == null ? "" : "rule \"" + rule + "\" failed: ") + root, e);
    }

    /** The rules fired {@code maxFirings} times: the rule fired most keeps re-triggering itself. */
    static RuleEvaluationException runaway(String customerId, String version, int maxFirings, RuleTrace trace) {
        String rule = trace.mostFired();
        return new RuleEvaluationException(customerId, rule, List.of(), firedRules(trace), "customer " + customerId
                + ": rule set "
                + version + ": stopped after " + maxFirings + " rule firings (engine.maxFiringsPerEvaluation): "
                + "rule \"" + rule + "\" keeps re-triggering itself (fired " + trace.firingsOf(rule) + " times)", null);
    }

    /**
     * The rules ran longer than {@code maxMillis}: names the rule whose then part was running when
     * the budget ran out (or, when it ran out between firings, the rule that fired last).
     */
    static RuleEvaluationException overTime(String customerId, String version, long maxMillis, RuleTrace trace) {
        String rule = trace.overTimeRule();
        String blame = rule == null ? "no rule had fired yet (matching the input facts took that long)"
                : "rule \"" + rule + "\" " + (trace.overTimeInThenPart() ? "was running" : "had just fired")
                + " (fired " + trace.firingsOf(rule) + " times)";
        return new RuleEvaluationException(customerId, rule, List.of(), firedRules(trace), "customer " + customerId
                + ": rule set " + version + ": stopped after " + maxMillis + " ms (engine.maxMillisPerEvaluation): "
                + blame, null);
    }

    /** A rule recommends an action on terms that have no priority and SLA. */
    static RuleEvaluationException noTerms(String customerId, RecommendedAction s, RuleTrace trace) {
        String rule = trace.producer(s).rule();
        return new RuleEvaluationException(customerId, rule, List.of(), firedRules(trace), "customer " + customerId
                + ": rule \"" + rule + "\" recommends " + s.getAction() + " on the terms of " + s.getTerms()
                + ", which has no priority and SLA in " + RuleSet.PARAMETERS_FILE, null);
    }

    /** Which classification or strategy is missing or repeated, and by which rules. */
    static RuleEvaluationException notExactlyOne(String customerId, String version, RuleTrace trace) {
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
                + version + " must give " + violations.stream().map(Object::toString).collect(Collectors.joining("; "))
                + "; rules fired: " + fired, null);
    }

    /** Names of the rules that fired (or started to), in firing order. */
    static List<String> firedRules(RuleTrace trace) {
        List<String> fired = new ArrayList<>(trace.firings().size());
        for (RuleTrace.Firing f : trace.firings()) {
            fired.add(f.rule());
        }
        return fired;
    }

    /** The rule whose then part threw: from Drools' report, else the rule that was firing. */
    private static String failedRule(RuleTrace trace, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConsequenceException c && c.getMatch() != null) {
                return c.getMatch().getRule().getName();
            }
        }
        return trace.firingRule();
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
