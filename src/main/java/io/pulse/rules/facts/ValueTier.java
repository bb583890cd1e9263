package io.pulse.rules.facts;

import java.util.Set;

/**
 * Classification fact: the customer's value tier, High, Mid or Low, from the estimated LTV
 * against the average of its customer tier and the monetary score (rules-pack section 2).
 * Exactly one per evaluation.
 */
public final class ValueTier {
    public static final Set<String> VALUES = Set.of("High", "Mid", "Low");

    private final String tier;

    /** @throws IllegalArgumentException for anything but High, Mid or Low (a typo in a rule). */
    public ValueTier(String tier) {
        this.tier = Classification.check("ValueTier", tier, VALUES);
    }

    public String getTier() { return tier; }

    @Override
    public String toString() { return "ValueTier[" + tier + "]"; }
}
