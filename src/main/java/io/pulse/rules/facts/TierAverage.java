package io.pulse.rules.facts;

/**
 * Input fact: the population's average estimated LTV (USD) of the customer's own tier (Basic ..
 * Platinum), as of the {@link Population} snapshot. The engine inserts it with the other inputs
 * (it is {@code population.averageLtv(profile.customerTier)}), so value-tier rules compare
 * against it directly: {@code TierAverage( $tierAverageLtv : averageLtv < $estimatedLtv )}.
 * 0 when the tier has no customers yet.
 */
public final class TierAverage {
    private final String customerTier;
    private final double averageLtv;

    public TierAverage(String customerTier, double averageLtv) {
        this.customerTier = customerTier;
        this.averageLtv = averageLtv;
    }

    public String getCustomerTier() { return customerTier; }
    public double getAverageLtv() { return averageLtv; }

    @Override
    public String toString() { return "TierAverage[" + customerTier + ": " + averageLtv + "]"; }
}
