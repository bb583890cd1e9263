package io.pulse.rules.facts;

/**
 * Classification fact: the risk tier the customer's inputs indicate at this evaluation, before
 * damping (rules-pack section 2). The risk-tier rules turn it into the {@link RiskTier}: at once
 * when it is the same or a higher risk, only after it has indicated a lower risk for long enough
 * otherwise ({@link PreviousRiskTier}).
 */
public final class IndicatedRiskTier {
    private final String tier;

    /** @throws IllegalArgumentException for anything but High, Medium or Low (a typo in a rule). */
    public IndicatedRiskTier(String tier) {
        this.tier = Classification.check("IndicatedRiskTier", tier, RiskTier.VALUES);
    }

    public String getTier() { return tier; }

    /** Low 0, Medium 1, High 2: a higher rank is a higher risk. */
    public int getRank() { return RiskTier.rank(tier); }

    @Override
    public String toString() { return "IndicatedRiskTier[" + tier + "]"; }
}
