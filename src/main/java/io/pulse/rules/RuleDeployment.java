package io.pulse.rules;

/**
 * One attempt to deploy a rule pack in a running job, a row of {@code rule_deployments}: the
 * version (hash of the pack), when (wall clock), the status (active, rejected, replaced) and the
 * problems of a rejected pack as {@code file:line: message} lines.
 */
public class RuleDeployment {
    public static final String ACTIVE = "active";
    public static final String REJECTED = "rejected";
    public static final String REPLACED = "replaced";

    public String rulesetVersion;
    public long at;
    public String status;
    public String messages;

    public RuleDeployment() {}

    public RuleDeployment(String rulesetVersion, long at, String status, String messages) {
        this.rulesetVersion = rulesetVersion;
        this.at = at;
        this.status = status;
        this.messages = messages;
    }

    @Override
    public String toString() {
        return "RuleDeployment[" + rulesetVersion + " " + status + "]";
    }
}
