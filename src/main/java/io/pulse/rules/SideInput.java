package io.pulse.rules;

import io.pulse.rules.facts.Population;

/**
 * What reaches every rule evaluator on the broadcast side: a population snapshot, or (live mode)
 * a rule pack that was validated and is to replace the running one. Exactly one field is set.
 */
public class SideInput {
    public Population population;
    public RuleSet rules;

    public SideInput() {}

    public static SideInput of(Population population) {
        SideInput s = new SideInput();
        s.population = population;
        return s;
    }

    public static SideInput of(RuleSet rules) {
        SideInput s = new SideInput();
        s.rules = rules;
        return s;
    }
}
