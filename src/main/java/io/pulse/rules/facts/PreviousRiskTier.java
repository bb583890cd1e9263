package io.pulse.rules.facts;

/**
 * Input fact: the risk tier the customer had at its previous evaluation (absent at the first one),
 * and for how many days its inputs have indicated a higher, or a lower, risk than that tier,
 * counting this evaluation as one more: the days from the first evaluation of that unbroken run to
 * this one, 0 when such a run would start now (at most one of the two is above 0). The risk-tier
 * rules read it to move a tier only once the other indication has lasted long enough
 * ({@code riskTier.daysBeforeRaising}, {@code riskTier.daysBeforeLowering}).
 */
public final class PreviousRiskTier {
    private final String tier;
    private final long daysIndicatedHigher;
    private final long daysIndicatedLower;

    /** @throws IllegalArgumentException for a tier other than High, Medium or Low, or negative days. */
    public PreviousRiskTier(String tier, long daysIndicatedHigher, long daysIndicatedLower) {
        this.tier = Classification.check("PreviousRiskTier", tier, RiskTier.VALUES);
        if (daysIndicatedHigher < 0 || daysIndicatedLower < 0) {
            throw new IllegalArgumentException("PreviousRiskTier's days must be 0 or more, not "
                    + daysIndicatedHigher + " and " + daysIndicatedLower);
        }
        this.daysIndicatedHigher = daysIndicatedHigher;
        this.daysIndicatedLower = daysIndicatedLower;
    }

    public String getTier() { return tier; }

    /** Low 0, Medium 1, High 2: a higher rank is a higher risk. */
    public int getRank() { return RiskTier.rank(tier); }

    public long getDaysIndicatedHigher() { return daysIndicatedHigher; }

    public long getDaysIndicatedLower() { return daysIndicatedLower; }

    @Override
    public String toString() {
        return "PreviousRiskTier[" + tier + ", higher for " + daysIndicatedHigher + " days, lower for "
                + daysIndicatedLower + " days]";
    }
}
