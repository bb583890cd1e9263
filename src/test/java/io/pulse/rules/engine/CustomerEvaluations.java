package io.pulse.rules.engine;

import java.util.List;

/** Evaluations made up for tests of what keeps them, without running a rule pack. */
public final class CustomerEvaluations {
    private CustomerEvaluations() {}

    /** An evaluation with no recommendations, fired rules, cohorts or signals. */
    public static CustomerEvaluation of(String customerId, String healthBand, String valueTier, String riskTier,
                                        String indicatedRiskTier, long asOf) {
        return new CustomerEvaluation(customerId, 60, healthBand, valueTier, riskTier, indicatedRiskTier,
                "NURTURE_AND_GROW", "STANDARD_CARE", 0, List.of(), List.of(), List.of(), List.of(), "test", asOf);
    }
}
