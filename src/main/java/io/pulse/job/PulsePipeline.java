package io.pulse.job;

import io.pulse.flink.SideOutputs;
import io.pulse.evaluation.EvaluatorDescriptors;
import io.pulse.model.Recommendation;
import io.pulse.model.ScorePoint;
import io.pulse.events.CustomerEvent;
import io.pulse.events.DeclaredTable;
import io.pulse.model.DeadLetter;
import io.pulse.events.EventValidator;
import io.pulse.features.Cadence;
import io.pulse.features.CorrectionHorizon;
import io.pulse.features.CustomerFeatureFunction;
import io.pulse.features.PeriodFeatures;
import io.pulse.features.PopulationAggregator;
import io.pulse.evaluation.RuleEvaluationFunction;
import io.pulse.model.RuleDeployment;
import io.pulse.evaluation.RuleDeployments;
import io.pulse.evaluation.RulePackWatcher;
import io.pulse.rules.pack.RuleSet;
import io.pulse.evaluation.BroadcastUpdate;
import io.pulse.rules.facts.Population;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import java.util.List;

/**
 * The Pulse pipeline from events to recommendations, with no I/O: replay, live, backtest and the
 * tests all run these same operators with their own sources and sinks.
 *
 * <pre>
 * event streams ─> validate ─> keyBy(customer) ─> customer features ─┬─> population figures (one task) ─> broadcast
 *   (each)    │                                                       └──────────────┬───────────────────────┘
 *             └─> dead letters                                              evaluate rules ─> recommendations
 *                                                                                          └─> score points
 * </pre>
 * Each event stream is validated where it is read (chained to its source, no network hop), then
 * all are unioned into the keyed features. The streams must carry event-time timestamps and
 * watermarks.
 */
public final class PulsePipeline {

    /**
     * What the pipeline produces.
     *
     * @param scorePoints     the customers' score history: a point per evaluation that changed a score, band or tier
     * @param ruleDeployments every attempt to deploy a rule pack while running; null without rule reload
     */
    public record Output(DataStream<Recommendation> recommendations, DataStream<ScorePoint> scorePoints,
                         DataStream<DeadLetter> deadLetters, DataStream<RuleDeployment> ruleDeployments) {}

    private PulsePipeline() {}

    /** Without corrections or rule reload: replays and backtests. */
    public static Output build(List<DataStream<CustomerEvent>> eventStreams, RuleSet rules, Cadence cadence) {
        return build(eventStreams, rules, cadence, CorrectionHorizon.none(), null);
    }

    /**
     * @param corrections how late an event may arrive and still correct its customer's features
     * @param ruleUpdates validated rule packs to switch to while running (live mode), or null
     */
    public static Output build(List<DataStream<CustomerEvent>> eventStreams, RuleSet rules, Cadence cadence,
                               CorrectionHorizon corrections, SingleOutputStreamOperator<RuleSet> ruleUpdates) {
        if (eventStreams.isEmpty()) {
            throw new IllegalArgumentException("the pipeline needs at least one event stream");
        }
        DataStream<CustomerEvent> valid = null;
        DataStream<DeadLetter> invalid = null;
        List<DeclaredTable> tables = PulseJob.declaredTables(rules);
        for (DataStream<CustomerEvent> stream : eventStreams) {
            SingleOutputStreamOperator<CustomerEvent> validated = stream
                    .process(new EventValidator(tables))
                    .name("Validate " + sourceName(stream)) // one name per source: metric identifiers must differ
                    .setParallelism(stream.getParallelism());
            DataStream<DeadLetter> rejected = validated.getSideOutput(SideOutputs.DEAD_LETTERS);
            valid = valid == null ? validated : valid.union(validated);
            invalid = invalid == null ? rejected : invalid.union(rejected);
        }

        // The rows declared features count travel to the evaluator when the pack declares features,
        // or may come to (live: a reload can add some, and must find every customer's rows).
        boolean observe = ruleUpdates != null || rules.files().containsKey(RuleSet.FEATURES_FILE);
        SingleOutputStreamOperator<PeriodFeatures> features = valid
                .keyBy(new ByCustomer(), Types.STRING)
                .process(new CustomerFeatureFunction(cadence, corrections, observe))
                .uid("customer-features")
                .name("Customer features");

        DataStream<BroadcastUpdate> sideInput = features
                .keyBy(new ToPopulation(), Types.INT)
                .process(new PopulationAggregator())
                .uid("population-figures")
                .name("Population figures")
                .setParallelism(1)
                .map(BroadcastUpdate::of)
                .returns(TypeInformation.of(BroadcastUpdate.class))
                .name("Population as side input")
                .setParallelism(1);
        if (ruleUpdates != null) {
            sideInput = sideInput.union(RulePackWatcher.asSideInput(ruleUpdates));
        }
        BroadcastStream<BroadcastUpdate> broadcast = sideInput.broadcast(EvaluatorDescriptors.POPULATIONS,
                EvaluatorDescriptors.ACTIVE_RULES);

        // The features are already partitioned by customer: evaluate them in place, no second shuffle.
        SingleOutputStreamOperator<Recommendation> recommendations = DataStreamUtils
                .reinterpretAsKeyedStream(features, new FeaturesByCustomer(), Types.STRING)
                .connect(broadcast)
                .process(new RuleEvaluationFunction(rules))
                .uid("evaluate-rules")
                .name("Evaluate rules");

        DataStream<DeadLetter> deadLetters = invalid
                .union(features.getSideOutput(SideOutputs.DEAD_LETTERS),
                        recommendations.getSideOutput(SideOutputs.DEAD_LETTERS));
        DataStream<RuleDeployment> ruleDeployments = ruleUpdates == null ? null
                : ruleUpdates.getSideOutput(EvaluatorDescriptors.RULE_DEPLOYMENTS)
                        .connect(recommendations.getSideOutput(EvaluatorDescriptors.RESCORES))
                        .process(new RuleDeployments())
                        .uid("rule-deployments")
                        .name("Rule deployments")
                        .setParallelism(1);
        return new Output(recommendations, recommendations.getSideOutput(EvaluatorDescriptors.SCORE_POINTS), deadLetters,
                ruleDeployments);
    }

    /** The name of the source a stream starts at ("History: accounts", "Live events: Kafka events"). */
    private static String sourceName(DataStream<CustomerEvent> stream) {
        Transformation<?> t = stream.getTransformation();
        while (!t.getInputs().isEmpty()) {
            t = t.getInputs().get(0);
        }
        return t.getName();
    }

    static final class ByCustomer implements KeySelector<CustomerEvent, String> {
        @Override
        public String getKey(CustomerEvent e) {
            return e.customerId;
        }
    }

    static final class FeaturesByCustomer implements KeySelector<PeriodFeatures, String> {
        @Override
        public String getKey(PeriodFeatures f) {
            return f.customerId;
        }
    }

    static final class ToPopulation implements KeySelector<PeriodFeatures, Integer> {
        @Override
        public Integer getKey(PeriodFeatures f) {
            return PopulationAggregator.ALL;
        }
    }
}
