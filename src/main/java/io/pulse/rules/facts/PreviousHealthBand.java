package io.pulse.rules.facts;

/**
 * Input fact: the health band the customer had at its previous evaluation, absent at the first
 * one. The band rules read it to damp flapping: a customer keeps its band until its score leaves
 * the band by more than the hysteresis margin ({@code healthBands.hysteresisMargin}).
 */
public final class PreviousHealthBand {
    private final String band;

    /** @throws IllegalArgumentException for anything but High, Medium or Low. */
    public PreviousHealthBand(String band) {
        this.band = Classification.check("PreviousHealthBand", band, HealthBand.VALUES);
    }

    public String getBand() { return band; }

    @Override
    public String toString() { return "PreviousHealthBand[" + band + "]"; }
}
