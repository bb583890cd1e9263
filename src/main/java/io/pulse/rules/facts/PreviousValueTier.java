package io.pulse.rules.facts;

/**
 * Input fact: the value tier the customer had at its previous evaluation, absent at the first one.
 * The value-tier rules read it to damp flapping: a High or Low customer keeps its tier while it
 * misses that tier's conditions by no more than the margins ({@code valueTier.ltvMargin},
 * {@code valueTier.monetaryScoreMargin}).
 */
public final class PreviousValueTier {
    private final String tier;

    /** @throws IllegalArgumentException for anything but High, Mid or Low. */
    public PreviousValueTier(String tier) {
        this.tier = Classification.check("PreviousValueTier", tier, ValueTier.VALUES);
    }

    public String getTier() { return tier; }

    @Override
    public String toString() { return "PreviousValueTier[" + tier + "]"; }
}
