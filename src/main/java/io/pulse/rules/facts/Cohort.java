package io.pulse.rules.facts;

import java.util.Set;

/**
 * Classification fact: a cohort the customer belongs to (rules-pack section 2), e.g. the quiet
 * high-value customers. A tag, not an action: recommendations carry the customer's cohorts.
 */
public final class Cohort {
    /** Quick from marketing to sales, slow to reach support, engaged above the population average. */
    public static final String QUIET_HIGH_VALUE = "QUIET_HIGH_VALUE";
    public static final Set<String> VALUES = Set.of(QUIET_HIGH_VALUE);

    private final String name;

    /** @throws IllegalArgumentException for a name not in {@link #VALUES} (a typo in a rule). */
    public Cohort(String name) {
        this.name = Classification.check("Cohort", name, VALUES);
    }

    public String getName() { return name; }

    @Override
    public String toString() { return "Cohort[" + name + "]"; }
}
