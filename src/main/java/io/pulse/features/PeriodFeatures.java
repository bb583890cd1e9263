package io.pulse.features;

import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.CustomerProfile;
import io.pulse.rules.facts.PlanChangeWindow;
import io.pulse.rules.facts.Subscription;
import io.pulse.rules.facts.SupportActivity;

/**
 * Everything the rules know about one customer at the end of an evaluation period: the latest
 * account and profile snapshots, the subscription, the rolling support activity and the open
 * plan-change window. Emitted by
 * {@link CustomerFeatureFunction}, consumed by the population aggregate and the rule evaluation.
 */
public class PeriodFeatures {
    public String customerId;
    /** Event time (epoch ms, the last ms of the period) the features are valid as of. */
    public long asOf;
    /** Null until the first account snapshot. */
    public Account account;
    /** Fields stay unset until the matching customer-360 snapshot arrives. */
    public CustomerProfile profile;
    public SupportActivity support;
    /** Null until the first Intercom company snapshot. */
    public Subscription subscription;
    /** Null unless an upgrade or downgrade's post window is open. */
    public PlanChangeWindow planChange;
    /**
     * The rows declared features count that arrived since the customer's previous features, as a
     * packed {@code ObservationLog}; null when there are none or the job does not observe them.
     * The evaluator adds them to the customer's log; it never keeps them with the features.
     */
    public byte[] observations;

    public PeriodFeatures() {}

    /** True when the rules can classify the customer: an account and a complete profile. */
    public boolean isComplete() {
        return account != null && profile != null && profile.isComplete();
    }
}
