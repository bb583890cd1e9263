package io.pulse.evaluation;

import io.pulse.rules.pack.RuleSet;
import io.pulse.rules.facts.Population;

/**
 * What reaches every rule evaluator on the broadcast side: a population snapshot, or (live mode)
 * a rule pack that was validated and is to replace the running one. Exactly one field is set.
 */
public class BroadcastUpdate {
    public Population population;
    public RuleSet rules;

    public BroadcastUpdate() {}

    public static BroadcastUpdate of(Population population) {
        BroadcastUpdate s = new BroadcastUpdate();
        s.population = population;
        return s;
    }

    public static BroadcastUpdate of(RuleSet rules) {
        BroadcastUpdate s = new BroadcastUpdate();
        s.rules = rules;
        return s;
    }
}
