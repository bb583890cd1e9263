package io.pulse.rules.engine;

import io.pulse.model.Recommendation;
import io.pulse.rules.facts.Account;
import io.pulse.rules.facts.Cohort;
import io.pulse.rules.facts.HealthBand;
import io.pulse.rules.facts.HealthScore;
import io.pulse.rules.facts.IndicatedRiskTier;
import io.pulse.rules.facts.Parameters;
import io.pulse.rules.facts.RecommendedAction;
import io.pulse.rules.facts.RiskTier;
import io.pulse.rules.facts.Signal;
import io.pulse.rules.facts.ValueTier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the facts the rules derived for one customer into a {@link CustomerEvaluation}: one
 * {@link Recommendation} per strategy, with the priority and SLA of its terms in parameters.json
 * and the reasons the {@link RuleTrace} explains, in order of priority. One per engine: its
 * playbook cache is not thread-safe.
 */
final class RecommendationMapper {
    private static final Comparator<Recommendation> BY_PRIORITY =
            Comparator.comparingInt(Recommendation::getPriority).thenComparing(Recommendation::getAction);

    private final Parameters parameters;
    private final String version;
    /** Playbook -> its JSON: playbooks are mostly constants of the rules, so this stays small. */
    private final Map<List<String>, String> playbookJson = new HashMap<>();

    RecommendationMapper(CompiledPack pack) {
        this.parameters = pack.parameters();
        this.version = pack.rules().version();
    }

    /**
     * @throws RuleEvaluationException when the rules did not give exactly one of each
     *     classification and strategy, recommended an action twice, or used terms without a
     *     priority and SLA
     */
    CustomerEvaluation evaluation(String customerId, Account account, RuleTrace trace, long asOf) {
        Outputs out = Outputs.of(trace);
        if (!out.exactlyOneEach()) {
            throw SafetyNet.notExactlyOne(customerId, version, trace);
        }
        Collections.sort(out.cohorts);
        String cohortsJson = JsonText.stringArray(out.cohorts);
        List<Recommendation> recommendations = new ArrayList<>(out.strategies.size());
        for (RecommendedAction s : out.strategies) {
            recommendations.add(recommendation(customerId, account, s, trace, out, cohortsJson, asOf));
        }
        recommendations.sort(BY_PRIORITY);
        Collections.sort(out.signals);
        return new CustomerEvaluation(customerId, out.score.getScore(), out.score.getInputs(), out.band.getBand(), out.value.getTier(),
                out.risk.getTier(), out.indicatedRisk == null ? out.risk.getTier() : out.indicatedRisk.getTier(),
                out.health.getAction(), out.valueRisk.getAction(),
                out.score.getPredicted6mRevenue(), recommendations, SafetyNet.firedRules(trace), out.cohorts,
                out.signals, version, asOf);
    }

    private Recommendation recommendation(String customerId, Account account, RecommendedAction s, RuleTrace trace,
                                          Outputs out, String cohorts, long asOf) {
        Parameters.ActionTerms terms = parameters.action(s.getTerms());
        if (terms == null) {
            throw SafetyNet.noTerms(customerId, s, trace);
        }
        Recommendation r = new Recommendation();
        r.setCustomerId(customerId);
        r.setAction(s.getAction());
        r.setFamily(s.getFamily());
        r.setValueTier(out.value.getTier());
        r.setRiskTier(out.risk.getTier());
        r.setHealthBand(out.band.getBand());
        r.setHealthScore(out.score.getScore());
        r.setIndustry(account.getIndustry());
        r.setSizeSegment(account.getSizeSegment());
        r.setOwner(account.getOwner());
        r.setPredicted6mRevenue(out.score.getPredicted6mRevenue());
        r.setPriority(terms.getPriority());
        r.setDueAt(asOf + terms.slaMillis());
        r.setPlaybook(playbookJson(s.getPlaybook()));
        r.setReasons(JsonText.reasons(trace.explain(s)));
        r.setCohorts(cohorts);
        r.setRulesetVersion(version);
        r.setValidAsOf(asOf);
        r.setPipelineStatus(Recommendation.OPEN);
        return r;
    }

    private String playbookJson(List<String> playbook) {
        String json = playbookJson.get(playbook);
        if (json == null) {
            if (playbookJson.size() > 1_000) {
                playbookJson.clear(); // playbooks built from fact values: do not grow without bound
            }
            json = JsonText.stringArray(playbook);
            playbookJson.put(playbook, json);
        }
        return json;
    }

    /**
     * The derived facts sorted by kind in one pass (the hot path); {@link SafetyNet#notExactlyOne}
     * runs the detailed check only on failure.
     */
    private static final class Outputs {
        HealthScore score;
        HealthBand band;
        ValueTier value;
        RiskTier risk;
        /** Null for a pack that places the risk tier directly (no damping). */
        IndicatedRiskTier indicatedRisk;
        RecommendedAction valueRisk;
        RecommendedAction health;
        int scores, bands, values, risks, valueRisks, healths;
        final List<RecommendedAction> strategies = new ArrayList<>(2);
        final List<String> cohorts = new ArrayList<>(0);
        final List<String> signals = new ArrayList<>(0);

        static Outputs of(RuleTrace trace) {
            Outputs out = new Outputs();
            for (Object o : trace.derived()) {
                out.add(o);
            }
            return out;
        }

        private void add(Object o) {
            if (o instanceof Cohort c) {
                cohorts.add(c.getName());
            } else if (o instanceof Signal x) {
                signals.add(x.getName());
            } else if (o instanceof RecommendedAction s) {
                strategies.add(s);
                if (s.getFamily().equals(RecommendedAction.VALUE_RISK)) {
                    valueRisk = s;
                    valueRisks++;
                } else if (s.getFamily().equals(RecommendedAction.HEALTH)) {
                    health = s;
                    healths++;
                }
            } else if (o instanceof HealthScore x) {
                score = x;
                scores++;
            } else if (o instanceof HealthBand x) {
                band = x;
                bands++;
            } else if (o instanceof ValueTier x) {
                value = x;
                values++;
            } else if (o instanceof RiskTier x) {
                risk = x;
                risks++;
            } else if (o instanceof IndicatedRiskTier x) {
                indicatedRisk = x;
            }
        }

        boolean exactlyOneEach() {
            return scores == 1 && bands == 1 && values == 1 && risks == 1 && valueRisks == 1 && healths == 1
                    && !hasDuplicateAction();
        }

        private boolean hasDuplicateAction() {
            for (int i = 0; i < strategies.size(); i++) {
                for (int j = i + 1; j < strategies.size(); j++) {
                    if (strategies.get(i).getAction().equals(strategies.get(j).getAction())) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
