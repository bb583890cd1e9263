package io.pulse.rules.facts;

import java.util.Set;

/**
 * Classification fact: the customer's risk tier, High, Medium or Low, from the activity risk
 * level and the engagement velocity (rules-pack section 2). Exactly one per evaluation:
 * combinations the analysis left undefined default to Medium.
 */
public final class RiskTier {
    public static final Set<String> VALUES = Set.of("High", "Medium", "Low");

    private final String tier;

    /** @throws IllegalArgumentException for anything but High, Medium or Low (a typo in a rule). */
    public RiskTier(String tier) {
        this.tier = Classification.check("RiskTier", tier, VALUES);
    }

    public String getTier() { return tier; }

    @Override
    public String toString() { return "RiskTier[" + tier + "]"; }
}
