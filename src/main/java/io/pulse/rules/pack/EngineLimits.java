package io.pulse.rules.pack;

/**
 * The engine's limits per customer evaluation, from the optional {@code engine} section of
 * {@code parameters.json} (see {@link ParametersReader#engineLimits}).
 *
 * @param maxFirings rule firings allowed ({@value #MAX_FIRINGS}): more means a rule keeps
 *                   re-triggering itself
 * @param maxMillis  milliseconds the rules may run ({@value #MAX_MILLIS}), checked between firings
 */
public record EngineLimits(int maxFirings, long maxMillis) {
    /** The key of {@link #maxFirings} in the {@code engine} section. */
    public static final String MAX_FIRINGS = "maxFiringsPerEvaluation";
    /** The key of {@link #maxMillis} in the {@code engine} section. */
    public static final String MAX_MILLIS = "maxMillisPerEvaluation";

    public EngineLimits {
        if (maxFirings < 1 || maxMillis < 1) {
            throw new IllegalArgumentException("limits must be at least 1: " + maxFirings + " firings, " + maxMillis + " ms");
        }
    }
}
