package io.pulse.rules.facts;

import java.util.Set;

/**
 * Classification fact: the customer's risk tier, High, Medium or Low, from the activity risk
 * level and the engagement velocity (rules-pack section 2), damped: the {@link IndicatedRiskTier}
 * at once when it is no lower than the previous tier, else only once a lower risk has been
 * indicated long enough. Exactly one per evaluation: combinations the analysis left undefined
 * default to Medium.
 */
public final class RiskTier {
    public static final Set<String> VALUES = Set.of("High", "Medium", "Low");

    private final String tier;

    /** @throws IllegalArgumentException for anything but High, Medium or Low (a typo in a rule). */
    public RiskTier(String tier) {
        this.tier = Classification.check("RiskTier", tier, VALUES);
    }

    public String getTier() { return tier; }

    /** Low 0, Medium 1, High 2: a higher rank is a higher risk. */
    public int getRank() { return rank(tier); }

    /** The rank of a valid tier: Low 0, Medium 1, High 2. */
    public static int rank(String tier) {
        return switch (tier) {
            case "Low" -> 0;
            case "Medium" -> 1;
            case "High" -> 2;
            default -> throw new IllegalArgumentException("not a risk tier: " + tier);
        };
    }

    @Override
    public String toString() { return "RiskTier[" + tier + "]"; }
}
