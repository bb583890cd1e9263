package io.pulse.rules.facts;

import java.util.Set;

/**
 * Classification fact: the account's health band, High (score >= 80), Medium (50-79.99) or Low
 * (< 50) with the default thresholds (rules-pack section 1). Exactly one per evaluation.
 */
public final class HealthBand {
    public static final Set<String> VALUES = Set.of("High", "Medium", "Low");

    private final String band;

    /** @throws IllegalArgumentException for anything but High, Medium or Low (a typo in a rule). */
    public HealthBand(String band) {
        this.band = Classification.check("HealthBand", band, VALUES);
    }

    public String getBand() { return band; }

    @Override
    public String toString() { return "HealthBand[" + band + "]"; }
}
