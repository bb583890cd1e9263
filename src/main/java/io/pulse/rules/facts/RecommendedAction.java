package io.pulse.rules.facts;

import java.util.List;

/**
 * Action fact: a strategy the action rules ({@code strategies.drl}) recommend for the customer,
 * with its playbook. The engine turns each into a {@link io.pulse.model.Recommendation}, adding
 * priority and SLA from {@code parameters.json} and the reasons from the rules that led to it.
 *
 * <p>In a rule: {@code insert(RecommendedAction.valueRisk("URGENT_RETAIN", "step one", "step two"));}
 */
public final class RecommendedAction {
    /** The value tier x risk tier matrix: exactly one per customer. */
    public static final String VALUE_RISK = "VALUE_RISK";
    /** The health band x size strategy: exactly one per customer. */
    public static final String HEALTH = "HEALTH";
    /** Escalations on top of the matrices (red alert, post-upgrade rescue): none or more. */
    public static final String ALERT = "ALERT";
    /** Growth opportunities read in support (upgrade drivers): none or more. */
    public static final String OPPORTUNITY = "OPPORTUNITY";
    /** Support touchpoints for paying customers (section 4): none or more. */
    public static final String TOUCHPOINT = "TOUCHPOINT";

    private final String action;
    private final String family;
    private final List<String> playbook;
    private final String terms;

    public RecommendedAction(String action, String family, List<String> playbook) {
        this(action, family, playbook, action);
    }

    private RecommendedAction(String action, String family, List<String> playbook, String terms) {
        if (!isActionCode(action)) {
            throw new IllegalArgumentException("action code must be UPPER_SNAKE_CASE, not \"" + action + "\"");
        }
        if (family == null || family.isBlank()) {
            throw new IllegalArgumentException("strategy " + action + " needs a family");
        }
        if (playbook == null || playbook.isEmpty()) {
            throw new IllegalArgumentException("strategy " + action + " needs at least one playbook step");
        }
        this.action = action;
        this.family = family;
        this.playbook = List.copyOf(playbook);
        if (!isActionCode(terms)) {
            throw new IllegalArgumentException("terms code must be UPPER_SNAKE_CASE, not \"" + terms + "\"");
        }
        this.terms = terms;
    }

    /**
     * The same strategy on the priority and SLA of another entry of parameters.json "actions":
     * {@code RecommendedAction.alert("RED_ALERT", ...).withTerms("RED_ALERT_SOFTENED")} keeps the action
     * (one queue row) but makes it less urgent.
     */
    public RecommendedAction withTerms(String termsCode) {
        return new RecommendedAction(action, family, playbook, termsCode);
    }

    /** UPPER_SNAKE_CASE: a letter, then letters, digits and underscores. */
    static boolean isActionCode(String s) {
        if (s == null || s.isEmpty() || s.charAt(0) < 'A' || s.charAt(0) > 'Z') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** A strategy of the value tier x risk tier matrix (family VALUE_RISK). */
    public static RecommendedAction valueRisk(String action, String... playbookSteps) {
        return new RecommendedAction(action, VALUE_RISK, List.of(playbookSteps));
    }

    /** A strategy of the health band x size matrix (family HEALTH). */
    public static RecommendedAction health(String action, String... playbookSteps) {
        return new RecommendedAction(action, HEALTH, List.of(playbookSteps));
    }

    /** An escalation on top of the matrices (family ALERT). */
    public static RecommendedAction alert(String action, String... playbookSteps) {
        return new RecommendedAction(action, ALERT, List.of(playbookSteps));
    }

    /** A growth opportunity (family OPPORTUNITY). */
    public static RecommendedAction opportunity(String action, String... playbookSteps) {
        return new RecommendedAction(action, OPPORTUNITY, List.of(playbookSteps));
    }

    /** A support touchpoint (family TOUCHPOINT). */
    public static RecommendedAction touchpoint(String action, String... playbookSteps) {
        return new RecommendedAction(action, TOUCHPOINT, List.of(playbookSteps));
    }

    /** Action code, e.g. URGENT_RETAIN. */
    public String getAction() { return action; }
    public String getFamily() { return family; }
    /** Playbook steps, in the order a CSM works them. */
    public List<String> getPlaybook() { return playbook; }
    /** The parameters.json "actions" entry whose priority and SLA apply: the action code unless changed. */
    public String getTerms() { return terms; }

    @Override
    public String toString() { return "RecommendedAction[" + family + "/" + action + "]"; }
}
