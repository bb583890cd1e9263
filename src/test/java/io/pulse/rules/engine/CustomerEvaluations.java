package io.pulse.rules.engine;

import java.util.List;

/** Evaluations made up for tests of what keeps them, without running a rule pack. */
public final class CustomerEvaluations {
    private CustomerEvaluations() {}

    /** An evaluation with no recommendations, fired rules, cohorts or signals. */
    public static CustomerEvaluation of(String customerId, String healthBand, String valueTier, String riskTier,
                                        String indicatedRiskTier, long asOf) {
        return of(customerId, 60, healthBand, valueTier, riskTier, indicatedRiskTier, asOf);
    }

    /** An evaluation of a given score, whose risk tier is the one indicated. */
    public static CustomerEvaluation of(String customerId, double healthScore, String healthBand, String valueTier,
                                        String riskTier, long asOf) {
        return of(customerId, healthScore, healthBand, valueTier, riskTier, riskTier, asOf);
    }

    private static CustomerEvaluation of(String customerId, double healthScore, String healthBand, String valueTier,
                                         String riskTier, String indicatedRiskTier, long asOf) {
        return new CustomerEvaluation(customerId, healthScore, null, healthBand, valueTier, riskTier, indicatedRiskTier,
                "NURTURE_AND_GROW", "STANDARD_CARE", 0, List.of(), List.of(), List.of(), List.of(), "test", asOf);
    }
}
