package io.pulse.rules.engine;

import java.util.List;

/**
 * The rules failed for one customer: a rule threw, the rules fired more often than the firing
 * cap allows (a rule that re-triggers itself) or ran longer than the time budget, or they did not
 * give exactly one of each classification and strategy. Names the customer and, where one rule is to blame, that rule.
 */
public class RuleEvaluationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * One classification or strategy that was not given exactly once: what it is (e.g.
     * {@code RiskTier}), how many were given, by which rules, and the sentence that says so.
     */
    public record Violation(String what, int count, List<String> rules, String message) {
        @Override
        public String toString() {
            return message;
        }
    }

    private final String customerId;
    private final String rule;
    private final List<Violation> violations;
    private final List<String> firedRules;

    RuleEvaluationException(String customerId, String rule, List<Violation> violations, List<String> firedRules,
                            String message, Throwable cause) {
        super(message, cause);
        this.customerId = customerId;
        this.rule = rule;
        this.violations = List.copyOf(violations);
        this.firedRules = List.copyOf(firedRules);
    }

    public String customerId() {
        return customerId;
    }

    /** The rule to blame (the one that threw or kept firing), or null when no single rule is. */
    public String rule() {
        return rule;
    }

    /** The rules that fired (or started to) before the evaluation failed, in firing order. */
    public List<String> firedRules() {
        return firedRules;
    }

    /** What was not given exactly once; empty when a rule threw or looped. */
    public List<Violation> violations() {
        return violations;
    }
}
