package io.pulse.rules.facts;

import java.util.Set;

/**
 * Classification fact: a warning or opportunity the signal rules ({@code signals.drl}) read in
 * the customer's support activity (rules-pack section 3). Action and classification rules match
 * on it by name: {@code Signal( name == "DOWNGRADE_RISK_LANGUAGE" )}. At most one per name.
 */
public final class Signal {
    /** Executive Attention, Renewal, Escalation, Data Quality or Billing language in support. */
    public static final String DOWNGRADE_RISK_LANGUAGE = "DOWNGRADE_RISK_LANGUAGE";
    /** Enablement, Automation, Implementation, Feature Feedback, Usage Spike or API in support. */
    public static final String UPGRADE_DRIVERS = "UPGRADE_DRIVERS";
    /** A day with far more conversations than the customer's last 14 days. */
    public static final String CONVERSATION_SPIKE = "CONVERSATION_SPIKE";
    public static final Set<String> VALUES = Set.of(DOWNGRADE_RISK_LANGUAGE, UPGRADE_DRIVERS, CONVERSATION_SPIKE);

    private final String name;

    /** @throws IllegalArgumentException for a name not in {@link #VALUES} (a typo in a rule). */
    public Signal(String name) {
        this.name = Classification.check("Signal", name, VALUES);
    }

    public String getName() { return name; }

    @Override
    public String toString() { return "Signal[" + name + "]"; }
}
