package io.pulse.rules.engine;

import io.pulse.rules.facts.PreviousAction;
import io.pulse.rules.facts.PreviousRiskTier;

import java.util.List;

/**
 * What the rules are told about a customer's previous evaluations, to damp flapping: the health
 * band, value tier and risk tier it came out with (null at the first), and the actions opened for
 * it before.
 */
public record PreviousEvaluation(String healthBand, String valueTier, PreviousRiskTier riskTier,
                                 List<PreviousAction> actions) {
    /** A customer's first evaluation. */
    public static final PreviousEvaluation NONE = new PreviousEvaluation(null, null, null, List.of());

    public PreviousEvaluation {
        actions = List.copyOf(actions);
    }
}
