package io.pulse.model;

/**
 * One attempt to deploy a rule pack in a running job, a row of {@code rule_deployments}: the
 * version (hash of the pack), when (wall clock), the status (active, rejected, replaced) and the
 * problems of a rejected pack as {@code file:line: message} lines, and for an accepted pack the
 * declared features it backfilled (new or changed since the pack it replaced, computed for every
 * customer over their whole window). Once every evaluator instance
 * has re-scored all its customers under an accepted pack, the same row gets when that was done
 * ({@link #rescoredAt}), how many customers and how many rows were written for them; null until
 * then, and for the pack the job started with (nothing to re-score).
 */
public class RuleDeployment {
    public static final String ACTIVE = "active";
    public static final String REJECTED = "rejected";
    public static final String REPLACED = "replaced";

    public String rulesetVersion;
    public long at;
    public String status;
    public String messages;
    public Long rescoredAt;
    public Long customersRescored;
    public Long actionsWritten;
    /** Comma-separated names; empty when none (null: not known, as for the rows of earlier versions). */
    public String backfilledFeatures;

    public RuleDeployment() {}

    public RuleDeployment(String rulesetVersion, long at, String status, String messages) {
        this.rulesetVersion = rulesetVersion;
        this.at = at;
        this.status = status;
        this.messages = messages;
    }

    /** This deployment (same version, time and status) with its re-score done. */
    public RuleDeployment rescored(long rescoredAt, long customers, long actionsWritten) {
        RuleDeployment d = new RuleDeployment(rulesetVersion, at, status, messages);
        d.backfilledFeatures = backfilledFeatures;
        d.rescoredAt = rescoredAt;
        d.customersRescored = customers;
        d.actionsWritten = actionsWritten;
        return d;
    }

    @Override
    public String toString() {
        return "RuleDeployment[" + rulesetVersion + " " + status
                + (rescoredAt == null ? "" : ", " + customersRescored + " customers re-scored") + "]";
    }
}
