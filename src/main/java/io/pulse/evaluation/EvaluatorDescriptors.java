package io.pulse.evaluation;

import io.pulse.model.RuleDeployment;
import io.pulse.model.ScorePoint;
import io.pulse.rules.pack.RuleSet;
import io.pulse.rules.facts.Population;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;

/** The rule evaluator's broadcast-state descriptors and side-output tags, read by the job that wires it. */
public final class EvaluatorDescriptors {
    /** Population snapshots by the event time they are valid as of. */
    public static final MapStateDescriptor<Long, Population> POPULATIONS =
            new MapStateDescriptor<>("population by time", Types.LONG, TypeInformation.of(Population.class));

    /** The rule pack the evaluators run (live mode: the last good one deployed), under {@link #ACTIVE}. */
    public static final MapStateDescriptor<String, RuleSet> ACTIVE_RULES =
            new MapStateDescriptor<>("active rule pack", Types.STRING, TypeInformation.of(RuleSet.class));
    public static final String ACTIVE = "active";

    /** Every attempt to deploy a rule pack in a running job (live mode). */
    public static final OutputTag<RuleDeployment> RULE_DEPLOYMENTS =
            new OutputTag<>("rule-deployments", TypeInformation.of(RuleDeployment.class));

    /** One per evaluator instance and rule reload: it has re-scored all its customers under the new pack. */
    public static final OutputTag<RescoreReport> RESCORES =
            new OutputTag<>("rescores", TypeInformation.of(RescoreReport.class));

    /** A customer's score history: one point per evaluation that changed its score, band or a tier. */
    public static final OutputTag<ScorePoint> SCORE_POINTS =
            new OutputTag<>("score-points", TypeInformation.of(ScorePoint.class));

    private EvaluatorDescriptors() {}
}
