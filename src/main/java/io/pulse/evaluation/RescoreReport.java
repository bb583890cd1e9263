package io.pulse.evaluation;

/**
 * One evaluator instance has re-scored every customer it holds under a newly deployed pack: how
 * many customers, how many rows it wrote for them (new or changed recommendations, and those the
 * new pack retired; a recommendation the new pack makes exactly as before is not re-written), and
 * when it finished (wall clock). {@link RuleDeployments} adds up the reports of all instances.
 */
public class RescoreReport {
    public String rulesetVersion;
    /** This evaluator instance (subtask index) and how many there are. */
    public int instance;
    public int instances;
    public long customers;
    public long actionsWritten;
    public long finishedAt;

    public RescoreReport() {}

    public RescoreReport(String rulesetVersion, int instance, int instances, long customers, long actionsWritten,
                         long finishedAt) {
        this.rulesetVersion = rulesetVersion;
        this.instance = instance;
        this.instances = instances;
        this.customers = customers;
        this.actionsWritten = actionsWritten;
        this.finishedAt = finishedAt;
    }

    @Override
    public String toString() {
        return "RescoreReport[" + rulesetVersion + " " + (instance + 1) + "/" + instances + ": " + customers
                + " customers, " + actionsWritten + " rows]";
    }
}
